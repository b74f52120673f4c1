"""A stand-in for a KAM service: a grpc.aio server that serves only the standard health service.

It answers NOT_SERVING for ``--warmup`` seconds, then SERVING, so tests can see that readiness waits for
SERVING rather than for an open port. SIGTERM stops it gracefully (exit 0). Run as a script:

    python standin_server.py --port 50099 [--warmup 0.5] [--crash-after 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--warmup", type=float, default=0.0)
    parser.add_argument("--crash-after", type=float, default=None, help="exit with code 3 after this many s")
    args = parser.parse_args()

    server = grpc.aio.server()
    servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    server.add_insecure_port(f"127.0.0.1:{args.port}")
    await servicer.set("", health_pb2.HealthCheckResponse.NOT_SERVING)
    await server.start()
    print(f"standin pid {os.getpid()} listening on {args.port}", flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)

    try:  # warm up, unless told to stop meanwhile
        await asyncio.wait_for(stop.wait(), args.warmup)
    except TimeoutError:
        pass
    await servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    print("SERVING", flush=True)

    if args.crash_after is not None:
        try:
            await asyncio.wait_for(stop.wait(), args.crash_after)
        except TimeoutError:
            print("crashing on purpose", flush=True)
            os._exit(3)
    await stop.wait()
    print("stopping", flush=True)
    await server.stop(grace=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
