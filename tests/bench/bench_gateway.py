"""Benchmark: REST → gateway → gRPC → customer service → SQLite round trips.

Starts NATS, the customer service and the gateway as real processes (as in production, one process each), logs
in, creates customers, then drives the gateway with a fixed number of concurrent HTTP/1.1 keep-alive clients:

- read:  GET /v1/customers/{id}     (gateway transcoding + gRPC + one primary-key read)
- write: POST /v1/customers         (validation + insert + outbox row in one transaction)

and prints round trips/s with p50/p99 latency. Client and servers share this machine's cores; the client is a
minimal keep-alive HTTP/1.1 loop so that it takes little of them.

    uv run python tests/bench/bench_gateway.py [--seconds 10] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from kam_customer.domain.identifiers import resident_id_check_char
from kam_devkit.testing import KamProcesses


def _resident_id(n: int) -> str:
    first17 = f"110105{1950 + n % 50:04d}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return first17 + resident_id_check_char(first17)


class _Connection:
    """A minimal HTTP/1.1 keep-alive client: the load generator must cost far less CPU than the servers it
    measures on a 2-core machine (httpx costs about as much as the gateway itself)."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        self.head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        extra = f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n" if body else ""
        self.writer.write(
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n{self.head}{extra}\r\n".encode() + body
        )
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return int(status_line.split()[1]), await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


async def _drive(base: str, headers: dict, seconds: float, concurrency: int, make_request) -> list[float]:
    latencies: list[float] = []
    host, port = base.removeprefix("http://").split(":")
    stop_at = time.perf_counter() + seconds

    async def worker(worker_id: int) -> None:
        connection = _Connection(host, int(port), headers)
        await connection.open()
        n = 0
        try:
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                status, body = await make_request(connection, worker_id, n)
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    raise RuntimeError(f"{status}: {body[:200]!r}")
                n += 1
        finally:
            connection.close()

    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    return latencies


def _report(label: str, latencies: list[float], seconds: float) -> None:
    ordered = sorted(latencies)
    p50 = ordered[len(ordered) // 2] * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    print(
        f"{label:<42} {len(latencies) / seconds:8,.0f} round trips/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms"
        f"   ({len(latencies):,} requests, mean {statistics.mean(latencies) * 1000:.1f} ms)"
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
    with tempfile.TemporaryDirectory() as tmp:
        kam = KamProcesses(Path(tmp), secrets.token_urlsafe(32))
        try:
            await asyncio.to_thread(kam.start, "customer", "gateway")
            async with httpx.AsyncClient(base_url=kam.gateway_url, timeout=30) as client:
                login = await client.post(
                    "/v1/auth:login",
                    json={
                        "username": "admin",
                        "password": os.environ.get("KAM_DEMO_PASSWORD", "kam-demo-2026"),
                    },
                )
                headers = {"Authorization": f"Bearer {login.json()['accessToken']}"}
                names = []
                for n in range(200):
                    reply = await client.post(
                        "/v1/customers",
                        headers=headers,
                        json={
                            "type": "TYPE_INDIVIDUAL",
                            "displayName": f"客户{n}",
                            "idNumber": _resident_id(n),
                        },
                    )
                    names.append(reply.json()["name"])

            async def read(connection, worker_id, n):
                return await connection.request("GET", f"/v1/{names[(worker_id * 7919 + n) % len(names)]}")

            async def write(connection, worker_id, n):
                return await connection.request(
                    "POST",
                    "/v1/customers",
                    json.dumps(
                        {
                            "type": "TYPE_INDIVIDUAL",
                            "displayName": f"压测{worker_id}-{n}",
                            "idNumber": _resident_id(worker_id * 100000 + n),
                        }
                    ).encode(),
                )

            await _drive(kam.gateway_url, headers, 1.0, args.concurrency, read)  # warm-up
            _report(
                "GET  /v1/customers/{id} (read, SQLite)",
                await _drive(kam.gateway_url, headers, args.seconds, args.concurrency, read),
                args.seconds,
            )
            _report(
                "POST /v1/customers (write + outbox, SQLite)",
                await _drive(kam.gateway_url, headers, args.seconds, args.concurrency, write),
                args.seconds,
            )
        finally:
            await asyncio.to_thread(kam.close)


if __name__ == "__main__":
    asyncio.run(main())
