"""Shared load generation for the benchmarks that drive real KAM processes (``bench_gateway.py``,
``bench_read_path.py``): the processes and sign-in, test customers, a minimal HTTP/1.1 client, closed- and
open-loop drivers and their statistics. Not a benchmark itself (``make bench`` runs ``bench_*.py`` only).

A driver calls ``call(client, seq)`` — one request, raising on any failure — on clients made by
``connect()`` (an HTTP connection each, or a wrapper around a shared gRPC channel) and closed with
``client.close()``. ``seq`` numbers the requests of one run (0, 1, 2 … across all clients), so that calls
can spread over customers and queries, and writes can make distinct records.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import itertools
import secrets
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

import grpc
import httpx
from kam_customer.domain.identifiers import resident_id_check_char
from kam_devkit.testing import DEFAULT_POSTGRES_URL, DEMO_PASSWORD, GATEWAY, KamProcesses, _postgres_execute
from kam_kit import auth, grpcclient
from kam_kit.clock import SYSTEM_CLOCK
from sqlalchemy.engine import make_url


class Client(Protocol):
    def close(self) -> None: ...


Connect = Callable[[], Awaitable[Any]]
Call = Callable[[Any, int], Awaitable[None]]


# ------------------------------------------------------------------------------------------ test data


def resident_id(n: int) -> str:
    """A valid 18-character resident ID number, distinct for n < 21,000 (the lcm of 50, 12, 28 and 1,000)."""
    first17 = f"110105{1950 + n % 50:04d}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return first17 + resident_id_check_char(first17)


_SURNAMES = (
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"), ("黄", "huang"),
    ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"),
    ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("高", "gao"), ("林", "lin"), ("罗", "luo"),
)  # fmt: skip
_GIVEN = (
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("秀英", "xiuying"), ("敏", "min"), ("静", "jing"), ("丽", "li"),
    ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"), ("艳", "yan"), ("杰", "jie"),
    ("娟", "juan"), ("涛", "tao"), ("明", "ming"),
)  # fmt: skip


def person_name(n: int) -> tuple[str, str]:
    """A common Chinese name and its pinyin: 20 surnames × 17 given names, each once for n < 340 (so a search
    for a surname, or a pinyin prefix, finds several customers)."""
    (surname, s), (given, g) = _SURNAMES[n % len(_SURNAMES)], _GIVEN[(n // len(_SURNAMES)) % len(_GIVEN)]
    return surname + given, s + g


def load_arguments(doc: str | None, *, what: str = "requests") -> argparse.ArgumentParser:
    """The options every load benchmark of the stack takes: ``--seconds``, ``--concurrency``, ``--rate`` (open-loop
    ``what``/s), ``--postgres [URL]``; a benchmark adds its own."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement (default 10)")
    parser.add_argument("--concurrency", type=int, default=16, help="closed-loop clients (default 16)")
    parser.add_argument("--rate", type=float, default=200.0, help=f"open-loop {what}/s (default 200)")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        nargs="?",
        const=DEFAULT_POSTGRES_URL,
        help="run the services on fresh PostgreSQL databases created through URL (dropped afterwards; "
        f"default {DEFAULT_POSTGRES_URL}) instead of SQLite",
    )
    parser.add_argument(
        "--replicas",
        type=int,
        default=1,
        help="processes of the customer service, sharing its database; the gateway and the direct client "
        "spread their calls over them (default 1)",
    )
    return parser


# ------------------------------------------------------------------------------------------- processes


@dataclass
class Customer:
    name: str  # the resource name, customers/…
    display_name: str
    pinyin: str
    id_number: str


