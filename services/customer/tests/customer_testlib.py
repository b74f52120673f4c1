"""What every customer-service test shares (a uniquely named module: every test dir has its own conftest):
``call_metadata``, the one way tests make gRPC call metadata for a caller."""

from __future__ import annotations

from datetime import timedelta

from kam_kit import auth
from kam_kit.clock import Clock


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
