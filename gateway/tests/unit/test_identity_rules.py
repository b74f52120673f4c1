"""Unit tier: the password policy, argon2id hashing and the sign-in lockout rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from kam_gateway.identity.domain.lockout import LockoutPolicy, LockState
from kam_gateway.identity.domain.passwords import PasswordHashing, policy_problems

CHEAP = {"time_cost": 1, "memory_cost_kib": 8, "parallelism": 1}
NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        ("Kam-Strong-42", set()),
        ("short1A!", {"TOO_SHORT"}),
        ("alllowercaseletters", {"TOO_SIMPLE"}),
        ("zhangwei-Secret1", {"CONTAINS_NAME"}),
        ("Password123", {"TOO_COMMON"}),
        ("x" * 129 + "A1", {"TOO_LONG"}),
    ],
)
def test_password_policy(password, codes) -> None:
    assert {p.code for p in policy_problems(password, username="zhangwei", display_name="张伟")} == codes


def test_hashes_are_argon2id_salted_and_verify() -> None:
    hashing = PasswordHashing(**CHEAP)
    first, second = hashing.hash("Kam-Strong-42"), hashing.hash("Kam-Strong-42")
    assert first.startswith("$argon2id$") and first != second
    assert hashing.verify(first, "Kam-Strong-42")
    assert not hashing.verify(first, "kam-strong-42")
    assert not hashing.verify(None, "Kam-Strong-42")
    assert not hashing.verify("not a hash", "Kam-Strong-42")


def test_raised_parameters_ask_for_a_rehash() -> None:
    old = PasswordHashing(**CHEAP).hash("Kam-Strong-42")
    assert PasswordHashing(time_cost=2, memory_cost_kib=8, parallelism=1).needs_rehash(old)
    assert not PasswordHashing(**CHEAP).needs_rehash(old)


def test_the_fifth_wrong_password_locks_for_the_lock_duration() -> None:
    policy = LockoutPolicy(max_failures=5, lock_duration=timedelta(minutes=15))
    state = LockState()
    for _ in range(4):
        state = policy.after_failure(state, NOW)
        assert not state.locked(NOW)
    state = policy.after_failure(state, NOW)
    assert state.locked(NOW) and state.locked(NOW + timedelta(minutes=14, seconds=59))
    assert not state.locked(NOW + timedelta(minutes=15))


def test_failures_while_locked_do_not_extend_the_lock_and_a_run_out_lock_starts_afresh() -> None:
    policy = LockoutPolicy(max_failures=2, lock_duration=timedelta(minutes=15))
    state = policy.after_failure(policy.after_failure(LockState(), NOW), NOW)
    until = state.locked_until
    state = policy.after_failure(state, NOW + timedelta(minutes=5))
    assert state.locked_until == until
    later = NOW + timedelta(minutes=16)
    state = policy.after_failure(state, later)
    assert (state.failed_attempts, state.locked(later)) == (1, False)


def test_success_and_unlock_reset_the_count() -> None:
    policy = LockoutPolicy(max_failures=2)
    locked = policy.after_failure(policy.after_failure(LockState(), NOW), NOW)
    assert locked.locked(NOW)
    assert policy.unlocked() == LockState() == policy.after_success()
