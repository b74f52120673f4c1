"""``make run`` (deploy/local/run.py) stops cleanly under any signal, and nothing of a run outlives it.

Each test starts run.py itself — a tiny demo bank (``KAM_DEMO_SIZE=tiny``), runtime data in a temporary
``KAM_VAR_DIR`` shared by the module (generated and migrated once), every port free — and sends signals the way a
terminal, ``make`` and ``uv`` do: several in quick succession, to run.py and to its process group, during start-up,
while serving and while it is already stopping. Afterwards run.py has exited 0, no process carrying the run's mark
(``KAM_RUN_ID``, deploy/local/runguard.py) is left and every port is free again. Killed with SIGKILL, run.py's
guardian stops what it left; with the guardian killed too, each service notices its parent is gone
(``KAM_SUPERVISOR_PID``, kam_kit.runtime) and stops by itself.
"""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from kam_devkit.procs import free_port
from kam_kit import registry

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "deploy" / "local" / "run.py"
_spec = importlib.util.spec_from_file_location("kam_runguard", RUN.parent / "runguard.py")
assert _spec is not None and _spec.loader is not None
runguard = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(runguard)

BANNER = "KAM is running"
STOPPED = "all processes stopped"


@dataclass
class Run:
    """One run.py started by a test: its process, log, mark and ports."""

    popen: subprocess.Popen[bytes]
    log: Path
    run_id: str
    ports: dict[str, int]
    sent: list[str] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, text: str, timeout: float = 150, *, after_exit: bool = False) -> None:
        """Until ``text`` is in the output; ``after_exit``: also after run.py has exited (what another process of
        the run, the guardian, writes)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(text, self.output()):
                return
            if self.popen.poll() is not None and not after_exit:
                break
            time.sleep(0.05)
        raise AssertionError(
            f"{text!r} not seen (exit {self.popen.poll()}); output:\n{self.output()[-4000:]}"
        )

    def send(self, *signals: signal.Signals, group: bool = False, gap: float = 0.0) -> None:
        """Send ``signals`` one after the other to run.py (or to its process group: its own copy, as a
        terminal's Ctrl-C or ``kill -- -PGID`` gives it beside what make and uv pass on)."""
        for sig in signals:
            with_group = group and len(self.sent) % 2 == 1  # alternate: the process, then its group …
            target = -self.pid if with_group else self.pid
            try:
                os.kill(target, sig)
            except ProcessLookupError:
                pass
            self.sent.append(f"{sig.name}{' (group)' if with_group else ''}")
            if gap:
                time.sleep(gap)

    def processes(self) -> list[str]:
        return [f"{pid} {runguard.command(pid)}" for pid in runguard.marked(self.run_id)]

    def busy_ports(self) -> list[str]:
        busy = []
        for name, port in self.ports.items():
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    busy.append(f"{name} {port}")
        return busy

    def assert_clean_exit(self, timeout: float = 90) -> None:
        """run.py exits 0 within ``timeout``; nothing of the run is left and its ports are free."""
        try:
            code = self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"run.py still running after {self.sent}:\n{self.output()[-4000:]}"
            ) from None
        assert code == 0, f"exit {code} after {self.sent}:\n{self.output()[-4000:]}"
        assert STOPPED in self.output()
        assert "Traceback" not in self.output().split("stopping")[-1], self.output()[-4000:]
        assert self.processes() == [], f"left running after {self.sent}"
        assert self.busy_ports() == [], f"ports still held after {self.sent}"

    def kill_everything(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(10)
        runguard.sweep(self.run_id, grace=5)


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Runtime data shared by the module's runs: the tiny source is generated and migrated by the first one."""
    return tmp_path_factory.mktemp("kam-run-var")


@pytest.fixture
def start_run(var_dir: Path, tmp_path: Path) -> Iterator:
    runs: list[Run] = []

    def start() -> Run:
        ports = {entry.env("GRPC_PORT"): free_port() for entry in registry.processes({})}
        ports |= {
            "KAM_GATEWAY_PORT": free_port(),
            "KAM_MAILSINK_SMTP_PORT": free_port(),
            "KAM_MAILSINK_HTTP_PORT": free_port(),
        }
        nats = free_port()
        run_id = uuid.uuid4().hex
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KAM_", "OTEL_"))}
        env |= {k: str(v) for k, v in ports.items()}
        env |= {
            "KAM_VAR_DIR": str(var_dir),
            "KAM_DEMO_SIZE": "tiny",
            "KAM_NATS_URL": f"nats://127.0.0.1:{nats}",
            "KAM_RUN_ID": run_id,
            "KAM_SHUTDOWN_GRACE_SECONDS": "2",
            "PYTHONUNBUFFERED": "1",
        }
        log = tmp_path / f"run-{len(runs)}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                [sys.executable, str(RUN)],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, as under a terminal (and away from pytest's)
            )
        run = Run(popen, log, run_id, {**ports, "NATS": nats})
        runs.append(run)
        return run

    yield start
    for run in runs:
        run.kill_everything()


