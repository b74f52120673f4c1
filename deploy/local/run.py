"""Start KAM on one machine: NATS, every service and the gateway as supervised processes (``make run``).

Steps: create ``var/``; read ``KAM_TOKEN_SECRET`` or generate ``var/token-secret`` once; start a JetStream
``nats-server`` (store ``var/nats``, port 4222) unless ``KAM_NATS_URL`` points elsewhere; run every service's
``migrate``; start every service of ``kam_kit.registry`` (in its order) and the gateway with ``[name]``-prefixed
logs; wait until every one is SERVING and the gateway's ``/readyz`` answers 200; print the console URL, gRPC
ports, the demo logins and where the first scan is, then follow that scan until it has finished (until then the
console has no customers to show). A crashed service is restarted with backoff.

Stopping: SIGINT (Ctrl-C), SIGTERM or SIGHUP (the terminal closed) stops everything and exits 0; more of them
while stopping (make and uv pass a signal on, and the process group gets its own copy) change nothing. Every
process of the run carries ``KAM_RUN_ID``; after the supervisor has stopped them, any process still carrying the
mark is stopped too (deploy/local/runguard.py). If run.py itself is killed (SIGKILL), its guardian — a small
process in its own session, started first — stops what it left, and every service stops by itself once its
parent is gone (``KAM_SUPERVISOR_PID``, kam_kit.runtime).

Start-up steps run in a thread of their own, so a signal never interrupts one half-way: the main thread only
waits for a stop, then stops what runs (the start-up thread's current step fails and it ends).

E-mail: unless ``KAM_NOTICE_SMTP_HOST`` is set (a real relay; empty turns e-mail off), the local SMTP sink
``deploy/local/mailsink.py`` is started before the services (SMTP 127.0.0.1:1025 ``KAM_MAILSINK_SMTP_PORT``,
viewer http://127.0.0.1:8025/ ``KAM_MAILSINK_HTTP_PORT``; a busy default port is replaced by a free one) and the
notice service sends its e-mails there — and its SMS, to the sink's ``/sms`` (unless ``KAM_NOTICE_SMS_URL`` is
set); the banner prints the viewer's URL.

Configuration is the usual environment (``KAM_<SVC>_GRPC_PORT``, ``KAM_<SVC>_DATABASE_URL``,
``KAM_GATEWAY_PORT``, ``KAM_DEMO_PASSWORD`` …); see docs and deploy/README.md. ``KAM_DEMO_SIZE`` (``tiny``,
``demo`` — the default — or ``bench``) chooses the demo source's size and ``KAM_VAR_DIR`` where runtime data goes
(default ``var/``; the tests use both). ``--plan`` prints what would be started, with which ports and databases,
and starts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from kam.customer.v1 import scan_pb2
from kam_devkit.procs import (
    AllOf,
    GrpcHealthProbe,
    HttpProbe,
    NatsServer,
    ProcessSpec,
    Supervisor,
    TcpProbe,
    TerminalSink,
    console_script,
    free_port,
)
from kam_kit import registry
from kam_kit.runtime import SUPERVISOR_PID_ENV

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # runguard, this runner's helper beside it (also when run.py is loaded by path)
import runguard

ROOT = HERE.parents[1]
#: runtime data: databases, the demo source, NATS's store, the token secret (``KAM_VAR_DIR`` moves it, e.g. in tests)
VAR = Path(os.environ.get("KAM_VAR_DIR") or ROOT / "var")
#: about how long the demo source takes to generate on first start, by ``KAM_DEMO_SIZE`` (measured, 2 cores)
DEMO_SECONDS = {"tiny": "2", "demo": "45", "bench": "600"}
DEFAULT_NATS_URL = "nats://127.0.0.1:4222"
MAILSINK = ROOT / "deploy" / "local" / "mailsink.py"
#: the sink's ports (a development mail catcher's usual ones, clear of 4222, 8080 and 50050–50055)
MAILSINK_PORTS = {"KAM_MAILSINK_SMTP_PORT": "1025", "KAM_MAILSINK_HTTP_PORT": "8025"}
DEMO_USERS = (
    ("admin", "系统管理员", "administrator"),
    ("hq_leader", "总行领导", "head-office leader"),
    ("branch_manager", "北京分行行长", "branch manager"),
    ("rm_zhang", "东城支行客户经理（张）", "relationship manager"),
    ("compliance", "合规专员", "compliance officer"),
)


def token_secret() -> str:
    """``KAM_TOKEN_SECRET`` if set, else the secret in ``var/token-secret`` (generated on first run)."""
    if os.environ.get("KAM_TOKEN_SECRET"):
        return os.environ["KAM_TOKEN_SECRET"]
    path = VAR / "token-secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48) + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


def local_nats_port(nats_url: str) -> int | None:
    """The port to start our own NATS on, or None when ``KAM_NATS_URL`` points to another machine."""
    parts = urlsplit(nats_url)
    return (parts.port or 4222) if parts.hostname in ("127.0.0.1", "localhost") else None


def choose_nats(env: dict[str, str], say) -> int | None:
    """The local port to start KAM's NATS on, or None to use the server ``KAM_NATS_URL`` names.

    When the default port 4222 is held by something else (this machine kind runs a system nats-server there),
    KAM starts its own server on a free port instead of sharing a broker it does not own.
    """
    port = local_nats_port(env["KAM_NATS_URL"])
    if port is None or not TcpProbe(port)():
        return port
    if "KAM_NATS_URL" in os.environ:  # the caller pointed us at a running server: use it
        return None
    busy, port = port, free_port()
    env["KAM_NATS_URL"] = f"nats://127.0.0.1:{port}"
    say(f"端口 {busy} 已被占用，改用 {port} / port {busy} is busy: starting KAM's NATS on {port}")
    return port


def uses_mailsink(env: dict[str, str]) -> bool:
    """Whether the notice service's e-mail goes to the local sink (the caller named no SMTP server of its own)."""
    return "KAM_NOTICE_SMTP_HOST" not in os.environ


