from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from kam_kit import auth
from kam_kit.auth import Identity, bearer, issue_service_token, issue_token, token_from_metadata, verify_token
from kam_kit.clock import ManualClock
from kam_kit.errors import Unauthenticated

SECRET = "s" * 40
OTHER_SECRET = "o" * 40
ALICE = Identity(
    subject="users/rm_zhang",
    display_name="张经理",
    roles=("relationship_manager",),
    org_unit="branches/310100",
)


def test_round_trip_keeps_every_field() -> None:
    clock = ManualClock()
    token = issue_token(ALICE, secret=SECRET, clock=clock, ttl=timedelta(hours=1))
    assert verify_token(token, secret=SECRET, clock=clock) == ALICE


def test_expiry_follows_the_injected_clock_not_the_wall_clock() -> None:
    clock = ManualClock()  # 2026-01-01, well away from the wall clock
    token = issue_token(ALICE, secret=SECRET, clock=clock, ttl=timedelta(minutes=10))
    clock.advance(timedelta(minutes=9, seconds=59))
    assert verify_token(token, secret=SECRET, clock=clock).subject == ALICE.subject
    clock.advance(timedelta(seconds=1))
    with pytest.raises(Unauthenticated) as err:
        verify_token(token, secret=SECRET, clock=clock)
    assert err.value.reason == "TOKEN_EXPIRED"
    assert "过期" in err.value.message and "expired" in err.value.message


def test_token_from_the_future_is_rejected() -> None:
    clock = ManualClock()
    token = issue_token(ALICE, secret=SECRET, clock=clock, ttl=timedelta(hours=1))
    clock.advance(timedelta(hours=-1))
    with pytest.raises(Unauthenticated):
        verify_token(token, secret=SECRET, clock=clock)


@pytest.mark.parametrize("token", [None, "", "not-a-jwt", "a.b.c"])
def test_missing_or_malformed_token_is_unauthenticated(token: str | None) -> None:
    with pytest.raises(Unauthenticated):
        verify_token(token, secret=SECRET, clock=ManualClock())


def test_forged_token_is_rejected() -> None:
    clock = ManualClock()
    forged = issue_token(
        Identity(subject="users/admin", roles=("admin",)),
        secret=OTHER_SECRET,
        clock=clock,
        ttl=timedelta(hours=1),
    )
    with pytest.raises(Unauthenticated) as err:
        verify_token(forged, secret=SECRET, clock=clock)
    assert "签名" in err.value.message


def test_tampered_payload_is_rejected() -> None:
    clock = ManualClock()
    token = issue_token(ALICE, secret=SECRET, clock=clock, ttl=timedelta(hours=1))
    header, _, signature = token.split(".")
    other_payload = issue_token(
        Identity(subject="users/admin", roles=("admin",)),
        secret=OTHER_SECRET,
        clock=clock,
        ttl=timedelta(hours=1),
    ).split(".")[1]
    with pytest.raises(Unauthenticated):
        verify_token(f"{header}.{other_payload}.{signature}", secret=SECRET, clock=clock)


def test_alg_none_is_rejected() -> None:
    clock = ManualClock()
    now = int(clock.now().timestamp())
    unsigned = jwt.encode(
        {"iss": "kam", "aud": "kam", "sub": "users/admin", "iat": now, "exp": now + 3600},
        key=None,
        algorithm="none",
    )
    with pytest.raises(Unauthenticated):
        verify_token(unsigned, secret=SECRET, clock=clock)


@pytest.mark.parametrize("claim", [{"iss": "someone-else"}, {"aud": "other"}])
def test_wrong_issuer_or_audience_is_rejected(claim: dict[str, str]) -> None:
    clock = ManualClock()
    now = int(clock.now().timestamp())
    claims = {"iss": "kam", "aud": "kam", "sub": "users/x", "iat": now, "exp": now + 3600, **claim}
    with pytest.raises(Unauthenticated):
        verify_token(jwt.encode(claims, SECRET, algorithm="HS256"), secret=SECRET, clock=clock)


def test_short_secret_names_the_variable() -> None:
    with pytest.raises(ValueError, match="KAM_TOKEN_SECRET"):
        issue_token(ALICE, secret="short", clock=ManualClock(), ttl=timedelta(hours=1))
    with pytest.raises(ValueError, match="KAM_TOKEN_SECRET"):
        verify_token("x", secret="short", clock=ManualClock())


def test_service_token_has_service_kind() -> None:
    clock = ManualClock()
    token = issue_service_token("core-banking-feed", SECRET, timedelta(days=1), clock=clock)
    identity = verify_token(token, secret=SECRET, clock=clock)
    assert identity.kind == "service"
    assert identity.subject == "services/core-banking-feed"


def test_cli_prints_a_verifiable_service_token(monkeypatch, capsys) -> None:
    monkeypatch.setenv("KAM_TOKEN_SECRET", SECRET)
    assert auth.main(["feed", "--ttl-hours", "1"]) == 0
    token = capsys.readouterr().out.strip()
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], audience="kam")
    assert claims["kind"] == "service" and claims["sub"] == "services/feed"
    monkeypatch.setenv("KAM_TOKEN_SECRET", "short")
    assert auth.main(["feed"]) == 2


def test_metadata_helpers() -> None:
    assert bearer("abc") == "Bearer abc"
    assert token_from_metadata([("x-request-id", "1"), ("authorization", "Bearer abc")]) == "abc"
    assert token_from_metadata([("Authorization", b"bearer abc")]) == "abc"
    assert token_from_metadata([("authorization", "Basic abc")]) is None
    assert token_from_metadata([]) is None
    assert token_from_metadata(None) is None


