"""The three test tiers of every package (docs/architecture.md, "Tests in three tiers").

* ``unit`` — everything under a ``tests/unit/`` folder: domain rules and use cases with in-memory fakes, no
  database, broker, network or child process. Seconds for the whole tier (``make test-unit``).
* ``service`` — every other test that is not end-to-end: one service (or the gateway) on real SQLite/PostgreSQL,
  NATS JetStream and gRPC (``make test-fast`` runs unit + service on every core).
* ``e2e`` — tests marked ``e2e``: every KAM process started together.

Tiers are given by place, not by hand: this hook marks each collected test, and a unit test that asks for a
fixture that starts or reaches something real fails at collection, so the unit tier stays fast by construction.
"""

from __future__ import annotations

import pytest

#: Fixtures that start or reach a real process, database or port; a unit test may not use them.
REAL_FIXTURES = frozenset(
    {
        "database_url",
        "service_databases",
        "nats_server",
        "nats_url",
        "free_port",
        "kam_processes",
        "start_customer_service",
        "pytester",
    }
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "/tests/unit/" in item.path.as_posix():
            real = sorted(REAL_FIXTURES.intersection(getattr(item, "fixturenames", ())))
            if real or item.get_closest_marker("e2e"):
                raise pytest.UsageError(
                    f"{item.nodeid}: a unit test (tests/unit/) may not use {', '.join(real) or 'the e2e marker'}; "
                    "move it to the service tier"
                )
            item.add_marker(pytest.mark.unit)
        elif not item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.service)
