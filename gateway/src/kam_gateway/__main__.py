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
    sub.add_parser("migrate", help="apply the identity store's database migrations and exit")
    args = parser.parse_args(list(argv) if argv is not None else None)
    telemetry.configure("gateway")
    try:
        settings = GatewaySettings.from_env()
    except SettingsError as exc:
        print(f"kam-gateway: {exc}", file=sys.stderr)
        return 2
    if args.command == "migrate":
        from kam_kit import migrations

        from kam_gateway.identity.adapters.orm import Base
        from kam_gateway.identity.bootstrap import MIGRATIONS

        migrations.upgrade(settings.database_url, MIGRATIONS, Base.metadata)
        log.info("identity store migrated")
        return 0
    try:
        asyncio.run(GatewayServer(settings).serve_until_signalled())
    finally:
        telemetry.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
