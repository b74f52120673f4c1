"""Benchmark: REST → gateway → gRPC → customer service → SQLite round trips.

Starts NATS, the customer service and the gateway as real processes (as in production, one process each), logs
in, creates customers, then drives the gateway with a fixed number of concurrent HTTP/1.1 keep-alive clients:

- read:  GET /v1/customers/{id}     (gateway transcoding + gRPC + one primary-key read)
- write: POST /v1/customers         (validation + insert + outbox row in one transaction)

and prints round trips/s with p50/p99 latency. Client and servers share this machine's cores; the client is a
minimal keep-alive HTTP/1.1 loop so that it takes little of them. Reads by caller, through the gateway and
directly over gRPC side by side, are ``bench_read_path.py``.

    uv run python tests/bench/bench_gateway.py [--seconds 10] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os

from loadgen import HttpConnection, Stats, closed_loop, kam_stack, resident_id


def _report(label: str, stats: Stats) -> None:
    print(
        f"{label:<42} {stats.rate:8,.0f} round trips/s   p50 {stats.p50:6.1f} ms   p99 {stats.p99:6.1f} ms"
        f"   ({stats.count:,} requests, mean {stats.mean:.1f} ms)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    print(
        f"# gateway round-trip benchmark: {args.concurrency} concurrent clients, {args.seconds:.0f} s per "
        f"scenario, {os.cpu_count()} cores (client, gateway and customer service share them)"
    )
    async with kam_stack() as stack:
        token = await stack.login("admin")
        names = [customer.name for customer in await stack.create_customers(token, 200)]
        connect = HttpConnection.connector(stack.kam.gateway_url, {"Authorization": f"Bearer {token}"})

        async def read(connection: HttpConnection, seq: int) -> None:
            await connection.expect_ok("GET", f"/v1/{names[seq % len(names)]}")

        async def write(connection: HttpConnection, seq: int) -> None:
            body = {
                "type": "TYPE_INDIVIDUAL",
                "displayName": f"压测{seq}",
                "idNumber": resident_id(len(names) + seq),
            }
            await connection.expect_ok("POST", "/v1/customers", json.dumps(body).encode())

        await closed_loop(connect, read, 1.0, args.concurrency)  # warm-up
        _report(
            "GET  /v1/customers/{id} (read, SQLite)",
            await closed_loop(connect, read, args.seconds, args.concurrency),
        )
        _report(
            "POST /v1/customers (write + outbox, SQLite)",
            await closed_loop(connect, write, args.seconds, args.concurrency),
        )


if __name__ == "__main__":
    asyncio.run(main())
