"""The kam_devkit.testing fixtures: database_url for both backends, token_secret, kam_processes."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from kam_devkit import testing
from kam_devkit.procs import GrpcHealthProbe
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

STANDIN = Path(__file__).with_name("standin_server.py")


async def test_database_url_gives_a_fresh_working_database(database_url: str) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            assert (await connection.execute(text("SELECT 1"))).scalar_one() == 1
            await connection.execute(text("CREATE TABLE probe (id INTEGER PRIMARY KEY)"))  # fresh: no clash
            await connection.execute(text("INSERT INTO probe (id) VALUES (7)"))
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT id FROM probe"))).scalar_one() == 7
    finally:
        await engine.dispose()


def test_token_secret_is_long_and_random(token_secret: str) -> None:
    assert len(token_secret) >= 32
    assert len(set(token_secret)) > 10


def test_unreachable_postgres_skips_or_fails_in_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeconftest('pytest_plugins = ["kam_devkit.testing"]')
    pytester.makepyfile("def test_db(database_url):\n    assert database_url\n")
    monkeypatch.setenv("KAM_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:1/postgres")
    monkeypatch.setenv("CI", "false")
    result = pytester.runpytest_subprocess("-rs", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(
        ["*PostgreSQL not reachable at postgresql+asyncpg://postgres@127.0.0.1:1/postgres*"]
    )
    monkeypatch.setenv("CI", "true")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)


def _fake_service_scripts(monkeypatch: pytest.MonkeyPatch, directory: Path) -> None:
    """Make ``kam-<svc>`` resolve to stand-in scripts that honour the KAM environment contract."""
    directory.mkdir()
    for svc in (*testing.SERVICES, testing.GATEWAY):
        script = directory / f"kam-{svc}"
        script.write_text(
            "#!/bin/sh\n"
            f'if [ "$1" = migrate ]; then echo "migrated $KAM_{svc.upper()}_DATABASE_URL"; exit 0; fi\n'
            f'exec {sys.executable} {STANDIN} --port "$KAM_{svc.upper()}_GRPC_PORT"\n'
        )
        script.chmod(0o755)
    monkeypatch.setattr(testing.procs, "console_script", lambda name: directory / name)


def test_kam_processes_starts_kills_and_restarts_services(
    kam_processes: Callable[..., testing.KamProcesses],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    token_secret: str,
) -> None:
    _fake_service_scripts(monkeypatch, tmp_path / "bin")
    kam = kam_processes("customer", "alert")
    assert kam.env["KAM_TOKEN_SECRET"] == token_secret
    assert kam.env["KAM_CUSTOMER_ADDR"] == kam.grpc_addr("customer")
    assert kam.grpc_addr("customer") != kam.grpc_addr("alert")
    assert "migrated sqlite+aiosqlite:///" in (kam.logs / "customer-migrate.log").read_text()
    customer = GrpcHealthProbe(kam.grpc_addr("customer"))
    assert customer.status() == "SERVING"

    kam.kill("customer")
    assert customer.status() == "UNAVAILABLE"
    assert GrpcHealthProbe(kam.grpc_addr("alert")).status() == "SERVING"
    kam.restart("customer")
    assert customer.status() == "SERVING"

    kam.stop_nats()
    assert not kam.nats.running
    kam.start_nats()
    assert kam.nats.running
    kam.kill("alert", signal.SIGTERM)
    assert "stopping" in kam.log_text("alert")
    assert "--- customer (running) ---" in kam.report()
