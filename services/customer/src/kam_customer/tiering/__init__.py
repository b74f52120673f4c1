"""Customer service: tiering."""

from __future__ import annotations

from kam_kit.runtime import ServiceApp

from kam_customer.context import CustomerContext


def install(app: ServiceApp, ctx: CustomerContext) -> None:
    """Add this part's servicers and background jobs to the service (called by bootstrap.build)."""
