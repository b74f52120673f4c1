"""Customer service: tiering (定级) — rule sets, grading with explanations, hysteresis, overrides, simulation.
Served by :mod:`kam_customer.entrypoints.tier_api`."""

from __future__ import annotations

from kam_customer.tiering import orm as orm  # registers the tables on Base.metadata
