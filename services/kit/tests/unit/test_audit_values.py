"""The audit trail's values without a database: JSON forms, changed fields, redaction, the chain's hash."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace

from kam_kit import audit


def test_values_become_json_data() -> None:
    beijing = timezone(timedelta(hours=8))
    assert audit.jsonable(
        {
            "d": date(2026, 1, 2),
            "t": datetime(2026, 1, 2, 8, 0, tzinfo=beijing),
            "naive": datetime(2026, 1, 2),
            "m": Decimal("1.50"),
            "s": {"b", "a"},
            "n": None,
        }
    ) == {
        "d": "2026-01-02",
        "t": "2026-01-02T00:00:00+00:00",
        "naive": "2026-01-02T00:00:00+00:00",
        "m": "1.50",
        "s": ["a", "b"],
        "n": None,
    }


def test_only_changed_fields_are_kept_and_secrets_are_redacted() -> None:
    before, after = audit.changed_fields(
        {"phone": "1", "tier": "gold", "password_hash": "x", "note": "same", "gone": 1},
        {"phone": "2", "tier": "gold", "password_hash": "y", "note": "same", "new": 2, "api_token": None},
        redact=["phone"],
    )
    assert before == {"phone": "[redacted]", "password_hash": "[redacted]", "gone": 1}
    assert after == {"phone": "[redacted]", "password_hash": "[redacted]", "new": 2, "api_token": None}


def test_the_hash_covers_the_previous_hash_and_the_canonical_record() -> None:
    row = SimpleNamespace(
        record_id="r1",
        service="svc",
        kind="change",
        actor="users/a",
        actor_kind="user",
        actor_display_name="王",
        actor_roles=["roles/admin"],
        actor_org_unit="",
        action="customers.update",
        resource="customers/c1",
        before={"b": 1},
        after={"b": 2},
        details={},
        address="",
        client="",
        request_id="",
        trace_id="",
        occurred_at=datetime(2026, 1, 2, tzinfo=UTC),
    )
    canonical = audit.canonical_json(row, 7)
    assert canonical.startswith('{"action":"customers.update","actor":"users/a","actor_display_name":"王",')
    assert '"sequence":7' in canonical and '"occur_time":"2026-01-02T00:00:00.000000Z"' in canonical
    expected = hashlib.sha256(f"{audit.GENESIS}\n{canonical}".encode()).hexdigest()
    assert audit.chain_hash(audit.GENESIS, canonical) == expected
    assert audit.canonical_json(row, 8) != canonical