def test_identity_validates_kind_and_subject() -> None:
    with pytest.raises(ValueError):
        Identity(subject="x", kind="robot")
    with pytest.raises(ValueError):
        Identity(subject="")
    assert Identity(subject="x", roles=["a"]).roles == ("a",)  # type: ignore[arg-type]


def test_item12_a_token_not_valid_before_an_hour_from_now_is_refused() -> None:
    """Issue 11, item 12: ``nbf`` is checked on its own (it was compared as min(iat, nbf)), and ``iat`` against the
    clock skew: a token issued now but valid only in an hour, or issued in the future, is refused."""
    clock = ManualClock()
    now = int(clock.now().timestamp())
    base = {"iss": "kam", "aud": "kam", "sub": "users/x", "exp": now + 7200}
    for claims in ({**base, "iat": now, "nbf": now + 3600}, {**base, "iat": now + 3600, "nbf": now}):
        with pytest.raises(Unauthenticated) as err:
            verify_token(jwt.encode(claims, SECRET, algorithm="HS256"), secret=SECRET, clock=clock)
        assert err.value.reason == "TOKEN_INVALID"
    skewed = {**base, "iat": now + 30, "nbf": now + 30}  # within the allowed clock skew
    assert (
        verify_token(jwt.encode(skewed, SECRET, algorithm="HS256"), secret=SECRET, clock=clock).subject
        == "users/x"
    )


def test_permissions_come_from_roles_or_the_explicit_claim() -> None:
    clock = ManualClock()
    rm = verify_token(
        issue_token(
            Identity(subject="users/rm", roles=("roles/relationship_manager",)),
            secret=SECRET,
            clock=clock,
            ttl=timedelta(hours=1),
        ),
        secret=SECRET,
        clock=clock,
    )
    assert rm.can("customers.read") and rm.can("customers.pii.read") and not rm.can("tiers.manage")
    assert rm.data_scope == "OWN"
    leader = Identity(subject="users/l", roles=("roles/head_office_leader",))
    assert leader.data_scope == "ALL" and not leader.can("customers.pii.read")
    assert Identity(subject="users/n", roles=("roles/nobody",)).granted == frozenset()
    # A user never holds a service-only permission, whatever the token says; a service does when granted.
    claimed = Identity(subject="users/u", permissions=("transactions.ingest", "customers.read"))
    assert claimed.granted == {"customers.read"}
    feed = verify_token(
        issue_service_token("feed", SECRET, clock=clock, permissions=("transactions.ingest",)),
        secret=SECRET,
        clock=clock,
    )
    assert feed.granted == {"transactions.ingest"} and feed.data_scope == "ALL"
    default = verify_token(issue_service_token("crm", SECRET, clock=clock), secret=SECRET, clock=clock)
    assert default.can("customers.read") and not default.can("transactions.ingest")
    with pytest.raises(ValueError, match="unknown permissions"):
        issue_service_token("x", SECRET, clock=clock, permissions=("customers.fly",))


def test_cli_grants_exactly_the_permissions_asked(monkeypatch, capsys) -> None:
    monkeypatch.setenv("KAM_TOKEN_SECRET", SECRET)
    assert auth.main(["core", "--permission", "transactions.ingest"]) == 0
    claims = jwt.decode(capsys.readouterr().out.strip(), SECRET, algorithms=["HS256"], audience="kam")
    assert claims["perms"] == ["transactions.ingest"] and claims["kind"] == "service"
    assert auth.main(["core", "--permission", "customers.fly"]) == 2


def test_staff_code_scope_and_session_travel_in_the_token() -> None:
    clock = ManualClock()
    person = Identity(
        subject="users/wang",
        roles=("roles/relationship_manager",),
        org_unit="orgUnits/0101",
        staff_code="E000123",
        scope="OWN",
        session_id="s-1",
    )
    back = verify_token(
        issue_token(person, secret=SECRET, clock=clock, ttl=timedelta(minutes=5)), secret=SECRET, clock=clock
    )
    assert (back.staff_code, back.scope, back.session_id, back.data_scope) == ("E000123", "OWN", "s-1", "OWN")


def test_a_users_own_scope_replaces_the_roles_and_an_unknown_one_is_refused() -> None:
    leader = Identity(subject="users/li", roles=("roles/head_office_leader",))
    assert leader.data_scope == "ALL"
    assert (
        Identity(subject="users/li", roles=("roles/head_office_leader",), scope="ORG_UNIT_TREE").data_scope
        == "ORG_UNIT_TREE"
    )
    with pytest.raises(ValueError):
        Identity(subject="users/li", scope="EVERYTHING")


def test_verified_tokens_are_remembered_until_they_expire(monkeypatch) -> None:
    clock = ManualClock()
    tokens = auth.VerifiedTokens(secret=SECRET, clock=clock)
    token = issue_token(ALICE, secret=SECRET, clock=clock, ttl=timedelta(minutes=10))
    assert tokens.verify(token) == ALICE
    calls = []
    monkeypatch.setattr(auth, "verify_token", lambda *a, **k: calls.append(a) or ALICE)
    assert tokens.verify(token) == ALICE and calls == []  # the second call is not verified again
    clock.advance(timedelta(minutes=10))
    monkeypatch.undo()
    with pytest.raises(Unauthenticated, match="expired"):  # remembered no longer than the token lives
        tokens.verify(token)


def test_verified_tokens_do_not_remember_bad_ones() -> None:
    clock = ManualClock()
    tokens = auth.VerifiedTokens(secret=SECRET, clock=clock)
    forged = issue_token(ALICE, secret=OTHER_SECRET, clock=clock, ttl=timedelta(minutes=10))
    for _ in range(2):
        with pytest.raises(Unauthenticated):
            tokens.verify(forged)
    with pytest.raises(Unauthenticated):
        tokens.verify(None)
