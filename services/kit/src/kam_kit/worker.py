"""The loop of a background worker that drains a backlog: the outbox relay, the audit sealer, an index filler.

:func:`keep_working` runs ``step`` (one batch of work; it returns how much it did) until cancelled:

- work done → the backlog may go on: the next step after ``coalesce`` seconds (a busy service's rows gather into
  fewer, larger batches beside the callers' transactions);
- nothing to do → wait until ``wakeup`` is set (after a commit that left work) or ``poll_interval`` passes (work
  left by another replica, or by a commit whose wake-up this process did not see);
- a step that raised (the database or the broker away, another replica holding a lock) → ``failed(error,
  retry_in)`` (a log line, a metric), then the step again after a backoff that doubles from
  :data:`FIRST_BACKOFF` up to :data:`MAX_BACKOFF` seconds and starts over after a success.

``wakeup`` is cleared before each step, so a wake-up set while the step runs is not lost.

Whether a commit left a worker work: :class:`CommittedWrites` counts the committed transactions that wrote its kind
of row (events into the outbox, records into the audit trail). A worker notes the count when its step starts
(:meth:`Watch.look`) and, called after every commit, wakes only when it changed (:meth:`Watch.changed`) — the
transactions that wrote nothing of its kind (the relay's own marks, a consumer's bookkeeping, most of a busy
service's commits) no longer cost it a pass each. The count moves once the transaction has committed, so a worker
that reads after noting it sees those rows, and a commit that ends after that moves it again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import NoReturn

from sqlalchemy import event
from sqlalchemy.orm import Session

#: The first wait after a failed step (doubled after each failure in a row)
FIRST_BACKOFF = 0.1
#: The longest wait between failed steps
MAX_BACKOFF = 5.0


async def keep_working(
    step: Callable[[], Awaitable[int]],
    *,
    wakeup: asyncio.Event,
    poll_interval: float,
    coalesce: float,
    failed: Callable[[Exception, float], None],
) -> NoReturn:
    """Run ``step`` until cancelled (see the module's documentation)."""
    backoff = FIRST_BACKOFF
    while True:
        wakeup.clear()
        try:
            done = await step()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - any database or broker failure: retry later
            failed(exc, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
            continue
        backoff = FIRST_BACKOFF
        if done:
            await asyncio.sleep(coalesce)
        else:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wakeup.wait(), timeout=poll_interval)


class CommittedWrites:
    """Counts this process's committed transactions that wrote a kind of row (see the module's documentation)."""

    def __init__(self, kind: str) -> None:
        self._key = f"kam_wrote_{kind}"
        self.count = 0
        event.listen(Session, "after_commit", self._committed)
        event.listen(Session, "after_rollback", self._rolled_back)

    def wrote(self, session: Session) -> None:
        """Note that ``session``'s transaction wrote such rows (called before it commits)."""
        session.info[self._key] = True

    def _committed(self, session: Session) -> None:
        if session.info.pop(self._key, False):
            self.count += 1

    def _rolled_back(self, session: Session) -> None:
        session.info.pop(self._key, None)


class Watch:
    """A worker's view of :class:`CommittedWrites`: ``look()`` when a step starts, ``changed()`` after a commit."""

    def __init__(self, writes: CommittedWrites) -> None:
        self._writes = writes
        self._seen = -1

    def look(self) -> None:
        self._seen = self._writes.count

    def changed(self) -> bool:
        return self._writes.count != self._seen
