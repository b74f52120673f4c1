"""Benchmark: sign-in cost with the stated argon2id parameters (t=3, m=64 MiB, p=1).

- hash check: ``PasswordHashing.verify`` alone, one thread and one per core (argon2-cffi releases the GIL);
- sign-in: ``POST /v1/auth:login`` through a real gateway (HTTP → identity gRPC → identity store, SQLite) with
  ``--concurrency`` clients, successful logins, reported as logins/s with p50/p99.

Every sign-in pays one hash check by design (a guesser pays it too); the figures say how many sign-ins a gateway
replica serves per core. Tokens are checked locally by every service afterwards, so this cost is per session,
not per request.

    uv run python tests/bench/bench_signin.py [--seconds 10] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from kam.identity.v1 import identity_service_pb2
from kam_gateway.identity.demo_users import DemoDirectory
from kam_gateway.identity.domain import passwords
from kam_gateway.server import GatewayServer, GatewaySettings
from kam_kit.settings import Secret


def hash_checks(seconds: float, threads: int) -> float:
    hashing = passwords.PasswordHashing()
    stored = hashing.hash("Kam-Strong-42")
    deadline = time.perf_counter() + seconds

    def worker() -> int:
        done = 0
        while time.perf_counter() < deadline:
            hashing.verify(stored, "Kam-Strong-42")
            done += 1
        return done

    with ThreadPoolExecutor(threads) as pool:
        total = sum(pool.map(lambda _: worker(), range(threads)))
    return total / seconds


async def sign_ins(seconds: float, concurrency: int) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = GatewaySettings(
            http_host="127.0.0.1",
            http_port=0,
            grpc_host="127.0.0.1",
            grpc_port=0,
            token_secret=Secret(secrets.token_urlsafe(32)),
            deadline_seconds=30,
            shutdown_grace_seconds=1,
            database_url=f"sqlite+aiosqlite:///{Path(tmp) / 'gateway.db'}",
        )
        from kam_gateway.identity.throttle import ThrottleSettings

        settings = type(settings)(
            **{**settings.__dict__, "login_throttle": ThrottleSettings(address_max=10**9)}
        )
        service = identity_service_pb2.DESCRIPTOR.services_by_name["IdentityService"]
        gateway = GatewayServer(
            settings,
            services=[service],
            environ={},
            instrument=False,
            directory=DemoDirectory("kam-demo-2026"),
        )
        await gateway.start()
        latencies: list[float] = []
        users = sorted(gateway.directory.users)
        try:
            async with httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{gateway.http_port}", timeout=60
            ) as client:
                deadline = time.perf_counter() + seconds

                async def client_loop(n: int) -> None:
                    while time.perf_counter() < deadline:
                        started = time.perf_counter()
                        reply = await client.post(
                            "/v1/auth:login",
                            json={"username": users[n % len(users)], "password": "kam-demo-2026"},
                        )
                        assert reply.status_code == 200, reply.text
                        latencies.append(time.perf_counter() - started)

                await asyncio.gather(*(client_loop(n) for n in range(concurrency)))
        finally:
            await gateway.stop()
    latencies.sort()
    return (
        len(latencies) / seconds,
        statistics.median(latencies) * 1000,
        latencies[int(len(latencies) * 0.99) - 1] * 1000,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(
        f"argon2id t={passwords.TIME_COST} m={passwords.MEMORY_COST_KIB // 1024} MiB p={passwords.PARALLELISM}; "
        f"{cores} cores"
    )
    one = hash_checks(args.seconds / 2, 1)
    every = hash_checks(args.seconds / 2, cores)
    print(
        f"hash checks: {one:,.1f}/s on one thread, {every:,.1f}/s on {cores} threads "
        f"({1000 / one:,.1f} ms each)"
    )
    rate, p50, p99 = asyncio.run(sign_ins(args.seconds, args.concurrency))
    print(
        f"sign-ins through the gateway: {rate:,.1f}/s, p50 {p50:,.1f} ms, p99 {p99:,.1f} ms "
        f"({args.concurrency} concurrent clients)"
    )


if __name__ == "__main__":
    main()