def mailsink_url(env: dict[str, str]) -> str:
    return f"http://127.0.0.1:{env['KAM_MAILSINK_HTTP_PORT']}/"


def choose_mailsink(env: dict[str, str], say) -> bool:
    """Whether to start the local SMTP sink; a default port held by something else is replaced by a free one
    (and the notice service told the new SMTP port)."""
    if not uses_mailsink(env):
        return False
    for key in MAILSINK_PORTS:
        port = int(env[key])
        if key not in os.environ and TcpProbe(port)():
            busy, port = port, free_port()
            env[key] = str(port)
            say(f"端口 {busy} 已被占用，改用 {port} / port {busy} is busy: the mail sink takes {port}")
    env["KAM_NOTICE_SMTP_PORT"] = env["KAM_MAILSINK_SMTP_PORT"]
    if "KAM_NOTICE_SMS_URL" not in os.environ:
        env["KAM_NOTICE_SMS_URL"] = f"http://127.0.0.1:{env['KAM_MAILSINK_HTTP_PORT']}/sms"
    return True


def mailsink_spec(env: dict[str, str]) -> ProcessSpec:
    return ProcessSpec(
        "mailsink",
        [
            sys.executable,
            str(MAILSINK),
            "--smtp-port",
            env["KAM_MAILSINK_SMTP_PORT"],
            "--http-port",
            env["KAM_MAILSINK_HTTP_PORT"],
        ],
        env=env,
        cwd=ROOT,
        ready=HttpProbe(mailsink_url(env) + "healthz"),
        ready_timeout=30,
        stop_timeout=5,
        autorestart=True,
    )


