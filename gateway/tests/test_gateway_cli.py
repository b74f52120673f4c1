"""``kam-gateway serve`` as a real process: serves, then stops cleanly on SIGTERM; ``migrate`` is a no-op."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
from kam_devkit.procs import free_port


def test_serve_answers_and_stops_on_sigterm(token_secret: str) -> None:
    http_port, grpc_port = free_port(), free_port()
    env = {
        **os.environ, "KAM_TOKEN_SECRET": token_secret, "KAM_GATEWAY_PORT": str(http_port),
        "KAM_GATEWAY_GRPC_PORT": str(grpc_port), "KAM_DEMO_PASSWORD": "kam-demo-2026",
    }
    env.pop("KAM_GATEWAY_GRPC_ADDR", None)
    proc = subprocess.Popen([sys.executable, "-m", "kam_gateway", "serve"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
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
        login = httpx.post(f"http://127.0.0.1:{http_port}/v1/auth:login",
                           json={"username": "admin", "password": "kam-demo-2026"}, timeout=5)
        assert login.status_code == 200, login.text
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_serve_without_secret_fails_naming_the_variable() -> None:
    env = {k: v for k, v in os.environ.items() if k != "KAM_TOKEN_SECRET"}
    out = subprocess.run([sys.executable, "-m", "kam_gateway", "serve"], env=env, capture_output=True, text=True,
                         check=False,
                         timeout=30)
    assert out.returncode == 2
    assert "KAM_TOKEN_SECRET" in out.stderr


def test_migrate_is_a_no_op() -> None:
    out = subprocess.run([sys.executable, "-m", "kam_gateway", "migrate"], capture_output=True, text=True, check=False,
                         timeout=30)
    assert out.returncode == 0