@dataclass
class KamStack:
    """NATS, the customer service and the gateway as real processes (demo mode: the demo users exist)."""

    kam: KamProcesses
    http: httpx.AsyncClient

    def customer_channel(self) -> grpc.aio.Channel:
        """A channel to the customer service that spreads its calls over every replica (``--replicas``)."""
        return grpc.aio.insecure_channel(self.kam.grpc_target("customer"), options=grpcclient.LOAD_BALANCING)

    async def login(self, username: str) -> str:
        """A demo user's access token (``POST /v1/auth:login``)."""
        reply = await self.http.post("/v1/auth:login", json={"username": username, "password": DEMO_PASSWORD})
        reply.raise_for_status()
        return reply.json()["accessToken"]

    def colleagues(self, token: str, count: int) -> list[str]:
        """``token`` and ``count - 1`` more with its claims (roles, org unit, session) but their own subjects,
        ``users/<user>-<k>``, signed with the processes' secret: a crowd of staff in one role. The gateway
        limits some calls per caller (a search: 20/s, kam_gateway/ratelimit.py), so one user cannot send
        200 searches/s; each client of a driver takes its own of these."""
        secret = self.kam.env["KAM_TOKEN_SECRET"]
        identity = auth.verify_token(token, secret=secret, clock=SYSTEM_CLOCK)
        return [token] + [
            auth.issue_token(
                replace(identity, subject=f"{identity.subject}-{k}"),
                secret=secret,
                clock=SYSTEM_CLOCK,
                ttl=timedelta(hours=2),
            )
            for k in range(1, count)
        ]

    async def settle(self, token: str, limit: float = 60.0) -> tuple[float, int]:
        """Waits until the stack has no deferred work left — no event waiting in an outbox, no audit record
        waiting for its seal, no message waiting for or held by a durable consumer (``GET /v1/systemHealth``, as
        the control center shows it) — so that a measurement does not pay for the backlog an earlier one left
        (a closed loop at saturation leaves thousands of records to seal, publish and copy into the central
        trail). Returns the seconds waited and the largest backlog seen; gives up after ``limit`` seconds."""
        began, largest = time.perf_counter(), 0
        while True:
            reply = await self.http.get("/v1/systemHealth", headers={"Authorization": f"Bearer {token}"})
            reply.raise_for_status()
            health = reply.json()
            backlog = sum(
                int(s.get("outboxPending", 0)) + int(s.get("auditUnsealed", 0))
                for s in health.get("services", [])
            ) + sum(
                int(c.get("pending", 0)) + int(c.get("ackPending", 0)) for c in health.get("consumers", [])
            )
            largest = max(largest, backlog)
            waited = time.perf_counter() - began
            if backlog == 0 or waited > limit:
                return waited, largest
            await asyncio.sleep(0.1)

    async def create_customers(self, token: str, count: int) -> list[Customer]:
        """``count`` individual customers created through the gateway (``POST /v1/customers``)."""
        created = []
        for n in range(count):
            (display_name, pinyin), id_number = person_name(n), resident_id(n)
            reply = await self.http.post(
                "/v1/customers",
                headers={"Authorization": f"Bearer {token}"},
                json={"type": "TYPE_INDIVIDUAL", "displayName": display_name, "idNumber": id_number},
            )
            reply.raise_for_status()
            created.append(Customer(reply.json()["name"], display_name, pinyin, id_number))
        return created


@contextlib.asynccontextmanager
async def kam_stack(postgres: str | None = None, replicas: int = 1) -> AsyncIterator[KamStack]:
    """The processes on SQLite files in a temporary directory or, given a PostgreSQL server URL (an
    ``postgresql+asyncpg://…/postgres`` a database can be created from), on fresh databases dropped afterwards;
    ``replicas`` processes of the customer service."""
    async with contextlib.AsyncExitStack() as cleanup:
        tmp = cleanup.enter_context(tempfile.TemporaryDirectory())
        databases = {}
        for name in ("customer", GATEWAY) if postgres else ():
            database = f"kam_bench_{secrets.token_hex(6)}"
            await _postgres_execute(postgres, f'CREATE DATABASE "{database}"')
            cleanup.push_async_callback(
                _postgres_execute, postgres, f'DROP DATABASE "{database}" WITH (FORCE)'
            )
            databases[name] = make_url(postgres).set(database=database).render_as_string(hide_password=False)
        kam = KamProcesses(
            Path(tmp), secrets.token_urlsafe(32), database_urls=databases, replicas={"customer": replicas}
        )
        try:
            await asyncio.to_thread(kam.start, "customer", GATEWAY)
            async with httpx.AsyncClient(base_url=kam.gateway_url, timeout=30) as http:
                yield KamStack(kam, http)
        finally:
            await asyncio.to_thread(kam.close)


# ------------------------------------------------------------------------------------- the HTTP client


