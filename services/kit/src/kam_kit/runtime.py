"""Running a KAM service process: migrations, gRPC, outbox relay, consumers, signals, shutdown.

A service describes itself as a :class:`ServiceApp` (its settings, database, servicers, consumers) and hands it
to :func:`cli_main`, which gives it the ``serve`` and ``migrate`` commands. ``serve``:

1. configures telemetry and JSON logs, logs the (redacted) settings;
2. applies migrations;
3. starts the gRPC server (health SERVING);
4. connects to NATS in the background (retrying; the outbox keeps events safe meanwhile), ensures the service's
   stream, and runs the outbox relay and the event consumers; follows the identity service's revoked sessions
   and service tokens (:mod:`kam_kit.revocation`), which every call's token is checked against;
5. on SIGTERM/SIGINT: health NOT_SERVING, in-flight calls get the grace period, background work stops, the
   NATS connection drains, telemetry flushes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from sqlalchemy import MetaData

from kam_kit import audit, events, migrations, registry, status, telemetry
from kam_kit.clock import SYSTEM_CLOCK, Clock
from kam_kit.consumer import EventConsumer, Subscription
from kam_kit.db import Database
from kam_kit.grpcserver import GrpcServer
from kam_kit.outbox import OutboxRelay
from kam_kit.revocation import Revocations
from kam_kit.settings import ServiceSettings, SettingsError

log = logging.getLogger(__name__)

ConsumerFactory = Callable[[JetStreamContext], EventConsumer]


def consumer(
    db: Database,
    *,
    name: str,
    producer: str,
    handlers: Mapping[type, Callable],
    settings: ServiceSettings,
    clock: Clock = SYSTEM_CLOCK,
) -> ConsumerFactory:
    """A factory for :attr:`ServiceApp.consumers`: applies ``producer``'s events with ``handlers``
    (message class → handler) as the durable consumer ``name``, once the NATS connection exists."""

    def build(js: JetStreamContext) -> EventConsumer:
        return EventConsumer(
            db,
            js,
            name=name,
            producer=producer,
            clock=clock,
            max_deliver=settings.consumer_max_deliver,
            subscriptions=[Subscription(message, handler, producer) for message, handler in handlers.items()],
        )

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

    #: Seal the audit trail (kam_kit.audit) in this process; every replica may, one at a time.
    seals_audit: bool = True

    grpc: GrpcServer | None = None
    nats: NATS | None = None
    relay: OutboxRelay | None = None
    sealer: audit.AuditSealer | None = None
    #: Revoked sessions and service tokens (kam_kit.revocation), followed from the identity stream.
    revocations: Revocations = field(init=False)
    _tasks: list[asyncio.Task] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.revocations = Revocations(self.clock)
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

    def consume(self, producer: str, handlers: Mapping[type, Callable], *, name: str = "") -> None:
        """Apply ``producer``'s events with ``handlers`` (message class → ``async handler(session, event, meta)``)
        through the durable, idempotent consumer ``name`` (default ``<service>-<producer>``)."""
        self.consumers.append(
            consumer(
                self.db,
                name=name or f"{self.service}-{producer}",
                producer=producer,
                handlers=handlers,
                settings=self.settings,
                clock=self.clock,
            )
        )

    async def migrate(self) -> None:
        await migrations.upgrade_async(self.settings.database_url, self.versions_dir, self.metadata)

    async def start(self) -> None:
        await self.migrate()
        self.grpc = GrpcServer(
            self.service,
            self.settings.grpc_port,
            token_secret=self.settings.token_secret.reveal(),
            clock=self.clock,
            public_methods=self.public_methods,
            host=self.settings.grpc_host,
            revocations=self.revocations,
        )
        for servicer in self.servicers:
            if isinstance(servicer, tuple):  # (register, servicer, name): the older explicit form
                self.grpc.add(*servicer)
            else:
                self.grpc.add(*_swap(registration(servicer), servicer))
        status_servicer = status.StatusServicer(
            self.db, service=self.service, started=self.clock.now(), details=self.status_details
        )
        self.grpc.add(*_swap(registration(status_servicer), status_servicer))
        await self.grpc.start()
        if self.seals_audit:
            self.sealer = audit.AuditSealer(self.db, service=self.service, clock=self.clock)
            self._tasks.append(asyncio.create_task(self.sealer.run(), name=f"{self.service}-audit-sealer"))
        # every service connects (it follows the identity service's revocations even when it has no events),
        # unless it is given no broker at all (an embedded or test instance: events wait in the outbox)
        if self.settings.nats_url:
            self._tasks.append(asyncio.create_task(self._messaging(), name=f"{self.service}-messaging"))
        for job in self.background:
            self._tasks.append(
                asyncio.create_task(job(), name=f"{self.service}-{getattr(job, '__name__', 'job')}")
            )

    async def _messaging(self) -> None:
        self.nats = await events.connect(self.settings.nats_url, name=f"kam-{self.service}")
        js = self.nats.jetstream()
        self._tasks.append(
            asyncio.create_task(self.revocations.follow(js), name=f"{self.service}-revocations")
        )
        if self.produces_events:
            await _retry(lambda: events.ensure_stream(js, self.service), what="ensure stream")
            self.relay = OutboxRelay(
                self.db,
                js,
                service=self.service,
                batch_size=self.settings.outbox_batch_size,
                poll_interval=self.settings.outbox_poll_seconds,
                clock=self.clock,
            )
            self._tasks.append(asyncio.create_task(self.relay.run(), name=f"{self.service}-outbox"))
        for factory in self.consumers:
            consumer = factory(js)
            self._tasks.append(asyncio.create_task(consumer.run(), name=f"{consumer.name}-consumer"))

    async def stop(self) -> None:
        if self.grpc is not None:
            await self.grpc.stop(self.settings.shutdown_grace_seconds)
        for task in self._tasks:
            task.cancel()
        # Bounded: a task that does not end when cancelled (e.g. stuck in a driver call) must not keep the
        # process from stopping; it is named in the log instead.
        tasks = list(self._tasks)
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=STOP_TASKS_SECONDS)
            for task in pending:
                log.warning("task did not stop when cancelled", extra={"task": task.get_name()})
        if self.nats is not None and self.nats.is_connected:
            # Acks already sent are flushed; draining the pull subscriptions would wait for their fetches.
            with contextlib.suppress(Exception):
                await self.nats.flush(timeout=1)
            with contextlib.suppress(Exception):
                await self.nats.close()
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


async def serve_until_signalled(
    start: Callable[[], Awaitable[None]], stop: Callable[[], Awaitable[None]]
) -> None:
    """Run a server until SIGTERM or SIGINT, then stop it once (a second signal while stopping changes nothing):
    the one way KAM's processes — every service and the gateway — serve."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    try:
        await start()
        await stopping.wait()
    finally:
        log.info("shutting down")
        await stop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


def _swap(found: tuple[Callable, str], servicer: object) -> tuple[Callable, object, str]:
    register, name = found
    return register, servicer, name


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
