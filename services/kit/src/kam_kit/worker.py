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
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import NoReturn

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
