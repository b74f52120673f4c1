"""A send stuck on a provider that never answers does not hold up the service's shutdown: sends run in daemon
threads (kam_notice.service_layer.deliveries.in_daemon_thread), not asyncio's default pool, which the interpreter
waits for at exit. In a process of its own, timed from outside."""

from __future__ import annotations

import subprocess
import sys
import time

SCRIPT = """
import asyncio, socket
from kam_notice.service_layer.deliveries import Outgoing, SmtpSender, SmtpSettings

SERVER = socket.socket()  # open until the process ends: connections accepted by the kernel, never greeted
SERVER.bind(("127.0.0.1", 0))
SERVER.listen(8)

async def main():
    port = SERVER.getsockname()[1]
    sender = SmtpSender(SmtpSettings(host="127.0.0.1", port=port, timeout=60, reply_timeout=60))
    send = asyncio.create_task(sender.send(Outgoing("d1", "a@bank.example", "s", "b", "", ())))
    await asyncio.sleep(0.5)
    send.cancel()  # the service stops while the mail server keeps it waiting
    try:
        await send
    except asyncio.CancelledError:
        print("cancelled", flush=True)

asyncio.run(main())
"""


def test_a_send_waiting_on_a_silent_server_does_not_hold_up_the_exit() -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], check=False, capture_output=True, text=True, timeout=120
    )
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert "cancelled" in done.stdout
    assert took < 20, (
        f"the process waited {took:.0f} s for the stuck send"
    )  # not the 60 s the server could take
