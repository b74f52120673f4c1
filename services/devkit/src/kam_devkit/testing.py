"""KAM's pytest plugin: real NATS, real databases and real KAM processes for tests.

It is loaded through the ``pytest11`` entry point named ``kam_devkit`` of the dev-only kam-devkit distribution,
which makes it available to every test directory (``tests/``, ``services/<svc>/tests``, ``gateway/tests``)
without any conftest line. kam-devkit is in the root project's ``dev`` group only: no service's runtime image
has it.

Fixtures
--------
``free_port``       a function returning a distinct free TCP port on 127.0.0.1 at each call
``token_secret``    a random HMAC secret (≥32 chars) for the session
``nats_server``     a session-wide JetStream ``nats-server`` (``.url``, ``.stop()``, ``.start()``)
``nats_url``        its URL (the server is started again first if a test stopped it)
``database_url``    parametrized ``sqlite`` / ``postgres``: a fresh, empty database URL per test.
                    PostgreSQL comes from ``KAM_TEST_POSTGRES_URL`` (default
                    ``postgresql+asyncpg://postgres@127.0.0.1:5432/postgres``); a uniquely named database is
                    created and dropped afterwards. Unreachable → skipped, or failed when ``CI=true``.
``kam_processes``   a factory for end-to-end tests: ``kam = kam_processes("customer", "alert", "gateway")``
                    starts NATS and those services (migrated, on free ports, SQLite files in a tmp dir) and
                    returns a :class:`KamProcesses`. Their logs are attached to the report of a failing test.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import secrets
import signal
import threading
import time
import uuid
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Collection,
    Coroutine,
    Iterable,
    Iterator,
    Mapping,
)
from pathlib import Path
from typing import Any

import pytest
from kam_kit import grpcclient, registry

from kam_devkit import procs

SERVICES: tuple[str, ...] = registry.names({})
"""The backend services in start order, from :mod:`kam_kit.registry`. The gateway is started after them."""
GATEWAY = registry.GATEWAY.name
#: The demo users' password in demo mode (``KAM_DEMO_PASSWORD`` overrides it, as it does for the processes)
DEMO_PASSWORD = os.environ.get("KAM_DEMO_PASSWORD", "kam-demo-2026")
DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"

_PROCESS_GROUPS = pytest.StashKey[list["KamProcesses"]]()


# ------------------------------------------------------------------------------------------- basic fixtures


@pytest.fixture(scope="session")
def free_port() -> Callable[[], int]:
    """Call it to get a free TCP port; ports are never handed out twice in a session."""
    return procs.free_port


@pytest.fixture(scope="session")
def token_secret() -> str:
    """A random HMAC secret shared by the gateway and services in this session."""
    return secrets.token_urlsafe(32)  # 43 characters


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[procs.NatsServer]:
    """A JetStream ``nats-server`` for the whole session (log: ``<tmp>/nats-logs/nats.log``)."""
    root = tmp_path_factory.mktemp("nats")
    supervisor = procs.Supervisor(sink=procs.LogFileSink(root / "logs"))
    server = procs.NatsServer(root / "store", supervisor=supervisor)
    server.start()
    yield server
    supervisor.stop_all()


@pytest.fixture
def nats_url(nats_server: procs.NatsServer) -> str:
    """The session NATS server's URL; started again first if an earlier test left it stopped."""
    nats_server.start()
    return nats_server.url


# ---------------------------------------------------------------------------------------------- databases


