"""Stopping the service is bounded: a background job that ignores cancellation cannot keep it from stopping."""

from __future__ import annotations

import asyncio
import logging
import time

from kam_kit import runtime
from kam_kit.clock import ManualClock


async def test_stop_names_a_task_that_ignores_cancellation_and_returns(
    start_customer_service, monkeypatch, caplog
) -> None:
    monkeypatch.setattr(runtime, "STOP_TASKS_SECONDS", 0.5)
    api = await start_customer_service(ManualClock())
    release = asyncio.Event()

    async def stubborn() -> None:
        while not release.is_set():
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                continue  # a job that swallows cancellation (a bug elsewhere must not hang the shutdown)

    task = asyncio.create_task(stubborn(), name="customer-stubborn")
    api.service._tasks.append(task)
    caplog.set_level(logging.WARNING, logger="kam_kit.runtime")
    started = time.monotonic()
    await api.service.stop()
    assert time.monotonic() - started < 5
    assert [r.task for r in caplog.records if r.getMessage() == "task did not stop when cancelled"] == [
        "customer-stubborn"
    ]
    release.set()
    task.cancel()
    await asyncio.wait([task], timeout=1)
