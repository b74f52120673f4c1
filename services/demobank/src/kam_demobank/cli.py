"""The ``kam-demobank`` command: the demo core-banking source and the Berka loader.

    kam-demobank generate   [--url URL] [--size tiny|demo|bench] [--customers N] [--transactions N] [--seed S]
                            [--as-of YYYY-MM-DD] [--force]
    kam-demobank append     [--url URL] --transactions N [--customers M] [--seed S]
    kam-demobank live       [--url URL] [--rate R] [--seed S] [--nats URL]
    kam-demobank berka-load --url URL [--data DIR]

The default URL is the customer service's source (``KAM_CUSTOMER_SOURCE_URL``, ``sqlite:///var/core-banking.db``).
``generate`` is idempotent: an already generated source is left alone unless ``--force``. Without ``--as-of`` the
data ends yesterday (Asia/Shanghai), so a live feed started today continues it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from kam_customer.settings import CustomerSettings
from kam_kit.clock import SYSTEM_CLOCK

SIZES = {"tiny": (300, 20_000), "demo": (20_000, 2_000_000), "bench": (1_000_000, 10_000_000)}


def _default_url() -> str:
    return CustomerSettings.from_env().source_url


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _as_of(value: str | None) -> date:
    if value:
        return date.fromisoformat(value)
    from kam_demobank.posting import local_naive

    return local_naive(SYSTEM_CLOCK.now()).date() - timedelta(days=1)


def _add_demo_arguments(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    sub = parser.add_subparsers(dest="action", required=True)
    gen = sub.add_parser("generate", help="生成演示核心系统数据库 generate the demo core-banking database")
    gen.add_argument("--url", default=None, help="SQLAlchemy URL (default: KAM_CUSTOMER_SOURCE_URL)")
    gen.add_argument(
        "--size",
        choices=sorted(SIZES),
        default="demo",
        help="preset: tiny 300/20k, demo 20k/2M, bench 1M/10M (customers/transactions)",
    )
    gen.add_argument("--customers", type=int, default=None)
    gen.add_argument("--transactions", type=int, default=None)
    gen.add_argument("--seed", type=int, default=42)
    gen.add_argument("--as-of", dest="as_of", default=None, help="last day of data (default: yesterday)")
    gen.add_argument("--force", action="store_true", help="replace an existing source")
    app = sub.add_parser("append", help="追加交易与客户 append transactions and customers")
    app.add_argument("--url", default=None)
    app.add_argument("--transactions", type=int, required=True)
    app.add_argument("--customers", type=int, default=0)
    app.add_argument("--seed", type=int, default=0)
    live = sub.add_parser("live", help="实时交易流 keep appending transactions until stopped")
    live.add_argument("--url", default=None)
    live.add_argument("--rate", type=float, default=2.0, help="transactions per second")
    live.add_argument("--seed", type=int, default=0)
    live.add_argument(
        "--nats",
        default=None,
        metavar="URL",
        help="also push each transaction on the CDC subject kam.cdc.v1.SourceTransaction (real time)",
    )
    return sub


def _run_demo(args: argparse.Namespace) -> int:
    url = args.url or _default_url()
    if args.action == "generate":
        return asyncio.run(_generate(url, args))
    if args.action == "append":
        from kam_demobank.generator import append

        result = asyncio.run(
            append(url, transactions=args.transactions, customers=args.customers, seed=args.seed)
        )
        _say(
            f"追加完成 appended {result.transactions} transactions ({result.first_txn_id}…{result.last_txn_id}),"
            f" {result.customers} customers"
        )
        return 0
    return asyncio.run(_live(url, args))


async def _generate(url: str, args: argparse.Namespace) -> int:
    from kam_demobank.generator import GenParams, generate

    customers, transactions = SIZES[args.size]
    params = GenParams(
        customers=args.customers or customers,
        transactions=args.transactions or transactions,
        seed=args.seed,
        as_of=_as_of(args.as_of),
    )
    _say(
        f"生成演示核心系统 generating {params.customers:,} customers / {params.transactions:,} transactions, "
        f"seed {params.seed}, as of {params.as_of} → {url}"
    )
    summary = await generate(url, params, force=args.force, progress=_say)
    if summary.skipped:
        _say("源数据库已存在，跳过 the source already has data; nothing to do (use --force to regenerate)")
        return 0
    total = sum(summary.rows.values())
    for table, n in summary.rows.items():
        print(f"  {table:<14} {n:>12,}")
    _say(
        f"完成 done: {total:,} rows in {summary.seconds:.1f} s ({total / max(summary.seconds, 1e-9):,.0f} rows/s)"
    )
    return 0


def _cdc_token() -> str | None:
    """The token the demo feed signs CDC messages with: ``KAM_CDC_TOKEN``, else one it issues itself from
    ``KAM_TOKEN_SECRET`` (the demo runs beside KAM; a bank's adapter gets its token from an operator)."""
    import os
    from datetime import timedelta

    from kam_kit import auth

    if os.environ.get("KAM_CDC_TOKEN"):
        return os.environ["KAM_CDC_TOKEN"]
    secret = os.environ.get(auth.SECRET_ENV, "")
    if len(secret) < auth.MIN_SECRET_LENGTH:
        return None
    return auth.issue_service_token(
        "demo-live-feed", secret, timedelta(days=30), permissions=("transactions.ingest",)
    )


async def _live(url: str, args: argparse.Namespace) -> int:
    from kam_demobank.live import LiveFeed

    on_posted, nc = None, None
    if args.nats:
        from kam_customer.ingestion import cdc
        from kam_kit import events

        token = _cdc_token()
        if token is None:
            _say(
                "错误 error: --nats 需要 KAM_CDC_TOKEN（持有 transactions.ingest 的服务令牌）或 KAM_TOKEN_SECRET "
                "(--nats needs KAM_CDC_TOKEN, a service token with transactions.ingest, or KAM_TOKEN_SECRET)"
            )
            return 2
        nc = await events.connect(args.nats, name="kam-demo-live")
        js = nc.jetstream()

        async def on_posted(rows: list[dict]) -> None:
            for row in rows:
                await cdc.publish(js, source_row_to_proto(row), clock=SYSTEM_CLOCK, token=token)

    feed = LiveFeed(url, clock=SYSTEM_CLOCK, rate=args.rate, seed=args.seed, on_posted=on_posted)
    task = asyncio.create_task(feed.run())
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, task.cancel)
    _say(f"实时交易流已启动 live feed: {args.rate}/s → {url} (Ctrl-C to stop)")
    with contextlib.suppress(asyncio.CancelledError):
        await task
    _say(
        f"实时交易流已停止 stopped after {feed.stats.steps} transactions "
        f"({feed.stats.large_withdrawals} large, {feed.stats.small_withdrawals} small withdrawals)"
    )
    if nc is not None:
        await nc.close()
    return 0


