"""kam_kit.worker.keep_working: the loop of the outbox relay, the audit sealer and the customer service's indexer."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from kam_kit import worker


class Backlog:
    """Work to drain in batches of ``batch``; a step fails while ``failing`` > 0 (counting down)."""

    def __init__(self, batch: int = 2) -> None:
        self.items = 0
        self.batch = batch
        self.failing = 0
        self.steps = 0
        self.failures: list[tuple[str, float]] = []

    async def step(self) -> int:
        self.steps += 1
        if self.failing:
            self.failing -= 1
            raise ConnectionError("database away")
        done = min(self.items, self.batch)
        self.items -= done
        return done

    def failed(self, exc: Exception, retry_in: float) -> None:
        self.failures.append((str(exc), retry_in))


@contextlib.asynccontextmanager
async def working(backlog: Backlog, wakeup: asyncio.Event, *, poll_interval: float = 60.0):
    task = asyncio.create_task(
        worker.keep_working(
            backlog.step, wakeup=wakeup, poll_interval=poll_interval, coalesce=0.001, failed=backlog.failed
        )
    )
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _until(condition, seconds: float = 2.0) -> None:
    for _ in range(int(seconds / 0.005)):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("not reached in time")


async def test_a_backlog_is_drained_batch_by_batch_then_the_worker_waits_for_its_wakeup() -> None:
    backlog, wakeup = Backlog(batch=2), asyncio.Event()
    backlog.items = 5
    async with working(backlog, wakeup):
        await _until(lambda: backlog.items == 0)
        await asyncio.sleep(0.05)
        idle = backlog.steps
        assert idle == 4  # 2 + 2 + 1, then one step that found nothing
        await asyncio.sleep(0.05)
        assert backlog.steps == idle, "an idle worker waits for its wakeup (or the poll)"
        backlog.items = 1
        wakeup.set()
        await _until(lambda: backlog.items == 0)
        assert not backlog.failures


async def test_an_idle_worker_polls_for_work_nobody_announced() -> None:
    backlog, wakeup = Backlog(), asyncio.Event()
    async with working(backlog, wakeup, poll_interval=0.02):
        await asyncio.sleep(0.01)
        backlog.items = 1  # left by another replica: no wakeup here
        await _until(lambda: backlog.items == 0)


async def test_a_wakeup_set_while_a_step_runs_is_not_lost() -> None:
    backlog, wakeup = Backlog(), asyncio.Event()
    original = backlog.step

    async def step_that_sees_a_commit() -> int:
        done = await original()
        if backlog.steps == 1:  # a commit lands while the first (empty) step runs
            backlog.items = 1
            wakeup.set()
        return done

    backlog.step = step_that_sees_a_commit  # type: ignore[method-assign]
    async with working(backlog, wakeup):
        await _until(lambda: backlog.items == 0, seconds=1.0)


async def test_failures_back_off_doubling_and_a_success_starts_the_backoff_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(worker, "FIRST_BACKOFF", 0.004)
    monkeypatch.setattr(worker, "MAX_BACKOFF", 0.01)
    backlog, wakeup = Backlog(), asyncio.Event()
    backlog.items, backlog.failing = 1, 4
    async with working(backlog, wakeup):
        await _until(lambda: backlog.items == 0)
        assert backlog.failures == [("database away", t) for t in (0.004, 0.008, 0.01, 0.01)]
        backlog.failing, backlog.items = 1, 1
        wakeup.set()
        await _until(lambda: backlog.items == 0)
        assert backlog.failures[-1] == ("database away", 0.004)


async def test_cancelling_ends_the_worker_even_while_it_backs_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker, "FIRST_BACKOFF", 30.0)
    backlog, wakeup = Backlog(), asyncio.Event()
    backlog.failing = 1
    async with working(backlog, wakeup) as task:
        await _until(lambda: backlog.failures)
    assert task.cancelled()