TERM, INT, HUP, KILL = signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGKILL


@pytest.mark.parametrize(
    ("moment", "signals"),
    [
        ("demo core-banking source", (TERM, TERM)),  # the first start: the source is being generated
        (r"started customer", (INT, TERM, HUP)),  # the services are starting, not ready yet
    ],
    ids=["generating-2", "services-starting-3"],
)
def test_signals_during_start_up(start_run, moment: str, signals: tuple[signal.Signals, ...]) -> None:
    run = start_run()
    run.wait_for(moment)
    run.send(*signals, group=True)
    run.assert_clean_exit()
    assert BANNER not in run.output()


def test_signals_while_serving(start_run) -> None:
    run = start_run()
    run.wait_for(BANNER)
    out = run.output()
    # the banner says where the first scan is (the console has no customers until it has finished) …
    assert re.search(r"首次扫描|first scan|scan finished", out.split(BANNER)[1]), out[-3000:]
    run.wait_for("scan finished")  # … and the runner follows it to its end
    assert run.processes(), "nothing of the run found by its mark"
    run.send(INT, TERM, group=True)  # Ctrl-C, then make's and uv's copy
    run.assert_clean_exit()


def test_signals_while_stopping(start_run) -> None:
    run = start_run()
    run.wait_for(BANNER)
    run.send(TERM)
    run.wait_for("stopping")
    run.send(TERM, HUP, INT, group=True, gap=0.3)  # while the supervisor stops the services
    run.assert_clean_exit()
    assert "more signal(s) while stopping: ignored" in run.output()


def test_sigkill_of_the_runner_leaves_nothing_behind(start_run) -> None:
    run = start_run()
    run.wait_for(BANNER)
    run.send(KILL)
    run.popen.wait(10)
    deadline = time.monotonic() + 30
    while (run.processes() or run.busy_ports()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert run.processes() == [] and run.busy_ports() == []
    # the guardian says what it stopped (or that the services, seeing their parent go, had stopped themselves)
    run.wait_for("the supervisor is gone", timeout=20, after_exit=True)


def test_services_stop_by_themselves_when_runner_and_guardian_are_killed(start_run) -> None:
    run = start_run()
    run.wait_for(BANNER)
    (guardian,) = [pid for pid in _children(run.pid) if "runguard.py" in runguard.command(pid)]
    os.kill(guardian, KILL)
    run.send(KILL)
    run.popen.wait(10)
    deadline = time.monotonic() + 30
    serving = [1]
    while serving and time.monotonic() < deadline:
        serving = [p for p in run.processes() if p.endswith(" serve")]
        time.sleep(0.2)
    # every service and the gateway saw its parent go and stopped; what is not a KAM service (NATS, the mail
    # sink, the demo feed) is the guardian's to stop, and the test's here
    assert serving == [], run.output()[-3000:]
    run.kill_everything()
    assert run.processes() == []


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return found
