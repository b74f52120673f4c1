"""``kam-gateway serve`` as a real process: serves (demo mode: the demo users sign in), then stops cleanly on
SIGTERM; ``migrate`` builds the identity store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
from kam_devkit.procs import free_port


def test_serve_answers_and_stops_on_sigterm(token_secret: str, tmp_path) -> None:
    http_port, grpc_port = free_port(), free_port()
    env = {
        **os.environ,
        "KAM_TOKEN_SECRET": token_secret,
        "KAM_GATEWAY_PORT": str(http_port),
        "KAM_GATEWAY_GRPC_PORT": str(grpc_port),
        "KAM_DEMO_MODE": "1",
        "KAM_DEMO_PASSWORD": "kam-demo-2026",
        "KAM_GATEWAY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}",
        "KAM_NATS_URL": "nats://127.0.0.1:1",
    }
    env.pop("KAM_GATEWAY_GRPC_ADDR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kam_gateway", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{http_port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
                assert time.monotonic() < deadline, "gateway did not start"
                time.sleep(0.1)
        assert r.status_code == 200
        login = httpx.post(
            f"http://127.0.0.1:{http_port}/v1/auth:login",
            json={"username": "admin", "password": "kam-demo-2026"},
            timeout=5,
        )
        assert login.status_code == 200, login.text
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
        output = proc.stdout.read().decode() if proc.stdout else ""
        # Served by the kit's serve_until_signalled, like every service: its shutdown line is logged.
        assert '"logger": "kam_kit.runtime"' in output and "shutting down" in output, output[-2000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_serve_without_secret_fails_naming_the_variable() -> None:
    env = {k: v for k, v in os.environ.items() if k != "KAM_TOKEN_SECRET"}
    out = subprocess.run(
        [sys.executable, "-m", "kam_gateway", "serve"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    assert out.returncode == 2
    assert "KAM_TOKEN_SECRET" in out.stderr


def test_migrate_builds_the_identity_store(token_secret: str, tmp_path) -> None:
    import sqlite3

    database = tmp_path / "gateway.db"
    env = {
        **os.environ,
        "KAM_TOKEN_SECRET": token_secret,
        "KAM_GATEWAY_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
    }
    out = subprocess.run(
        [sys.executable, "-m", "kam_gateway", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"users", "org_units", "roles", "sessions", "service_accounts", "kam_outbox"} <= tables


def test_create_admin_makes_a_first_administrator_who_must_change_the_password(
    token_secret: str, tmp_path
) -> None:
    import sqlite3

    database = tmp_path / "gateway.db"
    env = {
        **os.environ,
        "KAM_TOKEN_SECRET": token_secret,
        "KAM_GATEWAY_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
    }
    weak = subprocess.run(
        [sys.executable, "-m", "kam_gateway", "create-admin", "root"],
        env=env,
        input="short\n",
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert weak.returncode == 2 and "initial_password" in weak.stderr
    made = subprocess.run(
        [sys.executable, "-m", "kam_gateway", "create-admin", "root"],
        env=env,
        input="Kam-Strong-42\n",
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    with sqlite3.connect(database) as connection:
        user = connection.execute(
            "SELECT state, password_change_required, password_hash FROM users WHERE id = 'root'"
        ).fetchone()
        roles = connection.execute("SELECT role_id FROM user_roles WHERE user_id = 'root'").fetchall()
    assert user[0] == "ACTIVE" and user[1] and user[2].startswith("$argon2id$") and roles == [("admin",)]
