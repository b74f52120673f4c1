"""The customer service's commands besides ``serve`` and ``migrate``: ``kam-customer scan`` (one scan now, with a
progress bar) and ``kam-customer key-dates`` (the key-date sweep, once). Each derives the account-name secret
from ``KAM_TOKEN_SECRET`` as the service does, so the events they publish name accounts as the API does."""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from kam_kit.runtime import Command

if TYPE_CHECKING:
    from kam_kit.db import Database

    from kam_customer.domain.names import AccountNames
    from kam_customer.settings import CustomerSettings

BAR_WIDTH = 30


class ProgressBar:
    """Plain terminal rendering: one redrawn line on a TTY, one line per phase otherwise."""

    def __init__(self, stream=sys.stderr) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last_phase = ""

    def update(self, job) -> None:
        filled = int(BAR_WIDTH * job.progress / 100)
        rate = job.rows_read / job.run_seconds if job.run_seconds > 0 else 0.0
        line = (
            f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {job.progress:5.1f}% {job.phase or job.state:<8} "
            f"选中 {job.customers_selected} 客户  读取 {job.rows_read} 行  {rate:,.0f} 行/秒  问题行 {job.bad_rows}"
        )
        if self.tty:
            width = shutil.get_terminal_size((120, 20)).columns
            self.stream.write("\r" + line[: width - 1].ljust(width - 1))
        elif job.phase != self.last_phase:
            self.stream.write(line + "\n")
        self.last_phase = job.phase
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--full", action="store_true", help="scan everything (default when KAM never scanned)")
    mode.add_argument("--incremental", action="store_true", help="only rows changed since the last scan")
    parser.add_argument("--source-url", help="core-banking source (default KAM_CUSTOMER_SOURCE_URL)")
    parser.add_argument("--mapping", type=Path, help="mapping file (default KAM_CUSTOMER_SOURCE_MAPPING)")
    parser.add_argument("--database-url", help="KAM's database (default KAM_CUSTOMER_DATABASE_URL)")
    parser.add_argument(
        "--batch-size",
        type=int,
        help="customers per committed batch (default KAM_CUSTOMER_SCAN_BATCH_SIZE, 2000)",
    )


def _run(args: argparse.Namespace) -> int:
    return asyncio.run(_scan(args))


async def _scan(args: argparse.Namespace) -> int:
    from kam_kit.clock import SYSTEM_CLOCK

    from kam_customer.scan.jobs import ScanManager
    from kam_customer.scan.mapping import MappingError, load_mapping
    from kam_customer.scan.runner import ScanRunner

    setup = _setup("scan", args)
    if setup is None:
        return 2
    settings, account_names = setup.settings, setup.account_names
    source_url = args.source_url or settings.source_url
    batch_size = args.batch_size or settings.scan_batch_size
    mapping_path = args.mapping or settings.mapping_path
    try:
        load_mapping(mapping_path)
    except MappingError as exc:
        print(f"kam-customer scan: {exc}", file=sys.stderr)
        return 2
    db = await _migrated(setup.database_url)
    bar = ProgressBar()
    manager = ScanManager(
        db,
        SYSTEM_CLOCK,
        source_url=source_url,
        mapping_path=mapping_path,
        batch_size=batch_size,
        account_names=account_names,
        timezone=settings.bank_timezone,
        runner_factory=lambda mapping: ScanRunner(
            db,
            SYSTEM_CLOCK,
            mapping,
            source_url,
            account_names=account_names,
            timezone=settings.bank_timezone,
            batch_size=batch_size,
            key_date_lead_days=settings.key_date_lead_days,
            fx_rates=settings.fx_rates,
            on_progress=bar.update,
        ),
    )
    mode = "FULL" if args.full else "INCREMENTAL" if args.incremental else None
    try:
        job = await manager.run_to_end(mode=mode, trigger="MANUAL", creator="cli")
    except Exception as exc:  # noqa: BLE001 - e.g. another scan running
        print(f"kam-customer scan: {exc}", file=sys.stderr)
        return 1
    finally:
        bar.close()
        await db.dispose()
    rate = job.rows_read / job.run_seconds if job.run_seconds else 0.0
    print(
        f"scanJobs/{job.id} {job.state} mode={job.mode} as_of={job.as_of} selected={job.customers_selected} "
        f"changed={job.customers_changed} accounts={job.accounts_changed} transactions={job.transactions_ingested} "
        f"tier_changes={job.tier_changes} bad_rows={job.bad_rows} seconds={job.run_seconds:.1f} rows/s={rate:,.0f}"
    )
    if job.error_message:
        print(job.error_message, file=sys.stderr)
    return 0 if job.state == "SUCCEEDED" else 1


class _Setup(NamedTuple):
    settings: CustomerSettings
    account_names: AccountNames
    database_url: str


def _setup(command: str, args: argparse.Namespace) -> _Setup | None:
    """What every command needs, read as the service reads it — the account-name secret from
    ``KAM_TOKEN_SECRET`` so that the events a command publishes name accounts as the API does — or None after
    printing why not."""
    from kam_kit.settings import SettingsError, env_secret, env_str

    from kam_customer.context import derive_secret
    from kam_customer.domain.names import AccountNames
    from kam_customer.settings import CustomerSettings

    try:
        settings = CustomerSettings.from_env()
        account_names = AccountNames(derive_secret(env_secret("KAM_TOKEN_SECRET", min_length=32).reveal()))
    except SettingsError as exc:
        print(f"kam-customer {command}: {exc}", file=sys.stderr)
        return None
    database_url = args.database_url or env_str(
        "KAM_CUSTOMER_DATABASE_URL", "sqlite+aiosqlite:///var/customer.db"
    )
    return _Setup(settings, account_names, database_url)


async def _migrated(database_url: str) -> Database:
    """KAM's database, brought to the current schema (creates the directory of a SQLite file)."""
    from kam_kit.db import Database
    from kam_kit.migrations import upgrade_async

    from kam_customer.adapters.orm import Base
    from kam_customer.context import MIGRATIONS

    db = Database(database_url)
    await upgrade_async(database_url, MIGRATIONS, Base.metadata)
    return db


def _add_key_date_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", help="KAM's database (default KAM_CUSTOMER_DATABASE_URL)")
    parser.add_argument("--lead-days", type=int, help="days ahead (default KAM_CUSTOMER_KEY_DATE_LEAD_DAYS)")


def _key_dates(args: argparse.Namespace) -> int:
    return asyncio.run(_sweep_now(args))


async def _sweep_now(args: argparse.Namespace) -> int:
    from kam_kit.clock import SYSTEM_CLOCK

    from kam_customer.keydates.service import KeyDateSweep

    setup = _setup("key-dates", args)
    if setup is None:
        return 2
    db = await _migrated(setup.database_url)
    try:
        sweep = KeyDateSweep(
            db,
            SYSTEM_CLOCK,
            lead_days=args.lead_days or setup.settings.key_date_lead_days,
            account_names=setup.account_names,
            timezone=setup.settings.bank_timezone,
        )
        announced = await sweep.run_once()
    finally:
        await db.dispose()
    print(f"key dates announced: {announced} (within {sweep.lead_days} days of {sweep.last_run[0]})")
    return 0


COMMANDS: dict[str, Command] = {
    "key-dates": Command(
        help="announce key dates within the lead window now (the daily sweep, once)",
        add_arguments=_add_key_date_arguments,
        run=_key_dates,
    ),
    "scan": Command(
        help="scan the core-banking source now (progress bar)", add_arguments=_add_arguments, run=_run
    ),
}
