"""``kam-report`` subcommands besides ``serve`` and ``migrate``."""

from __future__ import annotations

import argparse
import asyncio
import functools
import sys
import time
from collections.abc import Callable

from kam_kit.runtime import Command, ServiceApp
from kam_kit.settings import ServiceSettings, SettingsError

from kam_report.service_layer.store import reset_store


def _rebuild(build: Callable[[ServiceSettings], ServiceApp], args: argparse.Namespace) -> int:
    try:
        settings = ServiceSettings.from_env("report")
    except SettingsError as exc:
        print(f"kam-report: {exc}", file=sys.stderr)
        return 2
    return asyncio.run(rebuild(build(settings), timeout=args.timeout))


async def rebuild(app: ServiceApp, *, timeout: float = 0, every: float = 1.0) -> int:
    """Empty the analytical store and apply every stream from its first event again, printing the progress each
    ``every`` seconds; exit 0 once every consumer has caught up (1 if ``timeout`` seconds pass first)."""
    await app.start()
    try:
        await app.rebuild(reset_store)
        began = last_time = time.monotonic()
        last_applied, caught_up = 0, 0
        while True:
            await asyncio.sleep(every)
            progress = await app.consumer_progress()
            applied, remaining = sum(p[1] for p in progress), sum(p[2] for p in progress)
            now = time.monotonic()
            rate = (applied - last_applied) / max(now - last_time, 1e-6)
            last_applied, last_time = applied, now
            print(
                f"kam-report rebuild: 已应用 {applied} 个事件，剩余 {remaining} 个，{rate:,.0f} 个/秒 "
                f"(applied {applied}, remaining {remaining}, {rate:,.0f}/s)",
                flush=True,
            )
            caught_up = caught_up + 1 if remaining == 0 else 0
            if caught_up >= 2:
                print(
                    f"kam-report rebuild: 完成，用时 {now - began:.0f} 秒 (done in {now - began:.0f} s)",
                    flush=True,
                )
                return 0
            if timeout and now - began > timeout:
                print("kam-report rebuild: 超时 (timed out)", file=sys.stderr, flush=True)
                return 1
    finally:
        await app.stop()


def commands(build: Callable[[ServiceSettings], ServiceApp]) -> dict[str, Command]:
    """The extra commands, over the service as ``build`` wires it."""
    return {
        "rebuild": Command(
            help="empty the analytical store and rebuild it from the beginning of the streams (stop the service "
            "first; exits once caught up)",
            add_arguments=lambda parser: parser.add_argument(
                "--timeout", type=float, default=0, help="give up after this many seconds (0: never)"
            ),
            run=functools.partial(_rebuild, build),
        )
    }
