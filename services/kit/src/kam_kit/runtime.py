"""Running a KAM service process: migrations, gRPC, outbox relay, consumers, signals, shutdown.

A service describes itself as a :class:`ServiceApp` (its settings, database, servicers, consumers) and hands it
to :func:`cli_main`, which gives it the ``serve`` and ``migrate`` commands. ``serve``:

1. configures telemetry and JSON logs, logs the (redacted) settings;
2. applies migrations;
3. starts the gRPC server (health SERVING);
4. connects to NATS in the background (retrying; the outbox keeps events safe meanwhile), ensures the service's
   stream, and runs the outbox relay and the event consumers; follows the identity service's revoked sessions
   and service tokens (:mod:`kam_kit.revocation`), which every call's token is checked against;
5. on SIGTERM/SIGINT — or when the local supervisor that started it is gone (``KAM_SUPERVISOR_PID``, set by
   ``make run``) — health NOT_SERVING, in-flight calls get the grace period, background work stops, the NATS
   connection drains, telemetry flushes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import importlib
import logging
import os
import signal
import sys
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kam.api.v1 import backup_pb2
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncSession

from kam_kit import audit, backup, events, heap, migrations, outbox, registry, status, telemetry
from kam_kit.auth import Identity
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.consumer import Batched, EventConsumer, PartitionedConsumer, Subscription
from kam_kit.db import Database, processed_events_table
from kam_kit.grpcserver import GrpcServer
from kam_kit.outbox import OutboxRelay
from kam_kit.partitions import Leases
from kam_kit.revocation import Revocations
from kam_kit.settings import ServiceSettings, SettingsError

log = logging.getLogger(__name__)

ConsumerFactory = Callable[[JetStreamContext], EventConsumer]


def consumer(
    db: Database,
    *,
    name: str,
    producer: str,
    handlers: Mapping[type, Callable | Batched],
    settings: ServiceSettings,
    clock: Clock = SYSTEM_CLOCK,
    batch_size: int = 100,
    leases: Leases | None = None,
    unpartitioned: bool = False,
) -> ConsumerFactory:
    """A factory for :attr:`ServiceApp.consumers`: applies ``producer``'s events with ``handlers``
    (message class → handler) as the durable consumer ``name``, once the NATS connection exists — with ``leases``,
    the partitions they hold (:class:`~kam_kit.consumer.PartitionedConsumer`); ``unpartitioned`` as in
    :class:`~kam_kit.consumer.EventConsumer`."""

    def build(js: JetStreamContext) -> EventConsumer:
        subscriptions = [Subscription(message, handler, producer) for message, handler in handlers.items()]
        options: dict[str, Any] = {
            "name": name,
            "producer": producer,
            "clock": clock,
            "max_deliver": settings.consumer_max_deliver,
            "batch_size": batch_size,
            "subscriptions": subscriptions,
        }
        if leases is not None:
            return PartitionedConsumer(db, js, leases=leases, **options)
        return EventConsumer(db, js, unpartitioned=unpartitioned, **options)

    return build


def registration(servicer: object) -> tuple[Callable, str]:
    """The ``add_<Name>Servicer_to_server`` function and full service name of a servicer, found from the generated
    ``*_pb2_grpc`` base class it extends (so a service registers a servicer by passing the object alone)."""
    for cls in type(servicer).__mro__:
        module = sys.modules.get(cls.__module__)
        if (
            module is None
            or not module.__name__.endswith("_pb2_grpc")
            or not cls.__name__.endswith("Servicer")
        ):
            continue
        name = cls.__name__.removesuffix("Servicer")
        descriptor = importlib.import_module(module.__name__.removesuffix("_grpc")).DESCRIPTOR
        return getattr(module, f"add_{cls.__name__}_to_server"), descriptor.services_by_name[name].full_name
    raise TypeError(f"{type(servicer).__name__} does not extend a generated *Servicer class")


@dataclass
class ServiceApp:
    """A KAM service: its settings, database, gRPC servicers (:meth:`serve`), event consumers (:meth:`consume`)
    and background jobs. ``produces_events``: it has a stream and an outbox relay (default: what its
    :mod:`kam_kit.registry` entry says); NATS is connected only when it produces or consumes events."""

    settings: ServiceSettings
    db: Database
    metadata: MetaData
    versions_dir: Path
    clock: Clock = SYSTEM_CLOCK
    servicers: list[object] = field(default_factory=list)
    consumers: list[ConsumerFactory] = field(default_factory=list)
    produces_events: bool | None = None
    public_methods: Sequence[str] = ()
    #: Long-running jobs started once gRPC serves (schedulers, feeds); cancelled on shutdown.
    background: list[Callable[[], Coroutine[Any, Any, None]]] = field(default_factory=list)
    #: The service's own facts for ``kam.api.v1.StatusService`` (e.g. the last scan); see kam_kit.status.
    status_details: status.Details | None = None

    #: After an outbox batch, how long the relay lets more events gather (kam_kit.outbox.COALESCE_SECONDS).
    outbox_coalesce: float = outbox.COALESCE_SECONDS

    #: Seal the audit trail (kam_kit.audit) in this process; every replica may, one at a time.
    seals_audit: bool = True

    grpc: GrpcServer | None = None
    nats: NATS | None = None
    relay: OutboxRelay | None = None
    sealer: audit.AuditSealer | None = None
    #: Revoked sessions and service tokens (kam_kit.revocation), followed from the identity stream.
    revocations: Revocations = field(init=False)
    #: The service's backups (kam_kit.backup), served as ``kam.api.v1.BackupService``.
    backups: backup.BackupStore = field(init=False)
    #: Called after a restore has replaced the database (e.g. to drop what was derived from the old one).
    after_restore: list[Callable[[], None]] = field(default_factory=list)
    _tasks: list[asyncio.Task] = field(default_factory=list)
    #: The outbox relay, consumers and audit sealer: paused and resumed around a restore.
    _workers: list[asyncio.Task] = field(default_factory=list)
    _event_consumers: list[EventConsumer] = field(default_factory=list)
    #: The partition leases of partitioned consumers, by consumer name.
    leases: dict[str, Leases] = field(default_factory=dict)
    _js: JetStreamContext | None = None
    _restoring: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self.revocations = Revocations(self.clock)
        self.backups = backup.BackupStore(self.db, service=self.service, directory=self.settings.backup_dir)
        if self.produces_events is None:
            try:
                self.produces_events = registry.get(self.service).produces_events
            except KeyError:
                self.produces_events = True

    @property
    def service(self) -> str:
        return self.settings.service

    def serve(self, *servicers: object) -> None:
        """Serve these gRPC servicers (instances of classes extending the generated ``*Servicer`` bases)."""
        self.servicers.extend(servicers)

    def consume(
        self,
        producer: str,
        handlers: Mapping[type, Callable | Batched],
        *,
        name: str = "",
        batch_size: int = 100,
        partitioned: bool = False,
    ) -> None:
        """Apply ``producer``'s events with ``handlers`` (message class → ``async handler(session, event, meta)``,
        or a :class:`~kam_kit.consumer.Batched` one) through the durable, idempotent consumer ``name`` (default
        ``<service>-<producer>``), up to ``batch_size`` events per fetch and transaction.

        ``partitioned``: each customer's events in order whatever the number of replicas — one durable consumer
        per partition (``<name>-p<NN>``), pulled by the replica holding its lease (kam_kit.partitions) and applied
        together with the process's other partitions', and ``name`` for the events published without a
        partition."""
        name = name or f"{self.service}-{producer}"
        make = functools.partial(
            consumer,
            self.db,
            producer=producer,
            handlers=handlers,
            settings=self.settings,
            clock=self.clock,
            batch_size=batch_size,
        )
        if not partitioned:
            self.consumers.append(make(name=name))
            return
        leases = Leases(self.db, name)  # the wall clock: a lease is about a process being alive
        self.leases[name] = leases
        self.background.append(leases.run)
        self.consumers.append(make(name=name, unpartitioned=True))
        self.consumers.append(make(name=name, leases=leases))

    async def migrate(self) -> None:
        await migrations.upgrade_async(self.settings.database_url, self.versions_dir, self.metadata)

    async def start(self) -> None:
        await self.migrate()
        if self.db.is_sqlite:  # commits stop checkpointing; a background task does it (kam_kit.db)
            await self.db.defer_checkpoints()
            self._tasks.append(asyncio.create_task(self.db.checkpoints(), name=f"{self.service}-checkpoints"))
        self.grpc = GrpcServer(
            self.service,
            self.settings.grpc_port,
            token_secret=self.settings.token_secret.reveal(),
            clock=self.clock,
            public_methods=self.public_methods,
            host=self.settings.grpc_host,
            revocations=self.revocations,
            max_connection_age=self.settings.grpc_max_connection_age_seconds,
        )
        for servicer in self.servicers:
            if isinstance(servicer, tuple):  # (register, servicer, name): the older explicit form
                self.grpc.add(*servicer)
            else:
                self.grpc.add(*_swap(registration(servicer), servicer))
        status_servicer = status.StatusServicer(
            self.db, service=self.service, started=self.clock.now(), details=self.status_details
        )
        for kit_servicer in (status_servicer, backup.BackupServicer(self)):
            self.grpc.add(*_swap(registration(kit_servicer), kit_servicer))
        await self.grpc.start()
        self._start_sealer()
        # every service connects (it follows the identity service's revocations even when it has no events),
        # unless it is given no broker at all (an embedded or test instance: events wait in the outbox)
        if self.settings.nats_url:
            self._tasks.append(asyncio.create_task(self._messaging(), name=f"{self.service}-messaging"))
        for job in self.background:
            task = asyncio.create_task(job(), name=f"{self.service}-{getattr(job, '__name__', 'job')}")
            task.add_done_callback(_report_failure)
            self._tasks.append(task)

    def _start_sealer(self) -> None:
        if self.seals_audit:
            self.sealer = audit.AuditSealer(self.db, service=self.service, clock=self.clock)
            self._workers.append(asyncio.create_task(self.sealer.run(), name=f"{self.service}-audit-sealer"))

    async def _messaging(self) -> None:
        self.nats = await events.connect(self.settings.nats_url, name=f"kam-{self.service}")
        js = self.nats.jetstream()
        self._tasks.append(
            asyncio.create_task(self.revocations.follow(js), name=f"{self.service}-revocations")
        )
        if self.produces_events:
            await _retry(lambda: events.ensure_stream(js, self.service), what="ensure stream")
        async with self._restoring:  # a restore that began before the broker answered finishes first
            self._js = js
            self._start_messaging_workers(js)

    def _start_messaging_workers(self, js: JetStreamContext) -> None:
        if self.produces_events:
            self.relay = OutboxRelay(
                self.db,
                js,
                service=self.service,
                batch_size=self.settings.outbox_batch_size,
                poll_interval=self.settings.outbox_poll_seconds,
                clock=self.clock,
                coalesce=self.outbox_coalesce,
            )
            self._workers.append(asyncio.create_task(self.relay.run(), name=f"{self.service}-outbox"))
        self._event_consumers = [factory(js) for factory in self.consumers]
        for consumer in self._event_consumers:
            self._workers.append(asyncio.create_task(consumer.run(), name=f"{consumer.name}-consumer"))

    async def _stop_workers(self) -> None:
        workers, self._workers = self._workers, []
        await _cancel(workers)

    # -- backup and restore (kam_kit.backup) -------------------------------------------------------------------

    async def consumer_positions(self) -> list[backup.Position]:
        """Each durable consumer's acknowledgement floor, as the broker tells it now."""
        positions = []
        for consumer in self._event_consumers:
            for durable in consumer.durables:
                position = backup.Position(consumer=durable, stream=consumer.stream)
                if self._js is not None:
                    with contextlib.suppress(Exception):
                        info = await asyncio.wait_for(self._js.consumer_info(consumer.stream, durable), 5)
                        position.stream_sequence, position.known = int(info.ack_floor.stream_seq or 0), True
                        position.caught_up = not info.num_pending and not info.num_ack_pending
                positions.append(position)
        return positions

    async def take_backup(
        self, backup_id: str, *, actor: Identity | None, pre_restore: bool = False
    ) -> backup.Manifest:
        manifest = await self.backups.create(
            backup_id,
            moment=self.clock.now(),
            creator=actor.subject if actor is not None else "system",
            positions=await self.consumer_positions(),
            pre_restore=pre_restore,
            stream_sequence=self._own_stream_sequence,
        )
        if not pre_restore:
            await self._audit_backup(actor, "backup.create", manifest)
        return manifest

    async def _own_stream_sequence(self) -> int | None:
        """The last sequence of this service's stream now (None: no stream, or the broker did not answer)."""
        if not self.produces_events or self._js is None:
            return None
        try:
            info = await asyncio.wait_for(self._js.stream_info(events.stream_name(self.service)), 5)
        except Exception:  # noqa: BLE001 - unknown; a restore then withdraws nothing
            return None
        return int(info.state.last_seq or 0)

    async def _withdraw_events_after(self, manifest: backup.Manifest) -> int:
        """Delete this service's events published after the backup from its stream: the restore undid their
        changes (the copy's own unpublished events are published again by the relay, under the same ids)."""
        last = await self._own_stream_sequence()
        if last is None or not manifest.stream_known or self._js is None:
            return 0
        stream, withdrawn = events.stream_name(self.service), 0
        for sequence in range(manifest.stream_sequence + 1, last + 1):
            with contextlib.suppress(NotFoundError):
                withdrawn += bool(await self._js.delete_msg(stream, sequence))
        return withdrawn

    async def delete_backup(self, backup_id: str, *, actor: Identity | None) -> None:
        manifest = self.backups.get(backup_id)
        self.backups.delete(backup_id)
        await self._audit_backup(actor, "backup.delete", manifest)

    async def _audit_backup(self, actor: Identity | None, action: str, manifest: backup.Manifest) -> None:
        async with self.db.transaction() as session:
            audit.record_change(
                session,
                service=self.service,
                actor=actor,
                action=action,
                resource=f"backups/{manifest.backup_id}",
                details={"size_bytes": manifest.size_bytes, "sha256": manifest.sha256},
                clock=self.clock,
            )

    async def restore_problems(self, manifest: backup.Manifest) -> list[str]:
        found = await self.backups.problems(manifest, migrations.known_revisions(self.versions_dir))
        if not self.consumers:
            return found
        if self._js is None or self.nats is None or not self.nats.is_connected:
            return [
                *found,
                "消息服务器不可用，无法重置事件消费位置 (the broker is unreachable: the consumers cannot be moved back)",
            ]
        for position in manifest.consumer_positions:
            if not position.known:
                continue
            try:
                first = (await self._js.stream_info(position.stream)).state.first_seq
            except Exception:  # noqa: BLE001 - a stream that is gone cannot be replayed
                first = None
            if first is None or (
                first > position.stream_sequence + 1 and not _withdrawn(position, manifest, self.clock)
            ):
                found.append(
                    f"事件流 {position.stream} 已不再保存备份之后的全部事件 (the stream no longer holds every event "
                    f"after sequence {position.stream_sequence}; restoring would miss events)"
                )
        return found

    async def restore_backup(
        self, manifest: backup.Manifest, *, validate_only: bool, actor: Identity | None
    ) -> backup_pb2.ServiceRestore:
        """Check a backup and, unless ``validate_only``, restore it (see :mod:`kam_kit.backup`)."""
        async with self._restoring:
            result = backup_pb2.ServiceRestore(
                service=self.service,
                backup_id=manifest.backup_id,
                backup_rows=manifest.table_rows,
                current_rows=await self.backups.current_rows(),
                consumer_positions=[backup.positions_proto(p) for p in manifest.consumer_positions],
            )
            problems = await self.restore_problems(manifest)
            result.problems.extend(problems)
            result.ok = not problems
            if problems or validate_only:
                return result
            result.pre_restore_backup_id, result.events_withdrawn = await self._restore(manifest, actor)
            result.restored = True
            log.info("backup restored", extra={"backup_id": manifest.backup_id})
            return result

    async def _restore(self, manifest: backup.Manifest, actor: Identity | None) -> tuple[str, int]:
        if self.grpc is not None:
            self.grpc.interceptor.paused = (
                "服务正在恢复备份，请稍后重试 (the service is restoring a backup; retry shortly)"
            )
        await self._stop_workers()
        try:
            token = uuid.uuid4().hex[:6]
            pre = await self.take_backup(
                f"{manifest.backup_id[:40]}-pre-{token}", actor=None, pre_restore=True
            )
            carried = await backup.audit_since(self.db, manifest)
            async with self.db.exclusive():
                await self.db.dispose()
                try:
                    await self.backups.replace_database(manifest)
                except Exception:
                    log.exception("restore failed; putting back the database as it was")
                    await self.backups.replace_database(pre)
                    raise
            await self.migrate()
            for hook in self.after_restore:
                hook()
            await backup.carry_over_audit(self.db, carried)
            await self._audit_backup(actor, "backup.restore", manifest)
            withdrawn = await self._withdraw_events_after(manifest)
            await self._move_consumers(manifest)
            return pre.backup_id, withdrawn
        finally:
            self._start_sealer()
            if self._js is not None:
                self._start_messaging_workers(self._js)
            if self.grpc is not None:
                self.grpc.interceptor.paused = ""

    async def _move_consumers(self, manifest: backup.Manifest | None) -> None:
        """Each durable consumer restarts after the backup's acknowledgement floor (from the stream's start when
        the backup could not ask the broker, or with no backup); the restored processed-event ids skip what the
        copy applied."""
        if self._js is None:
            return
        known = (
            {p.consumer: p for p in manifest.consumer_positions if p.known} if manifest is not None else {}
        )
        for consumer in self._event_consumers:
            for durable in consumer.durables:
                position = known.get(durable)
                with contextlib.suppress(NotFoundError):
                    await self._js.delete_consumer(consumer.stream, durable)
                await events.ensure_stream(self._js, consumer.producer)
                start = position.stream_sequence + 1 if position is not None else None
                await self._js.add_consumer(
                    consumer.stream, consumer.consumer_config(start_sequence=start, durable=durable)
                )

    # -- rebuilding read models from the streams ---------------------------------------------------------------

    async def rebuild(self, reset: Callable[[AsyncSession], Awaitable[None]]) -> None:
        """Rebuild what this service builds from other services' events, from the beginning of their streams:
        consuming stops, ``reset`` empties the read models (with the consumers' processed-event ids, in one
        transaction), every durable consumer starts again at its stream's first event, and consuming resumes. The
        service keeps serving meanwhile (its figures fill up again); :meth:`consumer_progress` tells how far."""
        while self._js is None:  # the broker connection is made in the background
            await asyncio.sleep(0.1)
        await self._stop_workers()
        try:
            names = [durable for consumer in self._event_consumers for durable in consumer.durables]
            async with self.db.transaction() as session:
                await reset(session)
                await session.execute(
                    processed_events_table.delete().where(processed_events_table.c.consumer.in_(names))
                )
            await self._move_consumers(None)
        finally:
            self._start_sealer()
            self._start_messaging_workers(self._js)

    async def consumer_progress(self) -> list[tuple[str, int, int]]:
        """Per durable consumer: (name, events applied, events still to apply) as the broker tells it now."""
        out: list[tuple[str, int, int]] = []
        if self._js is None:
            return out
        for consumer in self._event_consumers:
            for durable in consumer.durables:
                info = await asyncio.wait_for(self._js.consumer_info(consumer.stream, durable), 5)
                remaining = int(info.num_pending or 0) + int(info.num_ack_pending or 0)
                out.append((durable, int(info.ack_floor.consumer_seq or 0), remaining))
        return out

    async def stop(self) -> None:
        if self.grpc is not None:
            await self.grpc.stop(self.settings.shutdown_grace_seconds)
        await _cancel([*self._tasks, *self._workers])
        if self.nats is not None and self.nats.is_connected:
            # Acks already sent are flushed; draining the pull subscriptions would wait for their fetches.
            with contextlib.suppress(Exception):
                await self.nats.flush(timeout=1)
            with contextlib.suppress(Exception):  # bounded as the rest: a stop must end
                await asyncio.wait_for(self.nats.close(), timeout=STOP_TASKS_SECONDS)
        try:
            await asyncio.wait_for(self.db.dispose(), timeout=STOP_TASKS_SECONDS)
        except TimeoutError:
            log.warning("database connections did not close in time")
        telemetry.shutdown()

    async def serve_until_signalled(self) -> None:
        async def started() -> None:
            await self.start()
            port = self.grpc.port if self.grpc is not None else None
            log.info("service started", extra={"settings": self.settings.redacted(), "grpc_port": port})

        await serve_until_signalled(started, self.stop)


