"""Fixtures shared by the customer service's tests."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import grpc
import pytest
from customer_testlib import call_metadata
from kam.customer.v1 import customer_service_pb2_grpc as pb_grpc
from kam_customer.bootstrap import build
from kam_customer.settings import CustomerSettings
from kam_kit.clock import ManualClock
from kam_kit.settings import ServiceSettings


@pytest.fixture
async def start_customer_service(database_url, token_secret, free_port, tmp_path: Path):
    """``api = await start_customer_service(clock, **customer_settings)``: a real customer service (gRPC; no broker,
    so events stay in the outbox; no source and no scheduled scans; the audit trail is written but not sealed unless
    ``seal_audit=True``; access records are indexed by customer unless ``index_access_records=False``), stopped
    after the test. ``api.service`` is
    the app, ``api.channel`` a channel to it, ``api.client`` a CustomerService stub and ``api.md(*roles,
    org_unit=…, subject=…)`` call metadata with a token issued at the clock's current time."""
    started: list[SimpleNamespace] = []

    async def start(
        clock: ManualClock,
        *,
        seal_audit: bool = False,
        index_access_records: bool = True,
        **customer_settings,
    ) -> SimpleNamespace:
        settings = ServiceSettings.from_env(
            "customer",
            environ={
                "KAM_TOKEN_SECRET": token_secret,
                "KAM_CUSTOMER_DATABASE_URL": database_url,
                "KAM_CUSTOMER_GRPC_PORT": str(free_port()),
                "KAM_NATS_URL": "nats://127.0.0.1:1",
            },
        )
        service = build(
            settings,
            clock,
            customer_settings=CustomerSettings(
                **{
                    "source_url": f"sqlite:///{tmp_path / 'none.db'}",
                    "mapping_path": tmp_path / "none.toml",
                    "scan_cron": "0 0 1 1 *",
                    "scan_on_start": False,
                    **customer_settings,
                }
            ),
        )
        service.produces_events = False
        service.seals_audit = (
            seal_audit  # off unless asked: AuditRecorded rows would race the outbox assertions
        )
        if not seal_audit:  # nor sealed in the group commit's transaction (SQLite's way)
            service.access_audit.seal_in_commit = False
        service.test_clock = clock
        if not index_access_records:  # the index by customer stays as the answering commits left it
            service.background.remove(service.access_audit.run_indexer)
        await service.start()
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{service.grpc.port}")

        def md(*roles: str, **caller) -> tuple:
            """customer_testlib.call_metadata at this service's clock; an administrator when no roles or
            permissions are given."""
            if not roles and not caller.get("permissions"):
                roles = ("roles/admin",)
            return call_metadata(token_secret, clock, *roles, **caller)

        api = SimpleNamespace(
            service=service, clock=clock, channel=channel, md=md, client=pb_grpc.CustomerServiceStub(channel)
        )
        started.append(api)
        return api

    yield start
    for api in started:
        await api.channel.close()
        await api.service.stop()


# A folder's conftest defines ``api`` (``await start_customer_service(clock)`` plus its seed); these name its parts
# for the tests of every folder.
@pytest.fixture
def app(api):
    """The customer ServiceApp under test."""
    return api.service


@pytest.fixture
def client(api):
    """A CustomerService stub."""
    return api.client


@pytest.fixture
def channel(api):
    """A gRPC channel to the service (for the other stubs)."""
    return api.channel


@pytest.fixture
def md(api):
    """Call metadata: ``md("roles/admin", org_unit=…, subject=…)``; ``md(kind="service", permissions=(…))`` for a
    service token with exactly those permissions (customer_testlib.call_metadata)."""
    return api.md
