"""Sign-in lockout per user: after ``max_failures`` wrong passwords in a row the account is locked for
``lock_duration``; a right password while locked still fails (and says the account is locked); an administrator
may unlock at once; a successful sign-in resets the count. Pure: the caller stores :class:`LockState` with the
user and passes the clock's ``now``.

This is the account's own protection against guessing; the gateway's sign-in throttle (per user name and per
client address, in memory) is the second layer that slows a guesser down before the account locks.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

#: Above the sign-in throttle's free failures (5): the throttle slows a guesser down first (2, 4, 8 … s), the
#: lock stops one who keeps going.
MAX_FAILURES = 10
LOCK_DURATION = timedelta(minutes=15)


@dataclass(frozen=True)
class LockState:
    failed_attempts: int = 0
    locked_until: datetime | None = None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = MAX_FAILURES
    lock_duration: timedelta = LOCK_DURATION

    def after_failure(self, state: LockState, now: datetime) -> LockState:
        """The state after a wrong password (a lock that has run out starts a fresh count)."""
        if state.locked_until is not None and not state.locked(now):
            state = LockState()
        failures = state.failed_attempts + 1
        if failures >= self.max_failures and not state.locked(now):
            return LockState(failed_attempts=failures, locked_until=now + self.lock_duration)
        return replace(state, failed_attempts=failures)

    @staticmethod
    def after_success() -> LockState:
        return LockState()

    @staticmethod
    def unlocked() -> LockState:
        """An administrator's unlock."""
        return LockState()
