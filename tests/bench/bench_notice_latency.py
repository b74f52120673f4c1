"""Benchmark: from an alert event to the staff inbox item and to the browser (issue 16: p50/p99, target p99 ≤ 1 s
to the browser).

Starts NATS, the notice service and the gateway as real processes (``kam_devkit.testing.KamProcesses``, demo mode:
the demo users exist) on SQLite and, when it answers, on fresh PostgreSQL databases. Two demo users sign in as the
console does (``x-kam-session: cookie``) and open the push stream as a browser's ``EventSource`` does — ``GET
/v1/push`` with the session cookie, ``Accept: text/event-stream`` — on a minimal HTTP/1.1 client of this process.
Then another process, as the alert service's outbox relay would, publishes ``kam.alert.v1.AlertRaised`` (and the
alert's own ``PushRequested``, kind ``alert.raised``) with the relay's headers at a steady ``--rates`` per second
for ``--seconds``, each alert for three recipients: the two users with an open stream and one without. Each alert
is timed from its publication (wall clock, in the publisher) to

- ``NATS``: the same ``AlertRaised`` received by a plain NATS subscription of this process (the broker's own
  publish → receive round trip, the baseline);
- ``handler``: the notice service's handler writing the inbox item (the item's ``create_time``, read afterwards);
- ``inbox``: the notice service's ``PushRequested`` (kind ``notification.created``) published on its stream — the
  inbox item committed and relayed by its outbox;
- ``fan-out``: that push copied by the gateway's consumer onto the user's subject ``kam.push.v1.users.<user>``;
- ``browser``: the ``notification.created`` event read from the user's open ``/v1/push`` stream;
- ``browser (alert.raised)``: the alert's own push on the same stream (alert → gateway, without the notice
  service).

Prints p50 / p95 / p99 / max per stage and rate, the rate reached (alerts published per second, and inbox pushes
delivered to the browsers per second from the first publication to the last delivery), and the core count.

``--backlog N`` first fills the inbox table with N earlier items of other users, as 90 days of a bank's alerts would.

    uv run python tests/bench/bench_notice_latency.py [--rates 50 200] [--seconds 10] [--sqlite-only] [--backlog N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import secrets
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import nats
import scratch
from google.protobuf import struct_pb2
from kam.alert.v1 import alert_pb2, events_pb2
from kam.push.v1 import push_pb2
from kam_devkit.testing import GATEWAY, KamProcesses
from kam_kit import bulk
from kam_kit import events as kit_events
from kam_kit.db import Database
from kam_kit.timeconv import to_timestamp
from kam_notice.adapters.orm import NotificationRow
from loadgen import DEMO_PASSWORD
from sqlalchemy import select

#: recipients of every alert: two with a console open on the push stream, one without
WATCHING = ("rm_zhang", "branch_manager")
RECIPIENTS = [f"users/{user}" for user in (*WATCHING, "hq_leader")]
TARGET_MS = 1000.0  # p99 to the browser
STAGES = ("NATS", "handler", "inbox", "fan-out", "browser", "browser (alert.raised)")


# ------------------------------------------------------------------------------------------- publisher


def _alert(name: str, i: int, now: datetime) -> alert_pb2.Alert:
    """An alert as the alert service raises it for a large cash withdrawal (``Monitor._raise``)."""
    stamp = to_timestamp(now)
    return alert_pb2.Alert(
        name=name,
        rule="alertRules/large-cash",
        customer=f"customers/c{i:05d}",
        account=f"customers/c{i:05d}/accounts/a1",
        severity=alert_pb2.SEVERITY_HIGH,
        state=alert_pb2.Alert.STATE_OPEN,
        title=f"客户{i} 大额现金交易 60,000.00 元",
        description="大额现金交易（单笔或当日累计 ≥ 5 万元）",
        evidence=[
            alert_pb2.Evidence(key="交易金额", value="60,000.00 元"),
            alert_pb2.Evidence(key="当日累计", value="60,000.00 元"),
        ],
        recipients=RECIPIENTS,
        event_time=stamp,
        create_time=stamp,
        update_time=stamp,
        last_notify_time=stamp,
        notify_count=1,
        rule_version=1,
        occurrence_count=1,
        transactions=[f"customers/c{i:05d}/accounts/a1/transactions/t{i}"],
    )


def _publisher(nats_url: str, rate: float, count: int) -> dict[str, float]:
    """In a process of its own, as the alert service's relay would be: ``count`` alerts at ``rate`` a second;
    returns when (wall clock) each was published, by alert name."""
    return asyncio.run(_publish_paced(nats_url, rate, count))


async def _publish_paced(nats_url: str, rate: float, count: int) -> dict[str, float]:
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    published: dict[str, float] = {}
    started = time.perf_counter()
    for i in range(count):
        name = f"alerts/{uuid.uuid4().hex}"
        now = datetime.now(UTC)
        alert = _alert(name, i, now)
        data = struct_pb2.Struct()
        data.update({"severity": "high", "customer": alert.customer, "rule": alert.rule})
        messages = (
            events_pb2.AlertRaised(alert=alert),
            push_pb2.PushRequested(
                recipients=RECIPIENTS,
                kind="alert.raised",
                resource=name,
                title=alert.title,
                data=data,
                time=to_timestamp(now),
            ),
        )
        published[name] = time.time()
        for message in messages:  # the relay's headers: CloudEvents attributes and the resource (ce-subject)
            await js.publish_async(
                kit_events.subject_for("alert", message, kit_events.partition_for(name)),
                message.SerializeToString(),
                headers=kit_events.event_headers(
                    event_id=str(uuid.uuid4()),
                    service="alert",
                    event_type=message.DESCRIPTOR.full_name,
                    time=now,
                    subject=name,
                ),
                stream=kit_events.stream_name("alert"),
            )
        pause = started + (i + 1) / rate - time.perf_counter()
        if pause > 0:
            await asyncio.sleep(pause)
    await js.publish_async_completed()
    await nc.close()
    return published


# ------------------------------------------------------------------------------------- the browser's side


class PushStream:
    """``GET /v1/push`` as the console's ``EventSource`` sends it (the session cookie, ``Accept:
    text/event-stream``) on a plain socket; ``on_event(kind, data, received)`` for every event, ``received`` the
    wall clock when its last byte was read."""

    def __init__(self, base_url: str, cookie: str, on_event: Callable[[str, dict, float], None]) -> None:
        self.host, port = base_url.removeprefix("http://").split(":")
        self.port = int(port)
        self.cookie = cookie
        self.on_event = on_event
        self.connected = asyncio.Event()

    async def run(self) -> None:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(
                f"GET /v1/push HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept: text/event-stream\r\n"
                f"Cache-Control: no-cache\r\nCookie: kam_access={self.cookie}\r\n\r\n".encode()
            )
            status = await reader.readline()
            headers = {}
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                headers[name.strip().lower()] = value.strip()
            if b" 200 " not in status or not headers.get("content-type", "").startswith("text/event-stream"):
                raise RuntimeError(f"GET /v1/push: {status!r} {headers}")
            chunked = headers.get("transfer-encoding", "") == "chunked"
            buffer = b""
            while True:
                if chunked:
                    size = int((await reader.readline()).strip() or b"0", 16)
                    chunk = await reader.readexactly(size + 2)
                    chunk = chunk[:-2]
                    if not size:
                        return
                else:
                    chunk = await reader.read(65536)
                    if not chunk:
                        return
                buffer += chunk
                received = time.time()
                *complete, buffer = buffer.split(b"\n\n")
                for block in complete:
                    self._event(block.decode(), received)
        finally:
            writer.close()

    def _event(self, block: str, received: float) -> None:
        kind, data = "message", []
        for line in block.split("\n"):
            if line.startswith(":"):
                if line.startswith(": connected"):
                    self.connected.set()
            elif line.startswith("event:"):
                kind = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
        if data:
            self.on_event(kind, json.loads("\n".join(data)), received)


async def _cookie(http: httpx.AsyncClient, username: str) -> str:
    """The session cookie of a console sign-in (``POST /v1/auth:login`` with ``x-kam-session: cookie``)."""
    reply = await http.post(
        "/v1/auth:login",
        json={"username": username, "password": DEMO_PASSWORD},
        headers={"x-kam-session": "cookie"},
    )
    reply.raise_for_status()
    return reply.cookies["kam_access"]


# -------------------------------------------------------------------------------------------- the run


class Observer:
    """When each alert reached each stage, by stage and (alert, user) — user "" where a stage is not per user."""

    def __init__(self) -> None:
        self.seen: dict[str, dict[tuple[str, str], float]] = defaultdict(dict)

    def mark(self, stage: str, alert: str, user: str = "") -> None:
        self.seen[stage].setdefault((alert, user), time.time())

    def browser(self, user: str) -> Callable[[str, dict, float], None]:
        def on_event(kind: str, data: dict, received: float) -> None:
            stage = {"notification.created": "browser", "alert.raised": "browser (alert.raised)"}.get(kind)
            if stage:
                self.seen[stage].setdefault((data.get("resource", ""), user), received)

        return on_event

    async def tap(self, nc) -> list:
        """Plain NATS subscriptions beside the services' consumers."""

        async def on_alert(msg) -> None:
            self.mark("NATS", events_pb2.AlertRaised.FromString(msg.data).alert.name)

        async def on_inbox(msg) -> None:
            push = push_pb2.PushRequested.FromString(msg.data)
            if push.kind == "notification.created":
                self.mark("inbox", push.resource)

        async def on_fanned(msg) -> None:
            push = push_pb2.PushRequested.FromString(msg.data)
            if push.kind == "notification.created":
                self.mark("fan-out", push.resource, msg.subject.rsplit(".", 1)[1])

        return [
            await nc.subscribe(kit_events.subject_for("alert", events_pb2.AlertRaised), cb=on_alert),
            await nc.subscribe(kit_events.subject_for("notice", push_pb2.PushRequested), cb=on_inbox),
            *[await nc.subscribe(f"kam.push.v1.users.{user}", cb=on_fanned) for user in WATCHING],
        ]


