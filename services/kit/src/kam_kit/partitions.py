"""A consumer's partitions shared out among a service's processes (replicas), through leases in its database.

Events about one customer are published on that customer's partition (:func:`kam_kit.events.partition_for`).
A service that must apply each customer's events in order, whatever the number of its replicas, consumes each
partition through a durable consumer of its own (``<name>-p<NN>``) and lets :class:`Leases` say which process
pulls from which: one process per partition at any time, each process about the same number.

Every process of the group keeps a *member* lease alive (``<group>/member/<owner>``) and renews the partition
leases it holds, every third of :attr:`Leases.ttl`. Each round, in one transaction, it counts the live members,
releases the partitions beyond its fair share (``ceil(partitions / members)``) and claims free or expired ones up to
it. A process that joins gets its share within two rounds; the partitions of a process that dies (its leases not
renewed) are claimed by the others once they expire. Time here is the wall clock (:data:`SYSTEM_CLOCK` by default),
not a service's business clock: a lease is about a process being alive.

A process holds a partition only while its last renewal is younger than the lease; the consumer stops pulling
when it is not. And every transaction that applies a partition's events first *fences* it (:meth:`Lease.fence`):
an ``UPDATE`` of the lease row on the condition that this process still holds it. On PostgreSQL the row lock
makes a takeover wait for a transaction in flight; on SQLite the write comes first, so the transaction holds the
database's write lock from its first statement. A process that lost its lease (paused longer than the lease,
cut off from the database) therefore cannot commit anything for the partition; its events are given back to the
broker and the new holder applies them from the committed state, its processed-event ids dropping what was
already applied.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import socket
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Result, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from kam_kit import bulk, events
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.db import Database, leases_table
from kam_kit.timeconv import aware

log = logging.getLogger(__name__)

t = leases_table


class LeaseLost(Exception):
    """This process no longer holds the partition it was applying events for."""


def process_name() -> str:
    """A name for this process among its service's replicas (host, pid and a random part, unique per start)."""
    return f"{socket.gethostname()[:60]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class Leases:
    """The partitions of ``group`` this process holds (see the module's description)."""

    def __init__(
        self,
        db: Database,
        group: str,
        *,
        partitions: int = events.PARTITIONS,
        owner: str | None = None,
        ttl: timedelta = timedelta(seconds=10),
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.db = db
        self.group = group
        self.partitions = partitions
        self.owner = owner or process_name()
        self.ttl = ttl
        self.clock = clock
        self._held: set[int] = set()
        self._valid_until = 0.0  # monotonic: the holding ends here unless renewed
        self._changed = asyncio.Event()

    def name(self, partition: int) -> str:
        return f"{self.group}/{events.partition_token(partition)}"

    @property
    def member(self) -> str:
        return f"{self.group}/member/{self.owner}"

    def held(self, partition: int) -> bool:
        return partition in self._held and time.monotonic() < self._valid_until

    def holding(self) -> set[int]:
        return {p for p in self._held if self.held(p)}

    def forget(self, partition: int) -> None:
        """Another process holds ``partition`` (a fence failed): not held here until a round claims it again."""
        self._held.discard(partition)

    def lease(self, partition: int) -> Lease:
        return Lease(self, partition)

    async def fence(self, session: AsyncSession, partitions: Iterable[int]) -> None:
        """First statement of a transaction applying these partitions' events (one statement for all of them):
        it goes on only while this process holds every one (raises :class:`LeaseLost` naming each that is not,
        and forgets them)."""
        wanted = set(partitions)
        lost = {p for p in wanted if not self.held(p)}
        if wanted and not lost:
            names = {self.name(p): p for p in wanted}
            fenced = await session.execute(
                update(t)
                .where(
                    t.c.name.in_(list(names)),
                    t.c.owner == self.owner,
                    t.c.expire_time > self.clock.now(),
                )
                .values(owner=self.owner)
                .returning(t.c.name)
            )
            lost = wanted - {names[name] for name in fenced.scalars()}
            for partition in lost:
                self.forget(partition)
        if lost:
            raise LeaseLost(", ".join(self.name(p) for p in sorted(lost)))

    async def run(self) -> None:
        """Rebalance every third of the lease until cancelled; then give the partitions back at once."""
        try:
            while True:
                try:
                    await self.rebalance()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # noqa: BLE001 - the database away: the holdings run out by themselves
                    log.warning("leases not renewed", extra={"group": self.group, "error": repr(exc)})
                await asyncio.sleep(self.ttl.total_seconds() / 3)
        finally:
            await asyncio.shield(self.release_all())

    async def rebalance(self) -> set[int]:
        """One round: renew, release beyond the fair share, claim up to it. Returns the partitions held."""
        started = time.monotonic()
        now = self.clock.now()
        until = now + self.ttl
        async with self.db.transaction() as session:
            await bulk.insert_rows(  # this process is alive
                session,
                t,
                [{"name": self.member, "owner": self.owner, "expire_time": until}],
                replace_existing=("name",),
            )
            prefix = f"{self.group}/"
            rows = (
                await session.execute(
                    select(t.c.name, t.c.owner, t.c.expire_time).where(t.c.name.startswith(prefix))
                )
            ).all()
            by_partition = {r.name: r for r in rows if "/member/" not in r.name}
            missing = [self.name(p) for p in range(self.partitions) if self.name(p) not in by_partition]
            if missing:  # the group's first round (or a database restored from before it): free partitions
                await bulk.insert_rows(
                    session,
                    t,
                    [{"name": name, "owner": "", "expire_time": now} for name in missing],
                    skip_existing=("name",),
                )
            members = {r.owner for r in rows if "/member/" in r.name and aware(r.expire_time) > now}
            members.add(self.owner)
            fair = math.ceil(self.partitions / len(members))
            mine = sorted(
                p
                for p in range(self.partitions)
                if (row := by_partition.get(self.name(p))) is not None
                and row.owner == self.owner
                and aware(row.expire_time) > now
            )
            keep, release = mine[:fair], mine[fair:]
            for p in release:
                await session.execute(
                    update(t).where(t.c.name == self.name(p), t.c.owner == self.owner).values(expire_time=now)
                )
            held = []
            for p in keep:  # renewed
                await session.execute(
                    update(t)
                    .where(t.c.name == self.name(p), t.c.owner == self.owner)
                    .values(expire_time=until)
                )
                held.append(p)
            for p in range(self.partitions):  # claimed: free, or expired
                if len(held) >= fair:
                    break
                if p in held or p in release:
                    continue
                claimed = await session.execute(
                    update(t)
                    .where(t.c.name == self.name(p), t.c.expire_time <= now)
                    .values(owner=self.owner, expire_time=until)
                )
                if _rows(claimed) == 1:
                    held.append(p)
            # members gone for good (ten leases without a renewal) are forgotten
            await session.execute(
                delete(t).where(
                    t.c.name.startswith(f"{self.group}/member/"), t.c.expire_time < now - 10 * self.ttl
                )
            )
        before = self._held
        self._held = set(held)
        # the transaction's start counts, not its end: the holding never outlives the leases just written
        self._valid_until = started + self.ttl.total_seconds()
        if self._held != before:
            log.info(
                "partitions held",
                extra={"group": self.group, "owner": self.owner, "partitions": sorted(self._held)},
            )
            self._changed.set()
            self._changed = asyncio.Event()
        return set(self._held)

    async def release_all(self) -> None:
        """Gives back every partition and the membership (a graceful stop: the others claim them at once)."""
        held, self._held = self._held, set()
        if not held:
            return
        try:
            async with self.db.transaction() as session:
                await session.execute(
                    update(t)
                    .where(t.c.name.startswith(f"{self.group}/"), t.c.owner == self.owner)
                    .values(expire_time=self.clock.now())
                )
        except Exception as exc:  # noqa: BLE001 - they expire by themselves
            log.warning("leases not released", extra={"group": self.group, "error": repr(exc)})

    async def changed(self, timeout: float) -> None:
        """Until the partitions held change, or ``timeout`` seconds."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout=timeout)

    async def wait(self, partition: int) -> None:
        """Until this process holds ``partition``."""
        while not self.held(partition):
            changed = self._changed
            try:
                await asyncio.wait_for(changed.wait(), timeout=self.ttl.total_seconds() / 3)
            except TimeoutError:
                pass


class Lease:
    """One partition of a :class:`Leases`: what a partition's consumer asks before pulling and fences with."""

    def __init__(self, leases: Leases, partition: int) -> None:
        self.leases = leases
        self.partition = partition

    def held(self) -> bool:
        return self.leases.held(self.partition)

    async def wait(self) -> None:
        await self.leases.wait(self.partition)

    async def fence(self, session: AsyncSession) -> None:
        """First statement of a transaction applying this partition's events: it goes on only while this process
        holds the lease (raises :class:`LeaseLost` otherwise)."""
        await self.leases.fence(session, [self.partition])


async def every(
    interval: float, lease: Lease | None, work: Callable[[], Awaitable[Any]], *, what: str
) -> None:
    """Run ``work`` every ``interval`` seconds on the replica holding ``lease`` (always, without one) — a clock, a
    sweeper, a dispatcher: a lost lease is logged and waited for again, a failure logged and tried next round."""
    while True:
        if lease is not None:
            await lease.wait()
        try:
            await work()
        except LeaseLost:
            log.info("another replica does the %s now", what)
        except Exception:
            log.exception("%s failed", what)
        await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def fenced_transaction(db: Database, lease: Lease | None) -> AsyncIterator[AsyncSession]:
    """A transaction that goes on only while this replica holds ``lease`` (:meth:`Lease.fence` first)."""
    async with db.transaction() as session:
        if lease is not None:
            await lease.fence(session)
        yield session


def _rows(result: Result[Any]) -> int:
    """How many rows an ``UPDATE`` changed."""
    return int(cast(CursorResult[Any], result).rowcount)
