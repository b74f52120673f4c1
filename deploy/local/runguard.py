"""What ``make run`` leaves behind: nothing. The processes of one run, found and stopped by the run's mark.

``deploy/local/run.py`` gives every process it starts (NATS, the mail sink, the demo feed, every service and the
gateway — and whatever they start in turn) the environment variable ``KAM_RUN_ID=<run id>``. This module finds
those processes by that mark (Linux ``/proc/<pid>/environ``), whatever their parent or session, and stops them
(SIGTERM, then SIGKILL after a grace period):

* run.py sweeps once more after its supervisor has stopped everything, so a process started in the same instant
  as the stop (a restart, a start-up step) cannot survive it;
* run as a script, it is the run's *guardian*: a small process in its own session that run.py starts first and
  holds a pipe to. It waits for the pipe's end-of-file — run.py exiting for any reason, SIGKILL included — and
  then sweeps. So a supervisor killed with ``kill -9`` does not leave its services holding the ports.

    python deploy/local/runguard.py RUN_ID FD   # FD: the read end of run.py's pipe (the guardian)
    python deploy/local/runguard.py RUN_ID      # list the run's processes (pid and command), stop nothing

Standard library only: the guardian must start fast and depend on nothing that could be half-installed.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterable
from pathlib import Path

MARK = "KAM_RUN_ID"
PROC = Path("/proc")


def ancestors(pid: int | None = None) -> set[int]:
    """``pid`` (default: this process) and its parents up to pid 1: never ours to stop, even when they carry the
    mark (a test or a shell may set ``KAM_RUN_ID`` for run.py)."""
    found, pid = set(), os.getpid() if pid is None else pid
    while pid > 1 and pid not in found:
        found.add(pid)
        try:
            stat = (PROC / str(pid) / "stat").read_text()
        except OSError:
            break
        pid = int(stat.rpartition(")")[2].split()[1])
    return found


def marked(run_id: str, exclude: Iterable[int] = ()) -> list[int]:
    """The live processes carrying ``KAM_RUN_ID=run_id`` (zombies have no environment left and are not listed),
    but for this process, its ancestors and ``exclude``."""
    needle = f"{MARK}={run_id}".encode()
    skip = {*ancestors(), *exclude}
    found = []
    for entry in PROC.iterdir() if PROC.is_dir() else ():
        if not entry.name.isdigit() or int(entry.name) in skip:
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:  # gone meanwhile, or not ours
            continue
        if needle in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def command(pid: int) -> str:
    try:
        return (
            (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        )
    except OSError:
        return "?"


def _signal(pids: Iterable[int], sig: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


def sweep(run_id: str, grace: float = 10.0, exclude: Iterable[int] = ()) -> list[int]:
    """Stop every process of the run: SIGTERM, up to ``grace`` seconds to exit, then SIGKILL. Returns the pids found."""
    exclude = (*exclude, *ancestors())
    found = marked(run_id, exclude)
    if not found:
        return []
    _signal(found, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        left = marked(run_id, exclude)
        if not left:
            return found
        _signal([pid for pid in left if pid not in found], signal.SIGTERM)  # started meanwhile
        found += [pid for pid in left if pid not in found]
        time.sleep(0.1)
    _signal(marked(run_id, exclude), signal.SIGKILL)
    return found


def guard(run_id: str, fd: int) -> int:
    """Wait until the supervisor is gone (EOF on its pipe), then stop what it left of its run."""
    for sig in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(
            sig, signal.SIG_IGN
        )  # only the supervisor's end decides; a stray signal must not disarm us
    while True:
        try:
            if not os.read(fd, 4096):
                break
        except InterruptedError:
            continue
        except OSError:
            break
    left = sweep(run_id, grace=float(os.environ.get("KAM_SHUTDOWN_GRACE_SECONDS", "5")) + 5)
    if left:
        said = (
            f"[kam] run.py 已退出，已停止其遗留的 {len(left)} 个进程 / the supervisor is gone: stopped the "
            f"{len(left)} processes it left ({', '.join(map(str, left))})"
        )
    else:  # the services saw their parent go and stopped by themselves first
        said = "[kam] run.py 已退出，无遗留进程 / the supervisor is gone: nothing of its run was left"
    print(said, file=sys.stderr, flush=True)
    return 0


def main(argv: list[str]) -> int:
    if len(argv) == 2:
        return guard(argv[0], int(argv[1]))
    if len(argv) == 1:
        for pid in marked(argv[0]):
            print(pid, command(pid))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
