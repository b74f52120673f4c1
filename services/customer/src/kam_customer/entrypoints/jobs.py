"""The customer service's background jobs: resuming unfinished scans or the first full scan at start, scans on
the cron schedule, and the daily key-date sweep — each on the bank's time zone (one setting,
``KAM_CUSTOMER_BANK_TIMEZONE``)."""

from __future__ import annotations

import asyncio
import logging
from zoneinfo import ZoneInfo

from kam_kit.clock import Clock
from kam_kit.cron import Cron
from kam_kit.errors import FailedPrecondition

from kam_customer.keydates.service import KeyDateSweep
from kam_customer.scan.jobs import ScanManager

log = logging.getLogger(__name__)


async def start_scans(manager: ScanManager, *, scan_on_start: bool, retry_seconds: float = 30.0) -> None:
    """Resume what a previous process left unfinished; otherwise scan fully when KAM has never scanned
    successfully. The first scan waits for the source to become reachable (e.g. while the demo source is
    still being generated) instead of piling up failed jobs."""
    resumed = await manager.resume_unfinished()
    if resumed:
        log.info("resuming scan jobs", extra={"scan_jobs": resumed})
        return
    if not scan_on_start:
        return
    while not await manager.has_scanned():
        problem = await manager.source_problem()
        if problem is None:
            try:
                await manager.create(mode="FULL", trigger="STARTUP")
            except FailedPrecondition:
                pass
            return
        log.warning("first scan waits for the source", extra={"reason": problem})
        await asyncio.sleep(retry_seconds)


async def run_schedule(
    manager: ScanManager, cron: Cron, clock: Clock, *, timezone: str, poll_seconds: float = 20.0
) -> None:
    """Start a scan (incremental when possible) at every minute matching ``cron`` in the bank's local time."""
    bank = ZoneInfo(timezone)
    due = cron.next_after(clock.now().astimezone(bank))
    while True:
        now = clock.now().astimezone(bank)
        if now >= due:
            try:
                await manager.create(mode=None, trigger="SCHEDULED")
            except FailedPrecondition:
                log.info("scheduled scan skipped: another scan is running")
            due = cron.next_after(now)
        await asyncio.sleep(min(poll_seconds, max(0.05, (due - now).total_seconds())))


async def scans(
    manager: ScanManager, cron: Cron, clock: Clock, *, scan_on_start: bool, timezone: str
) -> None:
    """The scan job of a serving process: start (resume or first scan), then the schedule; stops the manager."""
    try:
        await start_scans(manager, scan_on_start=scan_on_start)
        await run_schedule(manager, cron, clock, timezone=timezone)
    finally:
        await manager.stop()


async def key_date_sweeps(sweep: KeyDateSweep, cron: Cron) -> None:
    """The daily key-date sweep (and one at start)."""
    await sweep.run_schedule(cron)
