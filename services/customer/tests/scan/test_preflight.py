"""Mappings that fail well: before a scan reads or writes anything, every mapped entity's SQL runs against the
source (SQLite and PostgreSQL) with no rows, and the types that matter are checked. A mapping the source cannot
serve ends the job FAILED with one paragraph naming the file, the entry and the problem — no traceback, not in
the CLI's output either — and KAM stays exactly as it was."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from kam_customer.settings import DEFAULT_MAPPING

from .conftest import Scanner, migrated, outbox_counts, snapshot

DEMO = Path(DEFAULT_MAPPING).read_text(encoding="utf-8")


def _mapping(tmp_path: Path, old: str, new: str) -> Path:
    assert old in DEMO
    path = tmp_path / "bank.toml"
    path.write_text(DEMO.replace(old, new), encoding="utf-8")
    return path


BROKEN = {
    "unknown-column": (
        'balance = "a.cur_bal"',
        'balance = "a.cur_balance"',
        "entities.account.columns.balance",
        "cur_balance",
    ),
    "unknown-table": (
        'from = "acct a LEFT JOIN',
        'from = "acount a LEFT JOIN',
        "entities.account.from",
        "acount",
    ),
    "text-amount": (
        'balance = "a.cur_bal"',
        'balance = "a.acct_status"',
        "entities.account.columns.balance",
        "应为数值，源列是文本 (must be a number; the source gives text",
    ),
    "unreadable-dates": (
        'open_date = "a.open_dt"',
        'open_date = "a.acct_status"',
        "entities.account.columns.open_date",
        "date",
    ),
    "bad-condition": (
        'from = "txn"',
        "from = \"txn\"\nwhere = \"dc_flg IN ('D', 'C')\"",
        "entities.transaction.where",
        "dc_flg",
    ),
    "per-dialect": (
        'maturity_date = "a.mature_dt"',
        'maturity_date = { sqlite = "a.mature_date", postgresql = "a.mature_date" }',
        "entities.account.columns.maturity_date.{dialect}",
        "mature_date",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
async def test_a_mapping_the_source_cannot_serve_fails_naming_file_entry_and_problem(
    scan_source, clock, tmp_path, case
) -> None:
    source, kam = scan_source
    old, new, entry, problem = BROKEN[case]
    dialect = "postgresql" if source.startswith("postgresql") else "sqlite"
    path = _mapping(tmp_path, old, new)
    job = await Scanner(kam, clock, source, mapping=path).run()
    assert job.state == "FAILED"
    prefix = f"映射文件错误 (mapping error): {path}: {entry.format(dialect=dialect)}: "
    assert job.error_message.startswith(prefix), job.error_message
    assert problem in job.error_message[len(prefix) :]
    assert "\n" not in job.error_message and "Traceback" not in job.error_message
    # Nothing was read past the check, nothing written: no org units or staff either.
    assert (job.phase, job.rows_read, job.customers_scanned) == ("", 0, 0)
    assert await snapshot(kam) == await _empty_snapshot(tmp_path)
    assert await outbox_counts(kam) == {"ScanCompleted": 1}


async def _empty_snapshot(tmp_path: Path) -> dict:
    db = await migrated(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    try:
        return await snapshot(db)
    finally:
        await db.dispose()


async def test_a_failed_scan_leaves_kam_exactly_as_it_was(scan_source, clock, tmp_path) -> None:
    """After a good scan, a scan whose mapping no longer fits changes nothing: org units, staff, customers,
    metrics, accounts, transactions and events stay as the good scan left them."""
    source, kam = scan_source
    assert (await Scanner(kam, clock, source).run()).state == "SUCCEEDED"
    before = await snapshot(kam)
    # The source's org names change, and the mapping of accounts breaks.
    path = _mapping(tmp_path, 'display_name = "org_name"', "display_name = \"org_name || '!'\"")
    path.write_text(
        path.read_text(encoding="utf-8").replace('balance = "a.cur_bal"', 'balance = "a.cur_balance"'),
        encoding="utf-8",
    )
    clock.advance(timedelta(hours=1))
    job = await Scanner(kam, clock, source, mapping=path).run()
    assert job.state == "FAILED" and "entities.account.columns.balance" in job.error_message
    assert await snapshot(kam) == before


async def test_the_cli_prints_one_paragraph_and_no_traceback(scan_source, tmp_path, token_secret) -> None:
    source, _kam = scan_source
    path = _mapping(tmp_path, 'balance = "a.cur_bal"', 'balance = "a.acct_status"')
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "kam-customer"),
        "scan",
        "--full",
        "--source-url",
        source,
        "--mapping",
        str(path),
        "--database-url",
        f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}",
        env={**os.environ, "KAM_TOKEN_SECRET": token_secret},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    output = (out + err).decode()
    assert process.returncode == 1, output
    assert "Traceback" not in output and 'File "' not in output
    messages = [line for line in err.decode().splitlines() if line.startswith("映射文件错误")]
    assert messages == [
        f"映射文件错误 (mapping error): {path}: entities.account.columns.balance: "
        + messages[0].split("entities.account.columns.balance: ", 1)[1]
    ]
    assert "FAILED" in out.decode()
