"""Group commit: the small writes of many concurrent calls share one transaction.

A call that must not answer before its write is durable — an access record before unmasked personal data leaves
— hands the write to :meth:`GroupCommit.write` and awaits it. One writer task per database takes every write
waiting at that moment (up to ``max_batch``) into one transaction and commits it; each caller's ``write`` returns
when the transaction holding its write has committed, or raises what made it fail. A busy service commits once
per batch instead of once per call (on SQLite, where writers queue on one lock, and where a commit is made on the
event loop itself, this is most of an audited read's cost). A commit on the loop blocks it, so the calls that
would join a batch cannot reach their write meanwhile: under load (the previous commit ended less than
:data:`BUSY_SECONDS` ago) the writer lets writes gather for up to :data:`GATHER_SECONDS` (:data:`SQLITE_GATHER_SECONDS`
on SQLite) before it commits — measured, 16 concurrent audited reads went from batches of one record to four and
from ≈ 560 to ≈ 890 a second (docs/performance.md) — but only while other calls are under way that have not queued
a write yet (``in_flight``, by default :func:`kam_kit.grpcserver.calls_in_flight`): when every call being served
waits for this commit, nothing more can join, so it commits at once (at 200 audited pages a second, most batches).
A lone call waits for nothing but its own commit.

A batch that fails is retried write by write, so one bad write fails only its own caller. A write whose caller
was cancelled meanwhile is still committed (a record of a response that was not delivered is harmless; a missing
one is not).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from kam_kit import grpcserver, telemetry
from kam_kit.db import Database

log = logging.getLogger(__name__)

#: How long a busy writer lets writes gather before it commits them (PostgreSQL)
GATHER_SECONDS = 0.005
#: The same on SQLite, where a commit holds the one writer and runs on the event loop, so a larger batch pays:
#: 10 ms instead of 5 took an audited page of 50 from 2.74 to 2.51 ms of CPU and an audited get from 1.16–1.28 to
#: 1.03–1.05 ms (A/B, docs/performance.md round 7); on PostgreSQL it changed nothing but the wait.
SQLITE_GATHER_SECONDS = 0.010
#: The writer counts as busy when its previous commit ended less than this long ago
BUSY_SECONDS = 0.05
#: While gathering, how often the writer looks whether the other calls under way have queued their writes
STEP_SECONDS = 0.001

#: One write: adds rows to the batch's session (synchronously; the writer flushes and commits).
Write = Callable[[AsyncSession], None]


class GroupCommit:
    def __init__(
        self,
        db: Database,
        *,
        name: str,
        max_batch: int = 256,
        in_flight: Callable[[], int] = grpcserver.calls_in_flight,
    ) -> None:
        """``in_flight``: how many calls are being served now, the writers' own included."""
        self.db = db
        self.name = name
        self.max_batch = max_batch
        self.in_flight = in_flight
        self._waiting: list[tuple[Write, asyncio.Future[None]]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._closing = False
        self._last_commit = float("-inf")
        meter = telemetry.meter()
        self._batches = meter.create_histogram(
            "kam.groupcommit.batch_size", unit="{write}", description="Writes committed per transaction"
        )
        self._attrs = {"writer": name}

    async def write(self, work: Write) -> None:
        """Run ``work`` in a shared transaction; return once it committed (raise what made it fail)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((work, future))
        if self._task is None or self._task.done():
            # a context of its own: the task outlives this call, whose context variables (its origin, request id,
            # trace) must not stand for the later calls' writes (each write says what it needs itself)
            self._task = asyncio.create_task(
                self._run(), name=f"group-commit-{self.name}", context=contextvars.Context()
            )
        self._wake.set()
        await asyncio.shield(future)

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            # let the calls already under way queue their writes first: a busy loop batches more
            loop = asyncio.get_running_loop()
            if loop.time() - self._last_commit < BUSY_SECONDS:  # busy: gather while others may still write
                deadline = loop.time() + (SQLITE_GATHER_SECONDS if self.db.is_sqlite else GATHER_SECONDS)
                while self.in_flight() > len(self._waiting) and loop.time() < deadline:
                    await asyncio.sleep(STEP_SECONDS)
            else:
                await asyncio.sleep(0)
            await self._drain()
            self._last_commit = loop.time()
            if self._closing:
                return

    async def _drain(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[: self.max_batch], self._waiting[self.max_batch :]
            await self._commit(batch)

    async def _commit(self, batch: list[tuple[Write, asyncio.Future[None]]]) -> None:
        try:
            async with self.db.transaction(inline=True) as session:
                for work, _ in batch:
                    work(session)
        except Exception as exc:  # noqa: BLE001 - handed to the callers
            if len(batch) == 1:
                _settle(batch[0][1], exc)
                return
            log.warning(
                "group commit failed; retrying its writes one by one",
                extra={"writer": self.name, "writes": len(batch), "error": repr(exc)},
            )
            for item in batch:
                await self._commit([item])
            return
        self._batches.record(len(batch), self._attrs)
        for _, future in batch:
            _settle(future, None)

    async def close(self) -> None:
        """Commit what is waiting (the batch being committed included), then let the writer task end."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        await self._drain()


def _settle(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)