_CHANNELS = {
    "CTR": "CHANNEL_COUNTER",
    "ATM": "CHANNEL_ATM",
    "NET": "CHANNEL_ONLINE",
    "MOB": "CHANNEL_MOBILE",
    "POS": "CHANNEL_POS",
}


def source_row_to_proto(row: dict):
    """A demo-source ``txn`` row as the CDC message a core system's change feed would send."""
    from google.type import money_pb2
    from kam.cdc.v1 import cdc_pb2
    from kam_kit.timeconv import to_timestamp

    from kam_demobank.posting import SHANGHAI

    def money(value) -> money_pb2.Money:
        cents = int((Decimal(str(value)) * 100).to_integral_value())
        return money_pb2.Money(currency_code="CNY", units=cents // 100, nanos=(cents % 100) * 10_000_000)

    txn = cdc_pb2.SourceTransaction
    return cdc_pb2.SourceTransaction(
        transaction_id=row["txn_id"],
        account_number=row["acct_no"],
        direction=txn.DIRECTION_DEBIT if row["dc_flag"] == "D" else txn.DIRECTION_CREDIT,
        amount=money(row["amt"]),
        balance_after=money(row["bal_after"]),
        channel=txn.Channel.Value(_CHANNELS.get(row["channel"], "CHANNEL_UNSPECIFIED")),
        cash=row["cash_flag"] == "Y",
        counterparty=row.get("cp_name") or "",
        summary=row.get("memo") or "",
        post_time=to_timestamp(row["txn_ts"].replace(tzinfo=SHANGHAI)),
    )


def _add_berka_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of the database to (re)fill")
    parser.add_argument("--data", type=Path, default=None, help="directory of the .asc files")


def _run_berka(args: argparse.Namespace) -> int:
    from kam_demobank import berka

    try:
        counts = asyncio.run(berka.load(args.url, args.data, progress=_say))
    except (FileNotFoundError, ValueError) as exc:
        print(f"kam-demobank berka-load: {exc}", file=sys.stderr)
        return 2
    _say(f"完成 loaded {sum(counts.values()):,} rows into {args.url}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="kam-demobank",
        description="演示核心系统 the demo core-banking source (development and demos only)",
    )
    sub = _add_demo_arguments(parser)
    berka = sub.add_parser(
        "berka-load",
        help="把 Berka 数据集装入数据库 load shared/data/berka into a database in its own schema",
    )
    _add_berka_arguments(berka)
    args = parser.parse_args(argv)
    if args.action == "berka-load":
        return _run_berka(args)
    return _run_demo(args)


if __name__ == "__main__":
    raise SystemExit(main())
