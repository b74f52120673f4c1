"""A real customer service (gRPC, the shared ``start_customer_service``) with a few customers, for the access
audit tests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from audit_testlib import T0, seed
from kam.customer.v1 import audit_service_pb2_grpc
from kam_kit import auth
from kam_kit.clock import ManualClock


@pytest.fixture
async def api(start_customer_service):
    api = await start_customer_service(ManualClock(T0 + timedelta(days=30)))
    await seed(api.service.db)
    api.service.test_clock = api.clock
    return api


@pytest.fixture
def app(api):
    return api.service


@pytest.fixture
def customers(api):
    return api.client


@pytest.fixture
def trail(api):
    return audit_service_pb2_grpc.AccessAuditServiceStub(api.channel)


@pytest.fixture
def md(api, token_secret):
    """Call metadata for a caller: ``md("roles/admin", subject=…, org_unit=…, kind=…)`` (no roles: none — unlike
    ``api.md``, which defaults to an admin); request id ``req-<subject>``."""
    def make(*roles: str, subject: str = "users/u1", org_unit: str = "orgUnits/head", kind: str = "user",
             display_name: str = "") -> tuple:
        token = auth.issue_token(auth.Identity(subject=subject, kind=kind, roles=roles, org_unit=org_unit,
                                               display_name=display_name),
                                 secret=token_secret, clock=api.clock, ttl=timedelta(hours=1))
        return ((auth.METADATA_KEY, auth.bearer(token)), ("x-request-id", f"req-{subject}"))
    return make