def _percentile(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


async def _handled(url: str, names: set[str]) -> dict[tuple[str, str], float]:
    """When the notice service's handler wrote each inbox item of a watching user (its ``create_time``)."""
    db = Database(url)
    try:
        async with db.read() as session:
            rows = (
                await session.execute(
                    select(NotificationRow.subject, NotificationRow.user, NotificationRow.create_time).where(
                        NotificationRow.user.in_([f"users/{u}" for u in WATCHING])
                    )
                )
            ).all()
    finally:
        await db.dispose()
    out = {}
    for subject, user, created in rows:
        if subject in names:
            created = created if created.tzinfo else created.replace(tzinfo=UTC)
            out[(subject, user.removeprefix("users/"))] = created.timestamp()
    return out


async def _backlog(url: str, rows: int) -> None:
    """``rows`` earlier inbox items (other users', the last 30 days) already in the notice service's database, as a
    bank's inboxes hold them (kept 90 days)."""
    db = Database(url)
    now = datetime.now(UTC)
    try:
        for start in range(0, rows, 10_000):
            async with db.transaction() as session:
                await bulk.insert_rows(
                    session,
                    NotificationRow.__table__,
                    [
                        {
                            "id": uuid.uuid4().hex,
                            "user": f"users/u{i % 2000:04d}",
                            "category": 1,
                            "title": f"客户{i} 大额现金交易 60,000.00 元",
                            "body": "大额现金交易（单笔或当日累计 ≥ 5 万元）",
                            "subject": f"alerts/old{i // 3}",
                            "importance": 3,
                            "source_event": f"old-{i // 3}",
                            "create_time": now - timedelta(days=30 * i / rows),
                            "read_time": None,
                        }
                        for i in range(start, min(rows, start + 10_000))
                    ],
                )
    finally:
        await db.dispose()


async def measure(
    kam: KamProcesses, observer: Observer, rate: float, count: int, timeout: float = 60.0
) -> tuple[dict[str, float], dict[str, list[float]]]:
    """Publishes ``count`` alerts at ``rate``/s from another process; waits until every one reached both browsers
    (or ``timeout`` after the last publication); returns when each was published and the latencies (ms) by stage."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        published = await asyncio.get_running_loop().run_in_executor(
            pool, _publisher, kam.nats_url, rate, count
        )
    expected = {(name, user) for name in published for user in WATCHING}
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline and not (
        expected <= set(observer.seen["browser"]) and expected <= set(observer.seen["browser (alert.raised)"])
    ):
        await asyncio.sleep(0.05)
    observer.seen["handler"].update(await _handled(kam.database_url("notice"), set(published)))
    waits: dict[str, list[float]] = {}
    for stage in STAGES:
        seen = observer.seen[stage]
        waits[stage] = sorted(
            (seen[(name, user)] - published[name]) * 1000
            for name in published
            for user in ([""] if stage in ("NATS", "inbox") else WATCHING)
            if (name, user) in seen
        )
    return published, waits


async def run(postgres: bool, rates: list[float], seconds: float, backlog: int = 0) -> list[str]:
    """The stack on one database, a warm-up, then each rate in turn; Markdown rows."""
    label = "PostgreSQL" if postgres else "SQLite"
    label += f", {backlog:,} items in the inbox" if backlog else ""
    rows = []
    async with contextlib.AsyncExitStack() as cleanup:
        tmp = cleanup.enter_context(tempfile.TemporaryDirectory())
        databases = {}
        if postgres:  # fresh databases, dropped afterwards (after the processes stopped: last in, first out)
            for name in ("notice", GATEWAY):
                databases[name] = await cleanup.enter_async_context(scratch.postgres())
        kam = KamProcesses(Path(tmp), secrets.token_urlsafe(32), database_urls=databases)
        cleanup.push_async_callback(asyncio.to_thread, kam.close)
        await asyncio.to_thread(kam.start, "notice", GATEWAY)
        if backlog:
            await _backlog(kam.database_url("notice"), backlog)
        http = await cleanup.enter_async_context(httpx.AsyncClient(base_url=kam.gateway_url, timeout=30))
        observer = Observer()
        streams = [
            PushStream(kam.gateway_url, await _cookie(http, user), observer.browser(user))
            for user in WATCHING
        ]
        tasks = [asyncio.create_task(stream.run()) for stream in streams]
        nc = await nats.connect(kam.nats_url)
        cleanup.push_async_callback(nc.close)
        js = nc.jetstream()
        await kit_events.ensure_stream(js, "alert")  # as the alert service makes it
        subscriptions = await observer.tap(nc)
        try:
            await asyncio.wait_for(asyncio.gather(*(s.connected.wait() for s in streams)), 30)
            _, warm = await measure(kam, observer, 20, 40)  # consumers bound, connections and caches warm
            if len(warm["browser"]) < 2 * 40:
                raise RuntimeError(
                    f"warm-up: {len(warm['browser'])} of 80 pushes reached the browsers\n{kam.report()}"
                )
            for rate in rates:
                count = max(1, round(rate * seconds))
                published, waits = await measure(kam, observer, rate, count)
                times = sorted(published.values())
                reached = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else float("nan")
                delivered = observer.seen["browser"]
                ends = [delivered[k] for k in delivered if k[0] in published]
                # alerts a second whose inbox push reached the browsers, from the first publication to the last push
                served = len(ends) / len(WATCHING) / (max(ends) - times[0]) if ends else 0.0
                print(
                    f"{label}, {rate:g} alerts/s asked for {seconds:g} s: {len(published)} alerts published at "
                    f"{reached:,.1f}/s; {len(ends)} inbox pushes reached the {len(WATCHING)} browsers, "
                    f"{served:,.1f} alerts/s (load {_load()})"
                )
                for stage in STAGES:
                    w = waits[stage]
                    expected = len(published) * (1 if stage in ("NATS", "inbox") else len(WATCHING))
                    row = (
                        f"| {label} | {rate:g}/s ({reached:,.0f}) | {stage} | {len(w)}/{expected} | "
                        f"{_percentile(w, 0.5):,.0f} | {_percentile(w, 0.95):,.0f} | "
                        f"{_percentile(w, 0.99):,.0f} | {(w[-1] if w else float('nan')):,.0f} |"
                    )
                    print(row)
                    rows.append(row)
                p99 = _percentile(waits["browser"], 0.99)
                complete = len(waits["browser"]) == len(published) * len(WATCHING)
                verdict = "met" if p99 <= TARGET_MS and complete else "NOT met"
                print(f"  target p99 ≤ {TARGET_MS:,.0f} ms to the browser: {verdict} ({p99:,.0f} ms)")
        finally:
            for subscription in subscriptions:
                await subscription.unsubscribe()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    return rows


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rates", type=float, nargs="+", default=[50.0, 200.0], help="alerts/s (default 50 200)"
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="of publication per rate (default 10)")
    parser.add_argument("--sqlite-only", action="store_true", help="do not measure on PostgreSQL")
    parser.add_argument(
        "--backlog", type=int, default=0, help="earlier inbox items in the notice database first (default 0)"
    )
    args = parser.parse_args()
    print(
        f"# alert → inbox → browser latency benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {os.cpu_count()} "
        f"cores (NATS, the notice service, the gateway, the publisher and the browsers' client share them); "
        f"{len(RECIPIENTS)} recipients per alert, {len(WATCHING)} with an open /v1/push stream; load {_load()}"
    )
    rows = await run(False, args.rates, args.seconds, args.backlog)
    missing = None if not args.sqlite_only else "--sqlite-only"
    missing = missing or await scratch.postgres_available()
    if missing:
        print(f"PostgreSQL not measured: {missing}")
    else:
        rows += await run(True, args.rates, args.seconds, args.backlog)
    print("\nms from publication (p50 / p95 / p99 / max):\n")
    print("| database | alerts/s asked (reached) | stage | seen | p50 | p95 | p99 | max |")
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    asyncio.run(main())