def environment(secret: bool = True) -> dict[str, str]:
    """The environment every process gets: defaults from ARCHITECTURE.md, overridden by the caller's."""
    env = {
        "KAM_NATS_URL": DEFAULT_NATS_URL,
        "KAM_GATEWAY_PORT": "8080",
        "KAM_DEMO_MODE": "1",  # the demo users (one per role) exist and need no password change
        "KAM_DEMO_PASSWORD": "kam-demo-2026",
        # the demo core-banking source (generated on first start) and how often it is scanned incrementally
        "KAM_CUSTOMER_SOURCE_URL": f"sqlite:///{VAR / 'core-banking.db'}",
        "KAM_CUSTOMER_SCAN_CRON": "*/5 * * * *",
        "KAM_DEMO_LIVE_RATE": "1",
        # the money reports read a columnar (DuckDB) copy of the report store (services/report/README.md)
        "KAM_REPORT_COLUMNAR_PATH": str(VAR / "report-columnar.duckdb"),
    }
    processes = registry.processes()
    for entry in processes:
        env[entry.env("GRPC_PORT")] = str(entry.grpc_port)
        env[entry.env("DATABASE_URL")] = f"sqlite+aiosqlite:///{VAR / f'{entry.name}.db'}"
        env[entry.env("BACKUP_DIR")] = str(VAR / "backups" / entry.name)
    env.update(MAILSINK_PORTS)
    env.update({k: v for k, v in os.environ.items() if k.startswith(("KAM_", "OTEL_"))})
    if "KAM_NOTICE_SMTP_HOST" not in os.environ:  # no relay named: the notice service mails the local sink
        env["KAM_NOTICE_SMTP_HOST"] = "127.0.0.1"
        env["KAM_NOTICE_SMTP_PORT"] = env["KAM_MAILSINK_SMTP_PORT"]
        env.setdefault("KAM_NOTICE_SMTP_FROM", "kam-notice@kam-demo.example")
        if "KAM_NOTICE_SMS_URL" not in os.environ:  # and its texts to the sink's SMS endpoint
            env["KAM_NOTICE_SMS_URL"] = f"http://127.0.0.1:{env['KAM_MAILSINK_HTTP_PORT']}/sms"
            env.setdefault("KAM_NOTICE_SMS_SIGNATURE", "【KAM演示银行】")
    for entry in processes:
        env.setdefault(entry.env("ADDR"), f"127.0.0.1:{env[entry.env('GRPC_PORT')]}")
    # links in e-mails (a scheduled report's) open the console this run serves
    env.setdefault("KAM_NOTICE_CONSOLE_URL", f"http://127.0.0.1:{env['KAM_GATEWAY_PORT']}")
    if secret:
        env["KAM_TOKEN_SECRET"] = token_secret()
    return env


def service_spec(name: str, env: dict[str, str]) -> ProcessSpec:
    entry = registry.get(name)
    probe = GrpcHealthProbe(f"127.0.0.1:{env[entry.env('GRPC_PORT')]}")
    if entry is registry.GATEWAY:
        probe = AllOf((probe, HttpProbe(f"http://127.0.0.1:{env['KAM_GATEWAY_PORT']}/readyz")))
    return ProcessSpec(
        name,
        [str(console_script(entry.script)), "serve"],
        env=env,
        cwd=ROOT,
        ready=probe,
        ready_timeout=120,
        stop_timeout=15,
        autorestart=True,
    )


def banner(env: dict[str, str], mailsink: bool = False, scan: str | None = None) -> str:
    """What a new user sees once everything answers: the console, ports, logins — and, with ``scan``, where the
    first scan is (until it has finished the console has no customers to show)."""
    url = f"http://127.0.0.1:{env['KAM_GATEWAY_PORT']}/"
    lines = [
        "",
        "=" * 72,
        f"  KAM 已启动 / KAM is running:  {url}",
    ]
    if scan:
        lines.append(f"  {scan}")
    if mailsink:
        lines.append(
            f"  本地邮件收件箱 / mail sink:   {mailsink_url(env)}   (SMTP 127.0.0.1:{env['KAM_MAILSINK_SMTP_PORT']})"
        )
    lines += [
        "",
        "  gRPC 端口 / gRPC ports:",
    ]
    for entry in (registry.GATEWAY, *registry.services()):
        lines.append(f"    {entry.name:<9} 127.0.0.1:{env[entry.env('GRPC_PORT')]}")
    lines += ["", f"  NATS: {env['KAM_NATS_URL']}", "", "  演示账号 / demo logins:"]
    for login, zh, en in DEMO_USERS:
        lines.append(f"    {login:<16} {zh}（{en}）")
    lines += [
        f"  密码 / password: {env['KAM_DEMO_PASSWORD']}   (KAM_DEMO_PASSWORD)",
        "",
        "  按 Ctrl-C 停止全部进程 / press Ctrl-C to stop everything",
        "  (或 SIGTERM；再按一次不会中断停止 / or SIGTERM; pressing again does not cut the stop short)",
        "=" * 72,
        "",
    ]
    return "\n".join(lines)


