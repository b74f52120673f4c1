"""docs/adding-a-service.md is true: a throw-away service built from the document's own code blocks, plus its one
registry entry, starts (gRPC health SERVING, migrated, its consumer applying a customer event) and appears in ``make run``'s plan.

The entry is injected with ``KAM_EXTRA_SERVICES`` (the registry's hook for entries outside the repository) instead
of editing kam_kit/registry.py, and the package is run from its source folder instead of being installed into the
shared environment; everything else is exactly what the document says.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from kam_devkit import procs, testing
from kam_kit import registry
from kam_kit.registry import Service

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "adding-a-service.md"
NAME = "risk"
BLOCK = re.compile(r"```(?:python|toml)\n(.*?)```", re.DOTALL)


def _blocks() -> list[str]:
    return BLOCK.findall(DOC.read_text())


def _files() -> dict[str, str]:
    """Path (relative to the repository) → text, for every block whose first line names a file of the service."""
    out = {}
    for block in _blocks():
        first = block.partition("\n")[0]
        match = re.fullmatch(rf"# (services/{NAME}/\S+)", first.strip())
        if match:
            out[match.group(1)] = block  # the path line is a comment in Python and TOML alike
    return out


def _entry() -> Service:
    block = next(b for b in _blocks() if b.startswith("# services/kit/src/kam_kit/registry.py"))
    expression = block.partition("\n")[2].strip().rstrip(",")
    entry = eval(expression, {"Service": Service})
    assert isinstance(entry, Service) and entry.name == NAME
    return entry


def _extra_services_env(entry: Service) -> str:
    return json.dumps([dataclasses.asdict(entry)])


@pytest.fixture
def risk_service(tmp_path: Path) -> Path:
    """The service's folder written from the document; returns its ``src`` directory."""
    files = _files()
    assert {
        f"services/{NAME}/pyproject.toml",
        f"services/{NAME}/src/kam_{NAME}/bootstrap.py",
        f"services/{NAME}/src/kam_{NAME}/__main__.py",
    } <= files.keys(), sorted(files)
    assert any("/migrations/" in path for path in files)
    for path, text in files.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return tmp_path / "services" / NAME / "src"


def test_the_document_teaches_todays_apis() -> None:
    text = DOC.read_text()
    for current in ("app.serve(", "app.consume(", "outbox.Recorder", "produces_events", "kam_kit.registry"):
        assert current in text, current
    for outdated in ("DEFAULT_GRPC_PORTS", "kam_kit.testing", "consumers=[", "EventConsumer(db, js"):
        assert outdated not in text, outdated


def test_the_registry_entry_is_the_only_list_the_service_joins() -> None:
    entry = _entry()
    assert entry.name not in registry.names({})
    assert entry.grpc_port not in registry.default_grpc_ports({}).values()
    env = {registry.EXTRA_SERVICES_ENV: _extra_services_env(entry)}
    assert registry.get(NAME, env).consumes == entry.consumes
    plan = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "local" / "run.py"), "--plan"],
        capture_output=True,
        text=True,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("KAM_")}, **env},
        check=True,
        timeout=60,
    ).stdout
    assert f"kam-{NAME} migrate + serve" in plan


def test_a_service_built_from_the_document_starts_and_answers_health(
    risk_service: Path,
    kam_processes: Callable[..., testing.KamProcesses],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / f"kam-{NAME}"
    # what `uv lock && make install` would put in the environment's bin directory, without touching that env
    script.write_text(f'#!/bin/sh\nPYTHONPATH="{risk_service}" exec {sys.executable} -m kam_{NAME} "$@"\n')
    script.chmod(0o755)
    real = procs.console_script
    monkeypatch.setattr(procs, "console_script", lambda name: script if name == script.name else real(name))

    kam = kam_processes(NAME, env={registry.EXTRA_SERVICES_ENV: _extra_services_env(_entry())})
    assert procs.GrpcHealthProbe(kam.grpc_addr(NAME)).status() == "SERVING"
    log = kam.log_text(NAME)
    assert "service started" in log, log
    database = Path(kam.database_url(NAME).removeprefix("sqlite+aiosqlite:///"))
    with sqlite3.connect(database) as connection:  # the document's migration ran, with the kit's tables
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"watched_customers", "kam_processed_events"} <= tables

    # its consumer (registry: consumes customer; bootstrap: app.consume) applies a customer service event
    asyncio.run(_publish_customer_created(kam.nats_url, "customers/42"))
    deadline = time.monotonic() + 30
    while True:
        with sqlite3.connect(database) as connection:
            rows = connection.execute("SELECT customer FROM watched_customers").fetchall()
        if rows or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert rows == [("customers/42",)], kam.log_text(NAME)[-3000:]


async def _publish_customer_created(nats_url: str, name: str) -> None:
    from google.protobuf.timestamp_pb2 import Timestamp
    from kam.customer.v1 import customer_pb2, events_pb2
    from kam_kit import events

    now = datetime.now(UTC)
    stamp = Timestamp()
    stamp.FromDatetime(now)
    message = events_pb2.CustomerCreated(
        customer=customer_pb2.Customer(name=name, update_time=stamp, create_time=stamp)
    )
    connection = await events.connect(nats_url, "adding-a-service-test", retry_forever=False)
    try:
        js = connection.jetstream()
        await events.ensure_stream(js, "customer")
        headers = events.event_headers(
            event_id=str(uuid.uuid4()),
            service="customer",
            event_type=message.DESCRIPTOR.full_name,
            time=now,
            subject=name,
        )
        await js.publish(
            events.subject_for("customer", message), message.SerializeToString(), headers=headers
        )
    finally:
        await connection.close()
