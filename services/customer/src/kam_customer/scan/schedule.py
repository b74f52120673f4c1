"""Background jobs of the scan part: scan-on-start, the cron schedule, resuming unfinished scans."""

from __future__ import annotations

import asyncio
import logging
from zoneinfo import ZoneInfo

from kam_kit.clock import Clock
from kam_kit.errors import FailedPrecondition

from kam_customer.scan.cron import Cron
from kam_customer.scan.jobs import ScanManager

log = logging.getLogger(__name__)
BANK_TZ = ZoneInfo("Asia/Shanghai")


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


async def run_schedule(manager: ScanManager, cron: Cron, clock: Clock, *, poll_seconds: float = 20.0) -> None:
    """Start a scan (incremental when possible) at every minute matching ``cron`` in the bank's local time."""
    due = cron.next_after(clock.now().astimezone(BANK_TZ))
    while True:
        now = clock.now().astimezone(BANK_TZ)
        if now >= due:
            try:
                await manager.create(mode=None, trigger="SCHEDULED")
            except FailedPrecondition:
                log.info("scheduled scan skipped: another scan is running")
            due = cron.next_after(now)
        await asyncio.sleep(min(poll_seconds, max(0.05, (due - now).total_seconds())))
