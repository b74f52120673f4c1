"""Customer service: tiering (定级) — rule sets, grading with explanations, hysteresis, overrides, simulation."""

from __future__ import annotations

from kam_kit.runtime import ServiceApp

from kam_customer.context import CustomerContext
from kam_customer.tiering import orm  # noqa: F401 - registers the tables on Base.metadata


def install(app: ServiceApp, ctx: CustomerContext) -> None:
    """Add this part's servicers and background jobs to the service (called by bootstrap.build)."""
    from kam_customer.tiering.grpc_api import TierServicer
    from kam_customer.tiering.service import TieringService

    app.serve(TierServicer(TieringService(ctx.db, ctx.clock), ctx.page_secret))
