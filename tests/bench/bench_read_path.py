"""Benchmark: the customer read path through the gateway (REST) and directly over gRPC, per caller, in one run.

Starts NATS, the customer service and the gateway as real processes (demo mode; SQLite, or PostgreSQL with
``--postgres``), signs in two demo users and creates ``--customers`` customers, then for each caller and each
operation

- GetCustomer      ``GET /v1/customers/{id}``              ``CustomerService.GetCustomer``
- ListCustomers    ``GET /v1/customers?pageSize=50``        ``ListCustomers(page_size=50)`` (first page, with total)
- SearchCustomers  ``GET /v1/customers:search?query=…``     ``SearchCustomers(query=…)`` (a name, its pinyin or an
                                                            ID number in turn; default page of 20)

measures

1. closed loop (saturation): ``--concurrency`` clients for ``--seconds`` each, through the gateway (a minimal
   keep-alive HTTP/1.1 client per connection) and directly (a ``grpc.aio`` channel to the customer service,
   metadata ``authorization: Bearer <the same token>``): req/s, p50, p99, and the ratio gateway / direct;
2. open loop through the gateway: ``--rate`` arrivals/s on a fixed schedule for ``--seconds``, latency from each
   request's scheduled send time (no coordinated omission): p50, p99, max.

Callers: the head-office leader ``hq_leader`` (all customers, personal data masked: nothing written per read)
and the administrator ``admin`` (unmasked: every call writes its access record before it answers). As a scale,
the same run measures the raw ``grpc.aio`` unary ceiling of this machine: the standard health ``Check`` served
and called in this one process, ``--concurrency`` concurrent calls on one channel.

Targets (issue 13): the gateway keeps at least half the direct rate, and p99 ≤ 50 ms at 200 requests/s. The last
lines are a Markdown table for docs/performance.md.

    uv run python tests/bench/bench_read_path.py [--seconds 10] [--concurrency 16] [--rate 200]
"""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1.health import aio as health_aio
from kam.customer.v1 import customer_service_pb2 as pb
from kam.customer.v1 import customer_service_pb2_grpc as pb_grpc
from loadgen import (
    Call,
    Connect,
    Customer,
    HttpConnection,
    Stats,
    closed_loop,
    kam_stack,
    load_arguments,
    open_loop,
)

MIN_RATIO = 0.5  # gateway / direct, closed loop
P99_TARGET_MS = 50.0  # open loop at --rate through the gateway
PAGE_SIZE = 50

CALLERS = (
    ("hq_leader", "head-office leader (masked)"),
    ("admin", "administrator (unmasked, audited)"),
)


@dataclass(frozen=True)
class Operation:
    label: str
    rest: Callable[[int], str]  # the gateway path of request number seq
    rpc: Callable[[pb_grpc.CustomerServiceStub, int, tuple], Awaitable[object]]  # (stub, seq, metadata)


def operations(customers: list[Customer]) -> list[Operation]:
    names = [c.name for c in customers]
    queries = [q for c in customers for q in (c.display_name, c.pinyin, c.id_number)]
    return [
        Operation(
            "GetCustomer",
            lambda seq: f"/v1/{names[seq % len(names)]}",
            lambda stub, seq, md: stub.GetCustomer(
                pb.GetCustomerRequest(name=names[seq % len(names)]), metadata=md, timeout=60
            ),
        ),
        Operation(
            f"ListCustomers (page of {PAGE_SIZE})",
            lambda seq: f"/v1/customers?pageSize={PAGE_SIZE}",
            lambda stub, seq, md: stub.ListCustomers(
                pb.ListCustomersRequest(page_size=PAGE_SIZE), metadata=md, timeout=60
            ),
        ),
        Operation(
            "SearchCustomers",
            lambda seq: f"/v1/customers:search?query={quote(queries[seq % len(queries)])}",
            lambda stub, seq, md: stub.SearchCustomers(
                pb.SearchCustomersRequest(query=queries[seq % len(queries)]), metadata=md, timeout=60
            ),
        ),
    ]


