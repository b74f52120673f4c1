"""Benchmark: creating customers — ``POST /v1/customers`` through the gateway and ``CreateCustomer`` over gRPC.

Starts NATS, the customer service and the gateway as real processes (demo mode; SQLite, or PostgreSQL with
``--postgres``), signs in the administrator and ``--crowd - 1`` colleagues with its claims, then measures

1. closed loop (saturation): ``--concurrency`` clients for ``--seconds``, through the gateway (the minimal
   keep-alive HTTP/1.1 client of loadgen.py) and directly (a ``grpc.aio`` channel to the customer service with
   the same bearer tokens): req/s, p50, p99;
2. open loop through the gateway: ``--rate`` creates/s on a fixed schedule for ``--seconds``, latency from each
   request's scheduled send time.

Each request creates a new individual customer (a common Chinese name and a valid resident ID number): one
write transaction with its outbox event, search terms and audit trail record; the relay publishes the events to
JetStream meanwhile. As a scale, the run measures the raw ``grpc.aio`` unary ceiling of the machine.

Targets (issue 20): ≥ 500 creates/s on PostgreSQL with p99 ≤ 80 ms; on SQLite, what its single writer allows.

    uv run python tests/bench/bench_create.py [--seconds 10] [--concurrency 16] [--rate 200] [--postgres]
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
from datetime import UTC, datetime

from bench_read_path import _commit, _Direct, _load, grpc_ceiling
from kam.customer.v1 import customer_pb2
from kam.customer.v1 import customer_service_pb2 as pb
from kam.customer.v1 import customer_service_pb2_grpc as pb_grpc
from loadgen import (
    HttpConnection,
    Stats,
    closed_loop,
    kam_stack,
    load_arguments,
    open_loop,
    person_name,
    resident_id,
)

RATE_TARGET = 500.0  # creates/s on PostgreSQL, closed loop through the gateway
P99_TARGET_MS = 80.0

_numbers = itertools.count(10_000)  # the bench's customers before it (loadgen) use small numbers


def _draft() -> tuple[str, str]:
    n = next(_numbers)
    return person_name(n)[0], resident_id(n)


async def via_gateway(connection: HttpConnection, seq: int) -> None:
    name, id_number = _draft()
    body = json.dumps({"type": "TYPE_INDIVIDUAL", "displayName": name, "idNumber": id_number})
    await connection.expect_ok("POST", "/v1/customers", body.encode())


async def via_grpc(client: _Direct, seq: int) -> None:
    name, id_number = _draft()
    customer = customer_pb2.Customer(
        type=customer_pb2.Customer.TYPE_INDIVIDUAL, display_name=name, id_number=id_number
    )
    await client.stub.CreateCustomer(
        pb.CreateCustomerRequest(customer=customer), metadata=client.metadata, timeout=60
    )


def _verdict(gateway: Stats, scheduled: Stats, rate: float, engine: str) -> str:
    if engine != "PostgreSQL":
        return "SQLite: one writer at a time; the figures are what it allows (no target)"
    throughput = (
        "met" if gateway.rate >= RATE_TARGET else f"NOT met ({gateway.rate:,.0f} < {RATE_TARGET:,.0f})"
    )
    latency = "met" if scheduled.p99 <= P99_TARGET_MS and scheduled.rate >= 0.97 * rate else "NOT met"
    return f"≥ {RATE_TARGET:,.0f}/s {throughput}; p99 ≤ {P99_TARGET_MS:g} ms at {rate:g}/s {latency}"


async def main() -> None:
    parser = load_arguments(__doc__, what="creates")
    parser.add_argument("--crowd", type=int, default=16, help="callers: the administrator and colleagues")
    args = parser.parse_args()
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"# create benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {_commit()}: {os.cpu_count()} cores "
        f"(client, gateway, customer service and NATS share them), {engine}; closed loop {args.concurrency} "
        f"clients × {args.seconds:g} s, open loop {args.rate:g}/s × {args.seconds:g} s; {_load()}"
    )
    ceiling = await grpc_ceiling(args.seconds, args.concurrency)
    print(f"{'raw grpc.aio unary ceiling (health Check, in-process)':<44} {ceiling.line()}")
    async with kam_stack(args.postgres, args.replicas) as stack:
        crowd = stack.colleagues(await stack.login("admin"), args.crowd)
        http = HttpConnection.connector(
            stack.kam.gateway_url,
            *({"Authorization": f"Bearer {token}"} for token in crowd),
        )
        async with stack.customer_channel() as channel:
            stub = pb_grpc.CustomerServiceStub(channel)
            direct = _Direct.connector(stub, *((("authorization", f"Bearer {token}"),) for token in crowd))
            await closed_loop(http, via_gateway, 1.0, args.concurrency)  # warm-up
            await closed_loop(direct, via_grpc, 1.0, args.concurrency)
            gateway = await closed_loop(http, via_gateway, args.seconds, args.concurrency)
            print(f"{'POST /v1/customers via gateway':<44} {gateway.line()}")
            grpc_stats = await closed_loop(direct, via_grpc, args.seconds, args.concurrency)
            print(f"{'CreateCustomer direct gRPC':<44} {grpc_stats.line()}")
            scheduled = await open_loop(http, via_gateway, args.rate, args.seconds)
            print(
                f"{f'POST /v1/customers open loop {args.rate:g}/s':<44} {scheduled.line()}"
                f"   (client late ≤ {scheduled.late:.1f} ms)"
            )
    print(f"\n# {_load()} at the end; {_verdict(gateway, scheduled, args.rate, engine)}")
    print(
        "| database | via gateway req/s (p50 / p99 ms) | direct gRPC req/s (p50 / p99 ms) "
        f"| open loop {args.rate:g}/s via gateway: p50 / p99 ms (served) | raw gRPC ceiling |"
    )
    print("|---|---|---|---|---|")
    print(
        f"| {engine} | {gateway.rate:,.0f} ({gateway.p50:.1f} / {gateway.p99:.1f}) "
        f"| {grpc_stats.rate:,.0f} ({grpc_stats.p50:.1f} / {grpc_stats.p99:.1f}) "
        f"| {scheduled.p50:.1f} / **{scheduled.p99:.1f}** ({scheduled.rate:,.0f}/s) | {ceiling.rate:,.0f} |"
    )


if __name__ == "__main__":
    asyncio.run(main())