class HttpConnection:
    """A minimal HTTP/1.1 keep-alive client: the load generator must cost far less CPU than the servers it
    measures on a 2-core machine (httpx costs about as much as the gateway itself)."""

    def __init__(self, base_url: str, *headers: dict[str, str]) -> None:
        host, port = base_url.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        # the header sets (one per caller) in turn, request by request: per-caller limits (20 searches/s)
        # then hold for a crowd of callers however few connections carry them
        self.heads = itertools.cycle(["".join(f"{k}: {v}\r\n" for k, v in h.items()) for h in headers])

    @classmethod
    def connector(cls, base_url: str, *headers: dict[str, str]) -> Connect:
        """Opens a connection per call; each sends as the callers in turn, starting from the next one."""
        start = itertools.count()

        async def connect() -> HttpConnection:
            first = next(start) % max(len(headers), 1)
            connection = cls(base_url, *headers[first:], *headers[:first])
            await connection.open()
            return connection

        return connect

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        extra = f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n" if body else ""
        self.writer.write(
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n{next(self.heads)}{extra}\r\n".encode() + body
        )
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return int(status_line.split()[1]), await self.reader.readexactly(length)

    async def expect_ok(self, method: str, path: str, body: bytes = b"") -> bytes:
        status, reply = await self.request(method, path, body)
        if status != 200:
            raise RuntimeError(f"{method} {path}: {status}: {reply[:200]!r}")
        return reply

    def close(self) -> None:
        self.writer.close()


# ------------------------------------------------------------------------------------------ statistics


@dataclass(frozen=True)
class Stats:
    count: int
    seconds: float
    p50: float  # milliseconds
    p99: float
    max: float
    mean: float
    late: float = 0.0  # open loop: the largest delay (ms) of a send behind its schedule in the client itself

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    @classmethod
    def of(cls, latencies: list[float], seconds: float, late: float = 0.0) -> Stats:
        ordered = sorted(latencies)
        if not ordered:
            return cls(0, seconds, 0.0, 0.0, 0.0, 0.0, late)
        return cls(
            count=len(ordered),
            seconds=seconds,
            p50=ordered[len(ordered) // 2] * 1000,
            p99=ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
            max=ordered[-1] * 1000,
            mean=sum(ordered) / len(ordered) * 1000,
            late=late * 1000,
        )

    def line(self) -> str:
        return (
            f"{self.rate:8,.0f} req/s   p50 {self.p50:6.1f} ms   p99 {self.p99:6.1f} ms   max {self.max:6.1f} ms"
            f"   ({self.count:,} requests)"
        )


# -------------------------------------------------------------------------------------------- drivers


def quiet_collector() -> None:
    """Before a measurement: this process's objects so far out of its garbage collector's passes. A full pass
    over everything an earlier measurement left (its latencies, responses, connections) stopped this client for up
    to ≈ 50 ms, charged to every request then in flight as if the servers had been slow (seen as a 44 ms p99 of
    masked gets at 200/s, with "client late" 48.5 ms)."""
    gc.collect()
    gc.freeze()


async def closed_loop(connect: Connect, call: Call, seconds: float, concurrency: int) -> Stats:
    """Saturation: ``concurrency`` clients, each sending its next request as soon as the last one returned."""
    quiet_collector()
    latencies: list[float] = []
    stop_at = time.perf_counter() + seconds

    async def worker(worker_id: int) -> None:
        client = await connect()
        n = 0
        try:
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                await call(client, n * concurrency + worker_id)
                latencies.append(time.perf_counter() - started)
                n += 1
        finally:
            client.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    return Stats.of(latencies, time.perf_counter() - started)


async def open_loop(connect: Connect, call: Call, rate: float, seconds: float, pool: int = 64) -> Stats:
    """A fixed arrival rate: request ``i`` is due at ``start + i / rate`` whatever the earlier ones did, and its
    latency is measured from that scheduled time (so a stall is charged to every request it held back: no
    coordinated omission). Up to ``pool`` requests are in flight; one beyond waits for a free client, and
    that wait counts too. ``seconds`` of arrivals, then every request is awaited; the rate reported is the
    completed requests over the time from the first arrival to the last reply (below ``rate`` when the
    servers could not keep up)."""
    quiet_collector()
    clients: asyncio.Queue[Any] = asyncio.Queue()
    opened = [await connect() for _ in range(pool)]
    for client in opened:
        clients.put_nowait(client)
    latencies: list[float] = []
    late = 0.0
    total = round(rate * seconds)

    async def one(seq: int, due: float) -> None:
        client = await clients.get()
        try:
            await call(client, seq)
            latencies.append(time.perf_counter() - due)
        finally:
            clients.put_nowait(client)

    tasks = []
    start = time.perf_counter() + 0.05
    try:
        for i in range(total):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            late = max(late, time.perf_counter() - due)
            tasks.append(asyncio.create_task(one(i, due)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    finally:
        for task in tasks:
            task.cancel()
        for client in opened:
            client.close()
    return Stats.of(latencies, elapsed, late)