class _Direct:
    """A client of a shared gRPC channel (HTTP/2 multiplexes the calls of all of them)."""

    def __init__(self, stub: Any, metadata: tuple) -> None:
        self.stub, self.metadata = stub, metadata

    @classmethod
    def connector(cls, stub: Any, *metadata: tuple) -> Connect:
        """A client per call, taking the metadata (one per caller) in turn."""
        turn = itertools.cycle(metadata)

        async def connect() -> _Direct:
            return cls(stub, next(turn))

        return connect

    def close(self) -> None:
        pass


def via_gateway(op: Operation) -> Call:
    async def call(connection: HttpConnection, seq: int) -> None:
        await connection.expect_ok("GET", op.rest(seq))

    return call


def via_grpc(op: Operation) -> Call:
    async def call(client: _Direct, seq: int) -> None:
        await op.rpc(client.stub, seq, client.metadata)

    return call


async def grpc_ceiling(seconds: float, concurrency: int) -> Stats:
    """The raw grpc.aio unary rate here: health ``Check`` served and called in this process, one channel."""
    server = grpc.aio.server()
    health_pb2_grpc.add_HealthServicer_to_server(health_aio.HealthServicer(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            request = health_pb2.HealthCheckRequest()

            connect = _Direct.connector(stub, ())

            async def check(client: _Direct, seq: int) -> None:
                await client.stub.Check(request)

            await closed_loop(connect, check, 1.0, concurrency)  # warm-up
            return await closed_loop(connect, check, seconds, concurrency)
    finally:
        await server.stop(None)


@dataclass
class Row:
    caller: str
    operation: str
    gateway: Stats
    direct: Stats
    scheduled: Stats | None = None

    @property
    def ratio(self) -> float:
        return self.gateway.rate / self.direct.rate if self.direct.rate else 0.0


def _commit() -> str:
    """The commit measured, and whether the work tree differed from it (other work in the same checkout)."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=False).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown commit"
    return head + (" + uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def _load() -> str:
    """The machine's load average: other work on its cores shows in every figure."""
    return "load average " + " ".join(f"{load:.1f}" for load in os.getloadavg())


def _verdict(row: Row, rate: float) -> str:
    ratio = "met" if row.ratio >= MIN_RATIO else f"NOT met ({row.ratio:.3f}× < {MIN_RATIO}×)"
    if row.scheduled is None:
        return f"ratio {ratio}"
    s = row.scheduled
    if s.p99 <= P99_TARGET_MS and s.rate >= 0.97 * rate:
        latency = "met"
    else:
        latency = f"NOT met (p99 {s.p99 / P99_TARGET_MS:.1f}× the target"
        latency += f", {s.rate:,.0f} of {rate:,.0f} req/s served)" if s.rate < 0.97 * rate else ")"
    return f"ratio {ratio}; p99 at {rate:,.0f}/s {latency}"


def markdown(rows: list[Row], ceiling: Stats, rate: float) -> str:
    header = (
        "| caller | operation | gateway req/s (p50 / p99 ms) | direct gRPC req/s (p50 / p99 ms) | gateway/direct "
        f"| open loop {rate:,.0f} req/s via gateway: p50 / p99 / max ms |"
    )
    lines = [
        header,
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        g, d, s = row.gateway, row.direct, row.scheduled
        open_cell = "—" if s is None else f"{s.p50:.1f} / **{s.p99:.1f}** / {s.max:.1f}"
        if s is not None and s.rate < 0.97 * rate:
            open_cell += f" (served {s.rate:,.0f}/s)"
        lines.append(
            f"| {row.caller} | {row.operation} | {g.rate:,.0f} ({g.p50:.1f} / {g.p99:.1f}) "
            f"| {d.rate:,.0f} ({d.p50:.1f} / {d.p99:.1f}) | **{row.ratio:.2f}×** | {open_cell} |"
        )
    lines.append(
        f"| — | raw grpc.aio unary ceiling (health `Check`, in-process) | | {ceiling.rate:,.0f} "
        f"({ceiling.p50:.1f} / {ceiling.p99:.1f}) | | |"
    )
    return "\n".join(lines)


async def main() -> None:
    parser = load_arguments(__doc__)
    parser.add_argument("--customers", type=int, default=200, help="customers created first (default 200)")
    parser.add_argument(
        "--crowd",
        type=int,
        default=32,
        help="callers per role: the demo user and colleagues with its claims, each client sending as them in turn "
        "(default 32; the gateway lets one caller search 20 times/s)",
    )
    parser.add_argument(
        "--callers",
        default=",".join(c for c, _ in CALLERS),
        help="comma-separated demo users, from: " + ", ".join(c for c, _ in CALLERS),
    )
    args = parser.parse_args()
    callers = [(user, label) for user, label in CALLERS if user in args.callers.split(",")]
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"# read path benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {_commit()}: {os.cpu_count()} cores "
        f"(client, gateway, customer service{f' ×{args.replicas}' if args.replicas > 1 else ''} and NATS share "
        f"them), {engine}; {args.customers} customers; "
        f"{args.crowd} callers per role; closed loop {args.concurrency} clients × {args.seconds:g} s, open loop "
        f"{args.rate:g} req/s × {args.seconds:g} s; {_load()}"
    )
    ceiling = await grpc_ceiling(args.seconds, args.concurrency)
    print(f"{'raw grpc.aio unary ceiling (health Check, in-process)':<58} {ceiling.line()}")

    rows: list[Row] = []
    async with kam_stack(args.postgres, args.replicas) as stack:
        tokens = {user: await stack.login(user) for user, _ in callers}
        admin = tokens.get("admin") or await stack.login("admin")
        customers = await stack.create_customers(admin, args.customers)
        ops = operations(customers)
        async with stack.customer_channel() as channel:
            stub = pb_grpc.CustomerServiceStub(channel)
            for user, caller in callers:
                crowd = stack.colleagues(tokens[user], args.crowd)
                http = HttpConnection.connector(
                    stack.kam.gateway_url, *({"Authorization": f"Bearer {token}"} for token in crowd)
                )
                direct = _Direct.connector(
                    stub, *((("authorization", f"Bearer {token}"),) for token in crowd)
                )
                print(f"\n## {caller} ({user})")
                for op in ops:
                    rest, rpc = via_gateway(op), via_grpc(op)
                    await closed_loop(http, rest, 1.0, args.concurrency)  # warm-up
                    await closed_loop(direct, rpc, 1.0, args.concurrency)
                    row = Row(
                        caller,
                        op.label,
                        gateway=await closed_loop(http, rest, args.seconds, args.concurrency),
                        direct=await closed_loop(direct, rpc, args.seconds, args.concurrency),
                    )
                    print(f"{op.label + ' via gateway':<58} {row.gateway.line()}")
                    print(
                        f"{op.label + ' direct gRPC':<58} {row.direct.line()}   gateway/direct {row.ratio:.2f}×"
                    )
                    waited, backlog = await stack.settle(admin)
                    row.scheduled = await open_loop(http, rest, args.rate, args.seconds)
                    print(
                        f"{op.label + f' via gateway, open loop {args.rate:g}/s':<58} {row.scheduled.line()}"
                        f"   (client late ≤ {row.scheduled.late:.1f} ms; backlog of {backlog:,} drained in "
                        f"{waited:.1f} s first)"
                    )
                    print(f"{'':<58} {_verdict(row, args.rate)}")
                    rows.append(row)

    print(f"\n# {_load()} at the end")
    print(
        f"# targets: gateway ≥ {MIN_RATIO}× the direct rate; p99 ≤ {P99_TARGET_MS:g} ms at {args.rate:g} req/s"
    )
    print(markdown(rows, ceiling, args.rate))


if __name__ == "__main__":
    asyncio.run(main())
