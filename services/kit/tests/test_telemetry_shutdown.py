"""Telemetry is shut down once however many parts of a process ask (the gateway and the identity service it hosts
both do): no warning from the SDK on the second call. In a process of its own, as the providers are global."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import logging
from kam_kit import telemetry
telemetry.configure("shutdown-test")
logging.getLogger().info("configured")
telemetry.shutdown()
telemetry.shutdown()
logging.getLogger().info("stopped")
"""


def test_a_second_shutdown_is_silent() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=True
    )
    output = done.stdout + done.stderr
    assert "stopped" in output  # the logging reached the captured output
    assert "can only be called once" not in output
