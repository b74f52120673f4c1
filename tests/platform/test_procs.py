"""The process supervisor against a stand-in gRPC server: readiness, kill, restart, crash restart, logs."""

from __future__ import annotations

import signal
import socket
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from kam_devkit.procs import (
    GrpcHealthProbe,
    LogFileSink,
    ProcessExitedError,
    ProcessSpec,
    ReadinessTimeoutError,
    Supervisor,
    TerminalSink,
    free_port,
)

STANDIN = Path(__file__).with_name("standin_server.py")


def standin(name: str, port: int, *extra: str, **kwargs: object) -> ProcessSpec:
    return ProcessSpec(
        name,
        [sys.executable, str(STANDIN), "--port", str(port), *extra],
        ready=GrpcHealthProbe(f"127.0.0.1:{port}"),
        ready_timeout=20,
        stop_timeout=5,
        **kwargs,  # type: ignore[arg-type]
    )


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


@pytest.fixture
def supervisor(tmp_path: Path) -> Iterator[Supervisor]:
    with Supervisor(sink=LogFileSink(tmp_path / "logs")) as sup:
        yield sup


def test_free_port_gives_distinct_bindable_ports() -> None:
    ports = [free_port() for _ in range(20)]
    assert len(set(ports)) == 20
    for port in ports[:5]:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_start_waits_for_serving_then_kill_and_restart(supervisor: Supervisor, tmp_path: Path) -> None:
    port = free_port()
    probe = GrpcHealthProbe(f"127.0.0.1:{port}")
    supervisor.start(standin("svc", port, "--warmup", "0.7"))
    # start() returned only after the stand-in left NOT_SERVING
    assert probe.status() == "SERVING"
    first_pid = supervisor.pid("svc")

    supervisor.kill("svc")
    assert not supervisor.is_running("svc")
    assert supervisor.returncode("svc") == -signal.SIGKILL
    assert probe.status() == "UNAVAILABLE"

    supervisor.restart("svc")
    assert probe.status() == "SERVING"
    assert supervisor.pid("svc") != first_pid
    assert supervisor.starts("svc") == 2

    log = (tmp_path / "logs" / "svc.log").read_text()
    assert log.count("SERVING") == 2  # both runs' output kept in the one log file


def test_stop_all_terminates_gracefully(supervisor: Supervisor) -> None:
    ports = [free_port(), free_port()]
    supervisor.start_many([standin("a", ports[0]), standin("b", ports[1])])
    supervisor.stop_all()
    assert supervisor.returncode("a") == 0 and supervisor.returncode("b") == 0
    assert "stopping" in supervisor.tail("a")


def test_stop_all_stops_infrastructure_last(supervisor: Supervisor) -> None:
    port = free_port()
    supervisor.start(standin("infra", port, stop_last=True))
    app = (
        "import signal, socket, sys, time\n"
        "def term(*_):\n"
        "    time.sleep(0.3)\n"
        "    try:\n"
        f"        socket.create_connection(('127.0.0.1', {port}), timeout=1).close(); print('infra up', flush=True)\n"
        "    except OSError:\n"
        "        print('infra down', flush=True)\n"
        "    sys.exit(0)\n"
        "signal.signal(signal.SIGTERM, term)\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    supervisor.start(ProcessSpec("app", [sys.executable, "-c", app]), wait=False)
    wait_for(lambda: "ready" in supervisor.tail("app"))
    supervisor.stop_all()
    # the output pump is given 2 s after the exit; on a loaded machine (CI) the last line may come after that
    wait_for(lambda: supervisor.tail("app")[-1] != "ready")
    assert supervisor.tail("app")[-1] == "infra up"  # the app finished its shutdown with NATS still there
    assert supervisor.returncode("infra") == 0


def test_stop_all_kills_a_process_that_ignores_sigterm(supervisor: Supervisor) -> None:
    code = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('up', flush=True); time.sleep(60)"
    supervisor.start(ProcessSpec("stubborn", [sys.executable, "-c", code], stop_timeout=0.5), wait=False)
    wait_for(lambda: "up" in supervisor.tail("stubborn"))
    started = time.monotonic()
    supervisor.stop_all()
    assert supervisor.returncode("stubborn") == -signal.SIGKILL
    assert time.monotonic() - started < 5


def test_exit_before_ready_is_reported_with_output(supervisor: Supervisor) -> None:
    code = "print('bad config: KAM_TOKEN_SECRET missing'); raise SystemExit(2)"
    spec = ProcessSpec(
        "broken", [sys.executable, "-c", code], ready=GrpcHealthProbe(f"127.0.0.1:{free_port()}")
    )
    with pytest.raises(ProcessExitedError, match="KAM_TOKEN_SECRET missing"):
        supervisor.start(spec)


def test_readiness_timeout(supervisor: Supervisor) -> None:
    port = free_port()
    spec = standin("slow", port, "--warmup", "30")
    spec.ready_timeout = 1
    with pytest.raises(ReadinessTimeoutError, match="not ready"):
        supervisor.start(spec)


def test_crashed_process_restarts_with_backoff_only_when_asked(tmp_path: Path) -> None:
    events: list[str] = []
    with Supervisor(sink=LogFileSink(tmp_path), backoff_initial=0.2, on_event=events.append) as sup:
        port, other = free_port(), free_port()
        sup.start(standin("phoenix", port, "--crash-after", "0.3", autorestart=True))
        sup.start(standin("mortal", other, "--crash-after", "0.3"))
        wait_for(lambda: sup.starts("phoenix") >= 3, timeout=15)
        sup.wait_ready("phoenix")
        assert sup.returncode("mortal") == 3 and sup.starts("mortal") == 1
        assert any("phoenix exited with code 3; restarting in" in e for e in events)

        # an explicit kill counts as a crash too; stop() does not bring it back
        sup.kill("phoenix")
        wait_for(lambda: sup.is_running("phoenix"))
        sup.stop("phoenix")
        before = sup.starts("phoenix")
        time.sleep(0.8)
        assert not sup.is_running("phoenix") and sup.starts("phoenix") == before


def test_terminal_sink_prefixes_and_colours() -> None:
    import io

    stream = io.StringIO()
    TerminalSink(stream, colour=True).open("customer")("hello")
    TerminalSink(stream, colour=False).open("alert")("world")
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("\x1b[") and "[customer]" in lines[0] and lines[0].endswith(" hello")
    assert lines[1].startswith("[alert]") and lines[1].endswith(" world")
