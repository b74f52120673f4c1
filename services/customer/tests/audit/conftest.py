"""A real customer service (gRPC, the shared ``start_customer_service``) with a few customers, for the access
audit tests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from audit_testlib import T0, seed
from customer_testlib import call_metadata
from kam.customer.v1 import audit_service_pb2_grpc
from kam_kit.clock import ManualClock


@pytest.fixture
async def api(start_customer_service):
    api = await start_customer_service(ManualClock(T0 + timedelta(days=30)))
    await seed(api.service.db)
    return api


@pytest.fixture
def customers(api):
    return api.client


@pytest.fixture
def trail(api):
    return audit_service_pb2_grpc.AccessAuditServiceStub(api.channel)


@pytest.fixture
def md(api, token_secret):
    """Call metadata for a caller, ``md("roles/admin", subject=…, org_unit=…, kind=…)`` (no roles: none), with
    request id ``req-<subject>`` (customer_testlib.call_metadata)."""

    def make(*roles: str, subject: str = "users/u1", **caller) -> tuple:
        return call_metadata(
            token_secret, api.clock, *roles, subject=subject, request_id=f"req-{subject}", **caller
        )

    return make
