"""kam_kit.registry: the one list of services, and what follows from an entry."""

from __future__ import annotations

import json

import pytest
from kam_kit import registry, settings
from kam_kit.runtime import ServiceApp


def test_entries_are_consistent() -> None:
    entries = registry.processes({})
    assert entries[-1] is registry.GATEWAY
    assert len({e.name for e in entries}) == len(entries)
    assert len({e.grpc_port for e in entries}) == len(entries)
    for entry in registry.services({}):
        assert set(entry.consumes) <= set(registry.names({})) - {entry.name}
        assert entry.env("GRPC_PORT") == f"KAM_{entry.name.upper()}_GRPC_PORT"
        assert entry.script == f"kam-{entry.name}" and entry.package == f"kam_{entry.name}"
        assert entry.proto_package == entry.name


def test_settings_read_the_registry() -> None:
    assert settings.DEFAULT_GRPC_PORTS == {e.name: e.grpc_port for e in registry.processes({})}
    env = {"KAM_TOKEN_SECRET": "s" * 40}
    for entry in registry.services({}):
        read = settings.ServiceSettings.from_env(entry.name, env)
        assert read.grpc_port == entry.grpc_port
        assert read.database_url == f"sqlite+aiosqlite:///var/{entry.name}.db"


def test_extra_services_from_the_environment() -> None:
    env = {
        registry.EXTRA_SERVICES_ENV: json.dumps(
            [{"name": "risk", "grpc_port": 50099, "produces_events": False, "consumes": ["customer"]}]
        ),
        "KAM_TOKEN_SECRET": "s" * 40,
    }
    assert registry.names(env)[-1] == "risk"
    assert registry.get("risk", env).consumes == ("customer",)
    assert settings.ServiceSettings.from_env("risk", env).grpc_port == 50099
    with pytest.raises(KeyError, match="no KAM service named 'risk'"):
        registry.get("risk", {})
    clash = {
        registry.EXTRA_SERVICES_ENV: json.dumps([{"name": "x", "grpc_port": 50051, "produces_events": 0}])
    }
    with pytest.raises(ValueError, match="ports must be unique"):
        registry.services(clash)
    with pytest.raises(ValueError, match="JSON list"):
        registry.services({registry.EXTRA_SERVICES_ENV: "risk"})


def test_service_app_takes_produces_events_from_the_registry(tmp_path) -> None:
    from kam_kit.db import Database
    from sqlalchemy import MetaData

    for entry in registry.services({}):
        app = ServiceApp(
            settings=settings.ServiceSettings.from_env(entry.name, {"KAM_TOKEN_SECRET": "s" * 40}),
            db=Database(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"),
            metadata=MetaData(),
            versions_dir=tmp_path,
        )
        assert app.produces_events is entry.produces_events


async def test_a_background_job_that_fails_is_logged_and_a_cancelled_one_is_not(caplog) -> None:
    import asyncio
    import logging

    from kam_kit.runtime import _report_failure

    async def broken() -> None:
        raise RuntimeError("no such column: notification_settings.channel_levels")

    async def forever() -> None:
        await asyncio.Event().wait()

    caplog.set_level(logging.ERROR, logger="kam_kit.runtime")
    failing = asyncio.create_task(broken(), name="notice-seed")
    failing.add_done_callback(_report_failure)
    stopped = asyncio.create_task(forever(), name="notice-clock")
    stopped.add_done_callback(_report_failure)
    await asyncio.sleep(0)
    stopped.cancel()
    await asyncio.gather(failing, stopped, return_exceptions=True)
    await asyncio.sleep(0)
    (record,) = [r for r in caplog.records if r.message == "background job failed"]
    assert record.job == "notice-seed" and "channel_levels" in str(record.exc_info[1])
