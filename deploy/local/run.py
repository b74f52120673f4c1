"""Start KAM on one machine: NATS, every service and the gateway as supervised processes (``make run``).

Steps: create ``var/``; read ``KAM_TOKEN_SECRET`` or generate ``var/token-secret`` once; start a JetStream
``nats-server`` (store ``var/nats``, port 4222) unless ``KAM_NATS_URL`` points elsewhere; run every service's
``migrate``; start every service of ``kam_kit.registry`` (in its order) and the gateway with ``[name]``-prefixed
logs; wait
until every one is SERVING and the gateway's ``/readyz`` answers 200; print the console URL, gRPC ports and the
demo logins. A crashed service is restarted with backoff. Ctrl-C (or SIGTERM) stops everything and exits 0.

E-mail: unless ``KAM_NOTICE_SMTP_HOST`` is set (a real relay; empty turns e-mail off), the local SMTP sink
``deploy/local/mailsink.py`` is started before the services (SMTP 127.0.0.1:1025 ``KAM_MAILSINK_SMTP_PORT``,
viewer http://127.0.0.1:8025/ ``KAM_MAILSINK_HTTP_PORT``; a busy default port is replaced by a free one) and the
notice service sends its e-mails there — and its SMS, to the sink's ``/sms`` (unless ``KAM_NOTICE_SMS_URL`` is
set); the banner prints the viewer's URL.

Configuration is the usual environment (``KAM_<SVC>_GRPC_PORT``, ``KAM_<SVC>_DATABASE_URL``,
``KAM_GATEWAY_PORT``, ``KAM_DEMO_PASSWORD`` …); see docs and deploy/README.md. ``--plan`` prints what would be
started, with which ports and databases, and starts nothing.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

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

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var"
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


def banner(env: dict[str, str], mailsink: bool = False) -> str:
    url = f"http://127.0.0.1:{env['KAM_GATEWAY_PORT']}/"
    lines = [
        "",
        "=" * 72,
        f"  KAM 已启动 / KAM is running:  {url}",
    ]
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


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="start KAM on this machine (make run)")
    parser.add_argument("--plan", action="store_true", help="print what would be started and exit")
    args = parser.parse_args(argv)
    if args.plan:
        print(plan(environment(secret=False)))
        return 0
    VAR.mkdir(exist_ok=True)
    os.chdir(ROOT)
    env = environment()
    signal.signal(signal.SIGTERM, _interrupt)  # SIGINT already raises KeyboardInterrupt

    def say(message: str) -> None:
        print(f"[kam] {message}", file=sys.stderr, flush=True)

    nats_port = choose_nats(env, say)
    mailsink = choose_mailsink(env, say)
    supervisor = Supervisor(sink=TerminalSink(), env={**os.environ, **env}, on_event=say)
    try:
        if nats_port is not None:
            NatsServer(VAR / "nats", port=nats_port, supervisor=supervisor, autorestart=True).start()
        else:
            say(f"using NATS at {env['KAM_NATS_URL']} (not starting one)")
        say("演示核心系统数据库 demo core-banking source (first start: about 30 s) …")
        code = supervisor.run_all(
            [
                ProcessSpec(
                    "demo-source",
                    [
                        str(console_script("kam-demobank")),
                        "generate",
                        "--url",
                        env["KAM_CUSTOMER_SOURCE_URL"],
                    ],
                    cwd=ROOT,
                )
            ]
        )["demo-source"]
        if code != 0:
            raise RuntimeError(f"demo source generation failed / 演示数据生成失败 (exit {code})")
        migrations = [
            ProcessSpec(f"{entry.name}-migrate", [str(console_script(entry.script)), "migrate"], cwd=ROOT)
            for entry in registry.processes()
        ]
        failed = {name: code for name, code in supervisor.run_all(migrations).items() if code != 0}
        if failed:
            raise RuntimeError(f"migrations failed / 数据库迁移失败: {failed}")
        if mailsink:  # before the notice service, which sends its e-mail there
            supervisor.start(mailsink_spec(env))
        # all at once (start-up is mostly imports); the gateway is ready once /readyz sees every backend
        supervisor.start_many(service_spec(entry.name, env) for entry in registry.processes())
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
        print(banner(env, mailsink), flush=True)
        threading.Event().wait()  # until Ctrl-C / SIGTERM
        return 0
    except KeyboardInterrupt:
        say("stopping … / 正在停止…")
        return 0
    except Exception as exc:  # noqa: BLE001 (report and stop everything we started)
        say(f"start-up failed: {exc}")
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the shutdown short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        supervisor.stop_all()
        say("all processes stopped")


if __name__ == "__main__":
    sys.exit(main())