def _withdrawn(position: backup.Position, manifest: backup.Manifest, clock: Clock) -> bool:
    """Whether the events missing from the head of a consumer's stream can only be ones its producer withdrew.

    A consumer caught up at the copy needed nothing from before it; the events after it are either still held (a
    stream keeps 30 days) or were withdrawn by their producer's own restore to the same moment (restoring every
    service: the producer's events after the copy are deleted, moving the stream's head past the consumer's
    floor). Only a copy older than the retention could have lost events by age."""
    return position.caught_up and clock.now() - manifest.create_time < events.STREAM_MAX_AGE


async def _cancel(tasks: list[asyncio.Task]) -> None:
    """Cancel tasks and wait for them, bounded: a task that does not end when cancelled (e.g. stuck in a driver
    call) must not keep the process from stopping; it is named in the log instead."""
    for task in tasks:
        task.cancel()
    if tasks:
        _, pending = await asyncio.wait(tasks, timeout=STOP_TASKS_SECONDS)
        for task in pending:
            log.warning("task did not stop when cancelled", extra={"task": task.get_name()})


async def serve_until_signalled(
    start: Callable[[], Awaitable[None]], stop: Callable[[], Awaitable[None]]
) -> None:
    """Run a server until SIGTERM or SIGINT, then stop it once (a second signal while stopping changes nothing):
    the one way KAM's processes — every service and the gateway — serve. Once started, what the start-up left is
    frozen out of the garbage collector's passes (:func:`kam_kit.heap.freeze_start_up`)."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    watch = asyncio.create_task(_watch_supervisor(stopping), name="watch-supervisor")
    try:
        await start()
        heap.freeze_start_up()
        await stopping.wait()
    finally:
        log.info("shutting down")
        watch.cancel()
        await stop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


#: Set by a local supervisor (``make run``'s deploy/local/run.py) to its pid: the process stops by itself, as on
#: SIGTERM, once that parent is gone (killed with SIGKILL, say) instead of running on as an orphan holding its port.
SUPERVISOR_PID_ENV = "KAM_SUPERVISOR_PID"


async def _watch_supervisor(stopping: asyncio.Event, every: float = 1.0) -> None:
    """With ``KAM_SUPERVISOR_PID`` naming this process's parent, set ``stopping`` when the parent goes away (the
    process is re-parented). Not set, or not our parent (a process the service started in turn): nothing."""
    try:
        parent = int(os.environ.get(SUPERVISOR_PID_ENV, "0"))
    except ValueError:
        return
    if parent <= 1 or os.getppid() != parent:
        return
    while os.getppid() == parent:
        await asyncio.sleep(every)
    log.warning("supervisor gone; stopping", extra={"supervisor_pid": parent})
    stopping.set()


def _swap(found: tuple[Callable, str], servicer: object) -> tuple[Callable, object, str]:
    register, name = found
    return register, servicer, name


def _report_failure(task: asyncio.Task) -> None:
    """A background job that ended with an error says so in the log (else nobody would hear of it)."""
    if not task.cancelled() and task.exception() is not None:
        log.error("background job failed", extra={"job": task.get_name()}, exc_info=task.exception())


#: How long stopping waits for cancelled background tasks and for the database pool to close.
STOP_TASKS_SECONDS = 5.0


async def _retry(action: Callable, *, what: str) -> None:
    delay = 0.2
    while True:
        try:
            await action()
            return
        except Exception as exc:  # noqa: BLE001
            log.warning("%s failed; retrying", what, extra={"error": repr(exc)})
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


@dataclass(frozen=True)
class Command:
    """An extra ``kam-<service>`` subcommand (e.g. ``kam-customer scan``)."""

    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def audit_verify_command(service: str) -> Command:
    """``kam-<service> audit-verify``: walk the service's audit chain; exit 0 when intact, 1 at the first broken
    link (printed), 2 on bad settings. Reads ``KAM_<SVC>_DATABASE_URL`` like ``serve``."""

    def run(args: argparse.Namespace) -> int:
        try:
            settings = ServiceSettings.from_env(service)
        except SettingsError as exc:
            print(f"kam-{service}: {exc}", file=sys.stderr)
            return 2
        return asyncio.run(_audit_verify(settings.database_url, service))

    return Command(
        help="verify the audit trail's hash chain (exit 1 at the first broken link)",
        add_arguments=lambda parser: None,
        run=run,
    )


async def _audit_verify(url: str, service: str) -> int:
    db = Database(url)
    try:
        broken = await audit.verify_chain(db, service=service)
        sealed, unsealed = await audit.chain_length(db, service=service)
    finally:
        await db.dispose()
    if broken is not None:
        print(
            f"kam-{service}: audit chain BROKEN at sequence {broken.sequence} (record {broken.record_id}): "
            f"{broken.reason}"
        )
        return 1
    print(f"kam-{service}: audit chain intact: {sealed} records sealed, {unsealed} waiting to be sealed")
    return 0


def cli_main(
    service: str,
    build: Callable[[ServiceSettings], ServiceApp],
    argv: Iterable[str] | None = None,
    commands: Mapping[str, Command] | None = None,
) -> int:
    """The ``kam-<service>`` command: ``serve`` (default), ``migrate`` and any service-specific ``commands``."""
    commands = {"audit-verify": audit_verify_command(service), **(commands or {})}
    parser = argparse.ArgumentParser(prog=f"kam-{service}", description=f"KAM {service} service")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="apply migrations and serve gRPC (default)")
    sub.add_parser("migrate", help="apply database migrations and exit")
    for name, command in commands.items():
        command.add_arguments(sub.add_parser(name, help=command.help))
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.command in commands:
        return commands[args.command].run(args)
    telemetry.configure(service)
    try:
        settings = ServiceSettings.from_env(service)
    except SettingsError as exc:
        print(f"kam-{service}: {exc}", file=sys.stderr)
        return 2
    app = build(settings)
    if args.command == "migrate":
        asyncio.run(app.migrate())
        log.info("migrations applied")
        return 0
    asyncio.run(app.serve_until_signalled())
    return 0
