"""Start and stop ``make run`` several times in a row from this checkout, as a person at a terminal would, and check
that each stop leaves nothing behind (issue 19).

Each round starts ``make run`` in a process group of its own (as a terminal does), with the round's
``KAM_RUN_ID`` (deploy/local/runguard.py), waits for the banner, then stops it the way the round says — Ctrl-C
(SIGINT to the whole group: make, uv, run.py and whatever still shares the group), ``kill`` of make (SIGTERM to
make alone) or a closed terminal (SIGHUP to the group) — and checks that run.py said "all processes stopped", that
make exited within the time allowed (0, or by the signal it alone was sent: make re-raises it once its child has
finished), that no process carries the round's mark and that every port of the run (the gateway's, the mail
sink's, each service's) is free again. A line per round, then a summary; exit status 1 when a round failed. The
output of each round is kept in ``var/repeat-run/round-N.log``.

    uv run python deploy/local/repeat_run.py --times 10       # ≈ 30 s a round once the demo source exists

Not part of ``make test``; the signal tests there (tests/e2e/test_make_run_signals.py) start run.py on a tiny bank
with every port its own.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("kam_runguard", Path(__file__).with_name("runguard.py"))
assert _spec is not None and _spec.loader is not None
runguard = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(runguard)

BANNER = re.compile(r"KAM is running:\s+https?://[^:/\s]+:(\d+)")
STOPPED = "all processes stopped"
#: how each round stops the run, in turn: (what a person did, the signal, to the whole process group?)
STOPS = (
    ("Ctrl-C", signal.SIGINT, True),
    ("kill make", signal.SIGTERM, False),
    ("terminal closed", signal.SIGHUP, True),
)


def planned_ports() -> list[int]:
    """The ports ``make run`` serves on, from ``run.py --plan`` (NATS, the mail sink, every service's gRPC)."""
    plan = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "local" / "run.py"), "--plan"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted({int(port) for port in re.findall(r"127\.0\.0\.1:(\d+)", plan)})


def busy(ports: list[int]) -> list[int]:
    """Those of ``ports`` something still listens on (or holds)."""
    held = []
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                held.append(port)
    return held


def one_round(number: int, logs: Path, ports: list[int], start_timeout: float, stop_timeout: float) -> bool:
    how, sig, group = STOPS[(number - 1) % len(STOPS)]
    run_id = uuid.uuid4().hex
    log = logs / f"round-{number}.log"
    env = {k: v for k, v in os.environ.items() if k != "MAKEFLAGS"} | {runguard.MARK: run_id}
    started = time.monotonic()
    with log.open("wb") as out:
        make = subprocess.Popen(
            ["make", "run"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    text, gateway = "", None
    while time.monotonic() - started < start_timeout and make.poll() is None:
        text = log.read_text(encoding="utf-8", errors="replace")
        if found := BANNER.search(text):
            gateway = int(found.group(1))
            break
        time.sleep(0.5)
    up = time.monotonic() - started
    if gateway is None:
        print(f"round {number}: no banner after {up:.0f} s (exit {make.poll()}); see {log}", flush=True)
        make.kill()
        runguard.sweep(run_id, grace=5)
        return False
    stopping = time.monotonic()
    if group:
        os.killpg(make.pid, sig)
    else:
        make.send_signal(sig)
    try:
        code = make.wait(timeout=stop_timeout)
    except subprocess.TimeoutExpired:
        code = None
    down = time.monotonic() - stopping
    text = log.read_text(encoding="utf-8", errors="replace")
    left = runguard.marked(run_id)
    held = busy([*ports, gateway])
    # make killed by a signal re-raises it once its child has finished (its own convention): run.py's last line
    # says whether the run stopped cleanly
    make_ok = code == 0 or (not group and code == -sig)
    ok = make_ok and STOPPED in text and not left and not held
    print(
        f"round {number}: {how:<15} up in {up:5.1f} s, stopped in {down:4.1f} s, make's exit {code}, "
        f"{len(left)} processes left, ports held: {held or 'none'} — {'ok' if ok else 'FAILED, see ' + str(log)}",
        flush=True,
    )
    if not ok:
        for pid in left:
            print(f"    left: {pid} {runguard.command(pid)}", flush=True)
        if make.poll() is None:
            make.kill()
        runguard.sweep(run_id, grace=5)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--times", type=int, default=10, help="rounds (default 10)")
    parser.add_argument("--start-timeout", type=float, default=600, help="seconds to wait for the banner")
    parser.add_argument("--stop-timeout", type=float, default=90, help="seconds make may take to exit")
    args = parser.parse_args(argv)
    ports = planned_ports()
    if held := busy(
        ports
    ):  # e.g. the machine's own NATS on 4222: make run then starts its own on another port
        print(f"already in use before the first round, not checked: {held}", flush=True)
        ports = [port for port in ports if port not in held]
    logs = ROOT / "var" / "repeat-run"
    logs.mkdir(parents=True, exist_ok=True)
    results = [
        one_round(n, logs, ports, args.start_timeout, args.stop_timeout) for n in range(1, args.times + 1)
    ]
    print(f"{sum(results)} of {len(results)} rounds started and stopped cleanly", flush=True)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
