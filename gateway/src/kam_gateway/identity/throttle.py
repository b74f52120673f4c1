"""Sign-in throttling: failed logins per account and per client address, with backoff, on the injected clock.

The rule (also in gateway/README.md):

- Only failed password checks count (a throttled attempt checks no password and counts nothing); failures older
  than ``window`` are forgotten, and a successful sign-in clears the account's failures.
- **Per account** (the username, case-insensitively): the first ``account_free`` failures within the window are
  free; after that each attempt must wait ``base_delay · 2^(n − account_free)`` (capped at ``max_delay``) after the
  last failure, where ``n`` is the number of failures in the window. While waiting, every attempt — even with the
  right password — is answered 429 with ``Retry-After``. An attacker therefore gets one guess per ``max_delay`` at
  most, and the owner is never locked out for longer than ``max_delay`` after the attacker's last guess (there
  is no permanent lock).
- **Per client address**: at most ``address_max`` failures within the window, over all accounts (one address
  spraying many usernames); then 429 until the oldest failure leaves the window.

Every failed and every throttled attempt is written to the audit logger ``kam_gateway.audit`` (username, client
address, outcome, retry-after; never the password).
"""

from __future__ import annotations

import logging
import math
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kam_kit.clock import SYSTEM_CLOCK, Clock

audit_log = logging.getLogger("kam_gateway.audit")


@dataclass(frozen=True)
class ThrottleSettings:
    account_free: int = 5
    base_delay: timedelta = timedelta(seconds=2)
    max_delay: timedelta = timedelta(minutes=15)
    address_max: int = 30
    window: timedelta = timedelta(minutes=15)


@dataclass
class _Failures:
    times: deque[datetime] = field(default_factory=deque)


class LoginThrottle:
    """Remembers failed sign-ins (in memory, per gateway process) and says when the next attempt may come."""

    #: Distinct keys remembered at most; the oldest are forgotten first (bounded memory under a spraying attack).
    MAX_KEYS = 100_000

    def __init__(self, settings: ThrottleSettings | None = None, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self.settings = settings or ThrottleSettings()
        self.clock = clock
        self._accounts: dict[str, _Failures] = {}
        self._addresses: dict[str, _Failures] = {}

    def retry_after(self, username: str, address: str) -> timedelta | None:
        """How long the caller must wait before this attempt is checked, or None when it may go ahead."""
        now = self.clock.now()
        waits = []
        account = self._recent(self._accounts, _account_key(username), now)
        extra = len(account) - self.settings.account_free
        if extra >= 0 and account:
            delay = min(self.settings.base_delay * (2 ** min(extra, 30)), self.settings.max_delay)
            waits.append(account[-1] + delay - now)
        by_address = self._recent(self._addresses, address, now)
        if len(by_address) >= self.settings.address_max:
            waits.append(by_address[-self.settings.address_max] + self.settings.window - now)
        wait = max(waits, default=timedelta(0))
        return wait if wait > timedelta(0) else None

    def failed(self, username: str, address: str) -> None:
        now = self.clock.now()
        for table, key in ((self._accounts, _account_key(username)), (self._addresses, address)):
            self._recent(table, key, now, create=True).append(now)
            if len(table) > self.MAX_KEYS:
                del table[next(iter(table))]

    def succeeded(self, username: str) -> None:
        self._accounts.pop(_account_key(username), None)

    def _recent(
        self, table: dict[str, _Failures], key: str, now: datetime, *, create: bool = False
    ) -> deque[datetime]:
        entry = table.get(key)
        if entry is None:
            if not create:
                return deque()
            entry = table[key] = _Failures()
        times = entry.times
        while times and times[0] <= now - self.settings.window:
            times.popleft()
        return times


def retry_after_seconds(wait: timedelta) -> int:
    """``Retry-After`` is whole seconds, rounded up (never 0 while still throttled)."""
    return max(1, math.ceil(wait.total_seconds()))


def _account_key(username: str) -> str:
    return username.strip().lower()
