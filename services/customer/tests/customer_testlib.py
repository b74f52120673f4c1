"""What every customer-service test shares (a uniquely named module: every test dir has its own conftest):
``call_metadata``, the one way tests make gRPC call metadata for a caller, and ``gateway_client``, an HTTP
client of a real gateway in front of the test's service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
from kam_gateway.server import GatewayServer, GatewaySettings
from kam_kit import auth
from kam_kit.clock import Clock
from kam_kit.settings import Secret


@asynccontextmanager
async def gateway_client(app, token_secret: str, **options) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of a real gateway (started here, stopped after) that transcodes to ``app``'s gRPC server;
    ``options`` go to :class:`GatewayServer` (e.g. ``services=[…]``)."""
    gateway = GatewayServer(
        GatewaySettings(
            http_host="127.0.0.1",
            http_port=0,
            grpc_host="127.0.0.1",
            grpc_port=0,
            token_secret=Secret(token_secret),
            deadline_seconds=5,
            shutdown_grace_seconds=0.5,
        ),
        clock=app.test_clock,
        environ={"KAM_CUSTOMER_ADDR": f"127.0.0.1:{app.grpc.port}"},
        instrument=False,
        **options,
    )
    await gateway.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{gateway.http_port}", timeout=10) as http:
            yield http
    finally:
        await gateway.stop()


def call_metadata(
    secret: str,
    clock: Clock,
    *roles: str,
    subject: str = "users/u1",
    org_unit: str = "orgUnits/head",
    kind: str = "user",
    permissions: tuple[str, ...] = (),
    display_name: str = "",
    request_id: str = "",
    staff_code: str = "",
) -> tuple:
    """``authorization`` (a token issued at the clock's now, valid for an hour) and, when given, ``x-request-id``:
    the metadata of a call by that caller (roles, or for a service token its explicit ``permissions``)."""
    identity = auth.Identity(
        subject=subject,
        kind=kind,
        roles=roles,
        org_unit=org_unit,
        display_name=display_name,
        permissions=permissions,
        staff_code=staff_code,
    )
    token = auth.issue_token(identity, secret=secret, clock=clock, ttl=timedelta(hours=1))
    metadata: tuple = ((auth.METADATA_KEY, auth.bearer(token)),)
    return metadata + ((("x-request-id", request_id),) if request_id else ())
