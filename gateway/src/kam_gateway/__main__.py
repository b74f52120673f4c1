"""``kam-gateway serve`` (default) / ``kam-gateway migrate``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from kam_kit import telemetry
from kam_kit.settings import SettingsError

from kam_gateway.server import GatewayServer, GatewaySettings

log = logging.getLogger("kam_gateway")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kam-gateway", description="KAM HTTP gateway")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="serve HTTP (KAM_GATEWAY_PORT) and the identity gRPC API (default)")
    sub.add_parser("migrate", help="apply database migrations (the gateway has no tables yet)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    telemetry.configure("gateway")
    if args.command == "migrate":
        log.info("gateway has no database tables yet; nothing to migrate")
        return 0
    try:
        settings = GatewaySettings.from_env()
    except SettingsError as exc:
        print(f"kam-gateway: {exc}", file=sys.stderr)
        return 2
    try:
        asyncio.run(GatewayServer(settings).serve_until_signalled())
    finally:
        telemetry.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