def _run_async(factory: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Run a coroutine to completion in a private thread and loop (never touches the test's event loop)."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(factory())
        except BaseException as exc:  # noqa: BLE001 (re-raised in the caller's thread)
            result["error"] = exc

    thread = threading.Thread(target=target, name="kam-testing-db")
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


async def _postgres_execute(url: str, *statements: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url, isolation_level="AUTOCOMMIT", connect_args={"timeout": 5})
    try:
        async with engine.connect() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@pytest.fixture(scope="session")
def _postgres_admin_url() -> tuple[str, str | None]:
    """``(admin URL, None)`` if PostgreSQL answers, else ``(admin URL, reason)``. Checked once a session."""
    url = os.environ.get("KAM_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    try:
        _run_async(lambda: _postgres_execute(url, "SELECT 1"))
    except Exception as exc:  # noqa: BLE001 (any failure means "not reachable"; the reason is shown)
        return url, f"PostgreSQL not reachable at {_redacted(url)}: {type(exc).__name__}: {exc}"
    return url, None


def _fresh_postgres_database(request: pytest.FixtureRequest) -> Iterator[str]:
    admin_url, problem = request.getfixturevalue("_postgres_admin_url")
    if problem is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{problem} (CI=true: PostgreSQL is required)", pytrace=False)
        pytest.skip(problem)
    from sqlalchemy.engine import make_url

    name = f"kam_test_{uuid.uuid4().hex[:16]}"
    _run_async(lambda: _postgres_execute(admin_url, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        _run_async(lambda: _postgres_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of a fresh, empty database: a new SQLite file, or a new PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    else:
        yield from _fresh_postgres_database(request)


@pytest.fixture(params=[pytest.param("postgres", id="postgres", marks=pytest.mark.postgres)])
def postgres_database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty PostgreSQL database's URL (dropped afterwards), for behaviour only PostgreSQL has."""
    yield from _fresh_postgres_database(request)


@contextlib.asynccontextmanager
async def migrated_database(url: str, versions_dir: Path, metadata: Any = None) -> AsyncIterator[Any]:
    """A :class:`kam_kit.db.Database` on ``url`` with a service's migrations applied (disposed afterwards)."""
    from kam_kit import migrations
    from kam_kit.db import Database

    await migrations.upgrade_async(url, versions_dir, metadata)
    database = Database(url)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def service_databases(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """Databases for a whole set of KAM processes (pass to ``kam_processes(..., database_urls=...)``).

    ``sqlite``: an empty mapping (each process gets its SQLite file in the group's tmp dir); ``postgres``: one
    fresh PostgreSQL database per service and the gateway, dropped afterwards.
    """
    if request.param == "sqlite":
        yield {}
        return
    with contextlib.ExitStack() as stack:
        urls = {}
        for name in (GATEWAY, *SERVICES):
            generator = _fresh_postgres_database(request)
            urls[name] = next(generator)
            stack.callback(functools.partial(next, generator, None))
        yield urls


# --------------------------------------------------------------------------------------------- processes


class KamProcesses:
    """NATS plus some KAM services running as real processes, for end-to-end tests.

    Every process gets the same environment: ``KAM_NATS_URL``, ``KAM_TOKEN_SECRET``, and for every service
    (started or not) ``KAM_<SVC>_GRPC_PORT``, ``KAM_<SVC>_ADDR``, ``KAM_<SVC>_DATABASE_URL`` and ``_BACKUP_DIR``, plus
    ``KAM_GATEWAY_PORT``. Services that are not started get ports nobody listens on, so nothing reaches a
    developer's ``make run`` by accident. Working directory and SQLite files live under ``root``.

    ``replicas`` runs more than one process of a service (``{"customer": 2}``): each on a port of its own, named
    ``customer``, ``customer-2`` …, sharing its database; ``KAM_<SVC>_ADDR`` lists them all, so the gateway's channel
    spreads its calls over them (:mod:`kam_kit.grpcclient`).

    The methods block; in an async test call them through ``await asyncio.to_thread(kam.restart, "alert")``.
    """

    def __init__(
        self,
        root: Path,
        token_secret: str,
        extra_env: Mapping[str, str] | None = None,
        database_urls: Mapping[str, str] | None = None,
        replicas: Mapping[str, int] | None = None,
    ) -> None:
        self.root = root
        self.logs = root / "logs"
        self.supervisor = procs.Supervisor(sink=procs.LogFileSink(self.logs))
        self.nats = procs.NatsServer(root / "nats", supervisor=self.supervisor)
        #: the backend services this group knows, in start order (the registry's, plus ``KAM_EXTRA_SERVICES``
        #: from the environment or ``extra_env``)
        known = {**os.environ, **(extra_env or {})}
        self.services = registry.names(known)
        self.ports = {svc: procs.free_port() for svc in (GATEWAY, *self.services)}
        #: the ports of a service's further replicas (``replicas``), after its own
        self.replica_ports = {
            svc: [procs.free_port() for _ in range(n - 1)] for svc, n in (replicas or {}).items()
        }
        self.http_port = procs.free_port()
        (root / "var").mkdir(parents=True, exist_ok=True)
        databases = {svc: f"sqlite+aiosqlite:///{root / 'var' / f'{svc}.db'}" for svc in self.ports}
        databases.update(database_urls or {})
        self.env: dict[str, str] = {
            "KAM_NATS_URL": self.nats.url,
            "KAM_TOKEN_SECRET": token_secret,
            "KAM_GATEWAY_PORT": str(self.http_port),
            "KAM_DEMO_MODE": "1",
        }
        for svc, port in self.ports.items():
            entry = registry.get(svc, known)
            self.env[entry.env("GRPC_PORT")] = str(port)
            self.env[entry.env("ADDR")] = ",".join(
                f"127.0.0.1:{p}" for p in (port, *self.replica_ports.get(svc, ()))
            )
            self.env[entry.env("DATABASE_URL")] = databases[svc]
            self.env[entry.env("BACKUP_DIR")] = str(root / "var" / "backups" / svc)
        self.env.update(extra_env or {})
        self.started: list[str] = []

    # --- addresses ----------------------------------------------------------------------------------
    @property
    def nats_url(self) -> str:
        return self.nats.url

    @property
    def gateway_url(self) -> str:
        """Base URL of the gateway's HTTP API, e.g. ``http://127.0.0.1:41234``."""
        return f"http://127.0.0.1:{self.http_port}"

    def grpc_addr(self, name: str) -> str:
        """``host:port`` of a service's gRPC server (``gateway`` for the gateway's own identity API)."""
        return f"127.0.0.1:{self.ports[name]}"

    def grpc_target(self, name: str) -> str:
        """The gRPC target reaching every replica of a service (open it with ``kam_kit.grpcclient``'s options)."""
        return grpcclient.target(self.env[registry.get(name, self.env).env("ADDR")])

    def database_url(self, name: str) -> str:
        return self.env[registry.get(name, self.env).env("DATABASE_URL")]

    # --- lifecycle ----------------------------------------------------------------------------------
    def spec(self, name: str, replica: int = 1) -> procs.ProcessSpec:
        """The process of a service; ``replica`` 2, 3 … one of its further replicas (``replicas``)."""
        env = self.env
        port = self.ports[name] if replica == 1 else self.replica_ports[name][replica - 2]
        if replica > 1:
            env = {**env, registry.get(name, env).env("GRPC_PORT"): str(port)}
        probe: procs.Probe = procs.GrpcHealthProbe(f"127.0.0.1:{port}")
        if name == GATEWAY:
            probe = procs.AllOf((probe, procs.HttpProbe(f"{self.gateway_url}/healthz")))
        return procs.ProcessSpec(
            name if replica == 1 else f"{name}-{replica}",
            [str(procs.console_script(registry.get(name, self.env).script)), "serve"],
            env=env,
            cwd=self.root,
            ready=probe,
            ready_timeout=60,
            stop_timeout=10,
        )

    def migrate(self, names: list[str]) -> None:
        """Run ``kam-<svc> migrate`` for each service, in parallel; output goes to ``<name>-migrate.log``."""
        specs = [
            procs.ProcessSpec(
                f"{n}-migrate", [str(procs.console_script(f"kam-{n}")), "migrate"], self.env, self.root
            )
            for n in names
        ]
        codes = self.supervisor.run_all(specs, timeout=120)
        failures = [
            f"kam-{name.removesuffix('-migrate')} migrate exited with {code}:\n"
            + "\n".join(self.supervisor.tail(name, 40))
            for name, code in codes.items()
            if code != 0
        ]
        if failures:
            raise RuntimeError("\n".join(failures))

    def start(self, *names: str) -> None:
        """Start NATS (if not running) and the named services, migrated first. Blocks until all are ready
        (and, when every backend runs, until the gateway's ``/readyz`` answers 200)."""
        unknown = set(names) - {GATEWAY, *self.services}
        if unknown:
            raise ValueError(f"unknown KAM services: {sorted(unknown)}")
        self.nats.start()
        ordered = [n for n in (*self.services, GATEWAY) if n in names]
        self.migrate(ordered)
        # all at once: the gateway's own health does not wait for backends, and start-up is CPU-bound imports
        self.supervisor.start_many(
            self.spec(n, replica)
            for n in ordered
            for replica in range(1, 2 + len(self.replica_ports.get(n, ())))
        )
        if GATEWAY in names and set(self.services) <= set(names):
            self._wait_http(f"{self.gateway_url}/readyz")
        self.started.extend(ordered)

    def _wait_http(self, url: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        probe = procs.HttpProbe(url)
        while not probe():
            if time.monotonic() > deadline:
                raise procs.ReadinessTimeoutError(f"{url} did not answer 200 within {timeout:.0f} s")
            time.sleep(0.1)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Kill a service (default SIGKILL: a crash, no graceful shutdown)."""
        self.supervisor.kill(name, sig)

    def stop(self, name: str) -> None:
        """Stop a service gracefully (SIGTERM)."""
        self.supervisor.stop(name)

    def restart(self, name: str) -> None:
        """Start a killed/stopped service again on the same port and database, and wait until SERVING."""
        self.supervisor.restart(name)

    def stop_nats(self) -> None:
        self.nats.stop()

    def start_nats(self) -> None:
        """Start NATS again on the same port and JetStream store."""
        self.nats.start()

    def log_text(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def close(self) -> None:
        self.supervisor.stop_all()

    def report(self, lines: int = 60) -> str:
        """The tail of every process's log, for a failing test's report."""
        parts = [f"logs in {self.logs}"]
        for name in self.supervisor.names:
            state = (
                "running"
                if self.supervisor.is_running(name)
                else f"exited {self.supervisor.returncode(name)}"
            )
            parts.append(f"--- {name} ({state}) ---")
            parts.extend(self.supervisor.tail(name, lines))
        return "\n".join(parts)


@pytest.fixture
def kam_processes(
    request: pytest.FixtureRequest, tmp_path: Path, token_secret: str
) -> Iterator[Callable[..., KamProcesses]]:
    """Factory: ``kam_processes("customer", "gateway", env={...}, database_urls={...})`` → running processes.

    Everything it started is stopped at teardown; a failing test's report shows each process's last lines.
    """
    groups: list[KamProcesses] = []
    request.node.stash.setdefault(_PROCESS_GROUPS, groups)

    def start(
        *names: str, env: Mapping[str, str] | None = None, database_urls: Mapping[str, str] | None = None
    ) -> KamProcesses:
        kam = KamProcesses(tmp_path / f"kam{len(groups)}", token_secret, env, database_urls)
        groups.append(kam)
        kam.start(*names)
        return kam

    yield start
    for kam in reversed(groups):
        kam.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome: Any = yield
    report: pytest.TestReport = outcome.get_result()
    if report.failed and report.when in ("setup", "call"):
        groups: list[KamProcesses] = item.stash.get(_PROCESS_GROUPS, [])
        for index, kam in enumerate(groups):
            report.sections.append((f"KAM processes #{index}", kam.report()))


#: what a method answers a caller holding its permission: its own answer, never the permission check's
ANSWERS_OF_THE_METHOD = frozenset({"OK", "NOT_FOUND", "INVALID_ARGUMENT", "FAILED_PRECONDITION"})


async def check_every_method(
    methods: Iterable[Any],
    requests: Mapping[str, Any],
    call: Callable[[str, Any], Awaitable[Any]],
    role: str,
    *,
    not_yet: Collection[str] = (),
) -> None:
    """The per-role permission test generated from the protos: each of ``methods`` (descriptors) is called with its
    request from ``requests`` through ``call(method_name, request)`` as someone holding ``role`` alone. Without the
    method's declared permission the answer must be ``PERMISSION_DENIED`` (refused before anything happens); with
    it, the method's own answer (data, ``NOT_FOUND``, a field violation, a refusal by its rules); a method in
    ``not_yet`` answers ``UNIMPLEMENTED``. Every method must have a request (a new method needs one)."""
    import grpc
    from kam_kit import authz, permissions

    methods = list(methods)
    assert {m.name for m in methods} == set(requests), "a new method needs a request here"
    granted = permissions.role_permissions((role,))
    for method in methods:
        rule = authz.declared_rule(method)
        assert rule is not None and rule.permission, method.full_name
        try:
            await call(method.name, requests[method.name])
            code = grpc.StatusCode.OK
        except grpc.aio.AioRpcError as error:
            code = error.code()
        if rule.permission not in granted:
            assert code == grpc.StatusCode.PERMISSION_DENIED, (role, method.name, code)
        elif method.name in not_yet:
            assert code == grpc.StatusCode.UNIMPLEMENTED, (role, method.name, code)
        else:
            assert code.name in ANSWERS_OF_THE_METHOD, (role, method.name, code)