def plan(env: dict[str, str]) -> str:
    """What ``main`` would start, in order, without starting anything (``--plan``)."""
    lines = [
        f"nats      {env['KAM_NATS_URL']} (started here unless it points to another machine)",
        "demo      kam-customer demo-source generate, then demo-source live",
    ]
    if uses_mailsink(env):
        lines.append(
            f"mailsink  deploy/local/mailsink.py  SMTP 127.0.0.1:{env['KAM_MAILSINK_SMTP_PORT']}  viewer "
            f"{mailsink_url(env)}  (the notice service's e-mail)"
        )
    for entry in registry.processes():
        role = "gateway" if entry is registry.GATEWAY else "service"
        events = []
        if entry.produces_events:
            events.append(f"produces KAM_{entry.name.upper()}")
        if entry.consumes:
            events.append("consumes " + ", ".join(entry.consumes))
        lines.append(
            f"{entry.name:<9} {role:<7} {entry.script} migrate + serve  gRPC 127.0.0.1:"
            f"{env[entry.env('GRPC_PORT')]}  db {env[entry.env('DATABASE_URL')]}"
            + (f"  ({'; '.join(events)})" if events else "")
        )
    return "\n".join(lines)


class StopRequests:
    """Where SIGINT, SIGTERM and SIGHUP land: the first asks for a stop, later ones only count.

    ``make`` and ``uv`` pass a signal on, and a signal sent to the process group reaches run.py directly too, so a
    second or third copy arrives while stopping. The handler never raises and takes no lock (a signal handler
    runs between two bytecodes of the main thread, which may hold any lock at that moment): it sets a counter that
    the main thread polls. Every start-up step runs in another thread, which a signal never interrupts.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self) -> None:
        self.count = 0
        self.last: int | None = None

    def install(self) -> None:
        for sig in self.SIGNALS:
            signal.signal(sig, self._handle)

    def _handle(self, signum: int, _frame: object) -> None:
        self.count += 1
        self.last = signum

    @property
    def requested(self) -> bool:
        return self.count > 0

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds`` (in short steps, so a signal is seen at once); True once a stop is requested."""
        deadline = time.monotonic() + seconds
        while not self.requested and time.monotonic() < deadline:
            time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
        return self.requested


