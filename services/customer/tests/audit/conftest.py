"""A real customer service (gRPC) over a migrated database with a few customers, for the access audit tests."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import grpc
import pytest
from audit_testlib import T0, seed
from kam.customer.v1 import audit_service_pb2_grpc, customer_service_pb2_grpc
from kam_customer.bootstrap import build
from kam_customer.settings import CustomerSettings
from kam_kit import auth
from kam_kit.clock import ManualClock
from kam_kit.settings import ServiceSettings


@pytest.fixture
async def app(database_url, token_secret, free_port, tmp_path: Path):
    settings = ServiceSettings.from_env("customer", environ={
        "KAM_TOKEN_SECRET": token_secret, "KAM_CUSTOMER_DATABASE_URL": database_url,
        "KAM_CUSTOMER_GRPC_PORT": str(free_port()), "KAM_NATS_URL": "nats://127.0.0.1:1",
    })
    clock = ManualClock(T0 + timedelta(days=30))
    service = build(settings, clock, customer_settings=CustomerSettings(
        source_url=f"sqlite:///{tmp_path / 'none.db'}", mapping_path=tmp_path / "none.toml",
        scan_cron="0 0 1 1 *", scan_on_start=False))
    service.produces_events = False  # no broker: events stay in the outbox
    await service.start()
    await seed(service.db)
    service.test_clock = clock
    yield service
    await service.stop()


@pytest.fixture
async def channel(app):
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{app.grpc.port}")
    yield channel
    await channel.close()


@pytest.fixture
def customers(channel):
    return customer_service_pb2_grpc.CustomerServiceStub(channel)


@pytest.fixture
def trail(channel):
    return audit_service_pb2_grpc.AccessAuditServiceStub(channel)


@pytest.fixture
def md(app, token_secret):
    """Call metadata for a caller: ``md("roles/admin", subject=…, org_unit=…, kind=…)``."""
    def make(*roles: str, subject: str = "users/u1", org_unit: str = "orgUnits/head", kind: str = "user",
             display_name: str = "") -> tuple:
        token = auth.issue_token(auth.Identity(subject=subject, kind=kind, roles=roles, org_unit=org_unit,
                                               display_name=display_name),
                                 secret=token_secret, clock=app.test_clock, ttl=timedelta(hours=1))
        return ((auth.METADATA_KEY, auth.bearer(token)), ("x-request-id", f"req-{subject}"))
    return make