class QuietStream:
    """A text stream that survives its terminal: once a write fails (the terminal closed — SIGHUP — or the pipe
    behind it is gone), the descriptor is pointed at /dev/null and the write dropped, so neither the shutdown nor
    the final flush at exit fails on it."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def isatty(self) -> bool:
        try:
            return self._stream.isatty()
        except (OSError, ValueError):
            return False

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except (OSError, ValueError):
            self._silence()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except (OSError, ValueError):
            self._silence()

    def _silence(self) -> None:
        with self._lock, contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)


class StartupStopped(Exception):
    """A stop was requested during start-up: the start-up thread ends quietly."""


# ------------------------------------------------------------------------------------------- the first scan


class ScanWatch:
    """Asks the customer service for its newest scan job (``ScanService.ListScanJobs`` with a service token holding
    only ``scans.read``) without blocking: a scan may keep the service busy for seconds, so each question is a
    future with a long deadline (a short one would expire on the server's side and be logged there as an error)."""

    DEADLINE = 30.0

    def __init__(self, env: dict[str, str]) -> None:
        import grpc
        from kam.customer.v1 import scan_service_pb2, scan_service_pb2_grpc
        from kam_kit import auth

        token = auth.issue_service_token(
            "kam-local-run", env["KAM_TOKEN_SECRET"], permissions=("scans.read",)
        )
        self._metadata = ((auth.METADATA_KEY, auth.bearer(token)),)
        self._request = scan_service_pb2.ListScanJobsRequest(page_size=1)
        self._channel = grpc.insecure_channel(f"127.0.0.1:{env[registry.get('customer').env('GRPC_PORT')]}")
        self._stub = scan_service_pb2_grpc.ScanServiceStub(self._channel)
        self._rpc_error = grpc.RpcError

    def ask(self) -> Any:
        """A future of the answer (see :meth:`job`)."""
        return self._stub.ListScanJobs.future(self._request, metadata=self._metadata, timeout=self.DEADLINE)

    def job(self, answer: Any) -> scan_pb2.ScanJob | None:
        """The newest job from a finished :meth:`ask`, or None (none yet, or no answer)."""
        try:
            reply = answer.result()
        except self._rpc_error:
            return None
        return reply.scan_jobs[0] if reply.scan_jobs else None

    def close(self) -> None:
        self._channel.close()


def scan_done(job: scan_pb2.ScanJob | None) -> bool:
    return job is not None and job.state not in (
        scan_pb2.ScanJob.STATE_PENDING,
        scan_pb2.ScanJob.STATE_RUNNING,
    )


SCAN_UNKNOWN = "首次扫描的进度见下方 / the first scan's progress follows below (控制台在其完成前没有客户 / no customers until then)"


def scan_line(job: scan_pb2.ScanJob | None) -> str:
    """One line on the scan: what the console shows until the first scan has finished, and why."""
    if job is None:
        return "首次扫描即将开始 / the first scan is about to start (控制台在其完成前没有客户 / no customers until it ends)"
    state = scan_pb2.ScanJob.State.Name(job.state).removeprefix("STATE_")
    if job.state == scan_pb2.ScanJob.STATE_SUCCEEDED:
        return (
            f"扫描完成 / scan finished: {job.customers_scanned:,} 客户已读 customers read, "
            f"{job.customers_selected:,} 大客户及候选 key customers and candidates"
        )
    if scan_done(job):
        return f"扫描结束 / scan ended: {state} {job.error_message}".rstrip()
    return (
        f"首次扫描 / first scan: {state} {job.progress_percent:.0f} % ({job.phase or '…'}, "
        f"{job.rows_read:,} 行 rows) — 完成前控制台没有客户 / the console shows no customers until it finishes"
    )


def show_banner_and_follow_scan(
    env: dict[str, str],
    mailsink: bool,
    stop: StopRequests,
    say: Callable[[str], None],
    out: Callable[[str], None],
) -> None:
    """Print the banner with where the first scan is (waiting at most 3 s for the customer service to say), then
    report the scan's progress (phase changes and every 10 %) until it has finished or a stop is asked."""
    watch = ScanWatch(env)
    try:
        answer = watch.ask()
        waited = time.monotonic() + 3
        while not answer.done() and time.monotonic() < waited and not stop.wait(0.05):
            pass
        job = watch.job(answer) if answer.done() else None
        out(banner(env, mailsink, scan=scan_line(job) if answer.done() else SCAN_UNKNOWN))
        if scan_done(job):
            return
        # the step the banner showed is not repeated
        last = None if job is None else (job.state, job.phase, int(job.progress_percent // 10))
        while not stop.requested:
            if not answer.done():
                stop.wait(0.2)
                continue
            job = watch.job(answer)
            if scan_done(job):
                say(scan_line(job) + " — 控制台已可用 / the console now shows the bank")
                return
            if job is not None and (step := (job.state, job.phase, int(job.progress_percent // 10))) != last:
                say(scan_line(job))
                last = step
            if stop.wait(2.0):
                return
            answer = watch.ask()
    finally:
        watch.close()


# ---------------------------------------------------------------------------------------------------- main


def start_up(
    supervisor: Supervisor,
    env: dict[str, str],
    nats_port: int | None,
    mailsink: bool,
    stop: StopRequests,
    say: Callable[[str], None],
    out: Callable[[str], None],
) -> None:
    """Every start-up step, in order (run in its own thread: a signal never lands in the middle of one)."""

    def step() -> None:
        if stop.requested:
            raise StartupStopped

    step()
    if nats_port is not None:
        NatsServer(VAR / "nats", port=nats_port, supervisor=supervisor, autorestart=True).start()
    else:
        say(f"using NATS at {env['KAM_NATS_URL']} (not starting one)")
    step()
    size = env.get("KAM_DEMO_SIZE", "demo")
    say(
        f"演示核心系统数据库 demo core-banking source ({size}; first start only: about {DEMO_SECONDS.get(size, '?')} s) …"
    )
    code = supervisor.run_all(
        [
            ProcessSpec(
                "demo-source",
                [
                    str(console_script("kam-demobank")),
                    "generate",
                    "--url",
                    env["KAM_CUSTOMER_SOURCE_URL"],
                    "--size",
                    size,
                ],
                cwd=ROOT,
            )
        ]
    )["demo-source"]
    step()
    if code != 0:
        raise RuntimeError(f"demo source generation failed / 演示数据生成失败 (exit {code})")
    migrations = [
        ProcessSpec(f"{entry.name}-migrate", [str(console_script(entry.script)), "migrate"], cwd=ROOT)
        for entry in registry.processes()
    ]
    failed = {name: code for name, code in supervisor.run_all(migrations).items() if code != 0}
    step()
    if failed:
        raise RuntimeError(f"migrations failed / 数据库迁移失败: {failed}")
    if mailsink:  # before the notice service, which sends its e-mail there
        supervisor.start(mailsink_spec(env))
        step()
    # all at once (start-up is mostly imports); the gateway is ready once /readyz sees every backend
    supervisor.start_many(service_spec(entry.name, env) for entry in registry.processes())
    step()
    # new transactions keep arriving in the source and, in real time, on the CDC subject
    supervisor.start(
        ProcessSpec(
            "live",
            [
                str(console_script("kam-demobank")),
                "live",
                "--url",
                env["KAM_CUSTOMER_SOURCE_URL"],
                "--rate",
                env["KAM_DEMO_LIVE_RATE"],
                "--nats",
                env["KAM_NATS_URL"],
            ],
            env=env,
            cwd=ROOT,
            autorestart=True,
        )
    )
    step()
    show_banner_and_follow_scan(env, mailsink, stop, say, out)


def start_guardian(run_id: str) -> tuple[subprocess.Popen[bytes], int]:
    """The run's guardian (deploy/local/runguard.py) in its own session, holding the read end of a pipe whose
    write end only this process has: when this process ends — SIGKILL included — the guardian stops whatever of
    the run is left."""
    read, write = os.pipe()
    guardian = subprocess.Popen(
        [sys.executable, str(HERE / "runguard.py"), run_id, str(read)],
        pass_fds=(read,),
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        env={k: v for k, v in os.environ.items() if k != runguard.MARK},
    )
    os.close(read)
    return guardian, write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="start KAM on this machine (make run)")
    parser.add_argument("--plan", action="store_true", help="print what would be started and exit")
    args = parser.parse_args(argv)
    if args.plan:
        print(plan(environment(secret=False)))
        return 0
    stop = StopRequests()
    stop.install()  # first of all: from here on a signal only asks for a stop
    VAR.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)
    stdout, stderr = QuietStream(sys.stdout), QuietStream(sys.stderr)

    def say(message: str) -> None:
        stderr.write(f"[kam] {message}\n")
        stderr.flush()

    def out(text: str) -> None:
        stdout.write(text + "\n")
        stdout.flush()

    env = environment()
    run_id = env.setdefault(runguard.MARK, secrets.token_hex(8))
    env[SUPERVISOR_PID_ENV] = str(os.getpid())  # the services stop by themselves once this process is gone
    guardian, lifeline = start_guardian(run_id)
    nats_port = choose_nats(env, say)
    mailsink = choose_mailsink(env, say)
    supervisor = Supervisor(sink=TerminalSink(stdout), env={**os.environ, **env}, on_event=say)
    failure: list[BaseException] = []

    def starting() -> None:
        try:
            start_up(supervisor, env, nats_port, mailsink, stop, say, out)
        except StartupStopped:
            pass
        except BaseException as exc:  # noqa: BLE001 (reported by the main thread, which stops everything)
            if not stop.requested:
                failure.append(exc)

    startup = threading.Thread(target=starting, name="start-up", daemon=True)
    startup.start()
    while not stop.wait(0.5) and not failure:
        pass
    code = 0
    if failure:
        say(f"start-up failed / 启动失败: {failure[0]}")
        code = 1
    else:
        say("stopping … / 正在停止…")
    # stop what runs; the start-up thread's current step then fails and it ends (a process it started in the
    # meantime is stopped by the next round)
    supervisor.stop_all()
    deadline = time.monotonic() + 60
    while startup.is_alive() and time.monotonic() < deadline:
        startup.join(timeout=1)
        supervisor.stop_all()
    left = runguard.sweep(run_id, grace=10)
    if left:
        say(f"stopped {len(left)} more process(es) of this run: {left}")
    os.close(lifeline)  # the guardian finds nothing left and exits
    with contextlib.suppress(subprocess.TimeoutExpired):
        guardian.wait(timeout=15)
    more = stop.count - 1 if stop.requested else 0
    say(
        "all processes stopped / 已全部停止"
        + (f" ({more} more signal(s) while stopping: ignored)" if more > 0 else "")
    )
    return code


if __name__ == "__main__":
    sys.exit(main())
