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
    admin = sub.add_parser(
        "create-admin",
        help="create the first administrator (outside demo mode); the password "
        "is read from KAM_ADMIN_PASSWORD or standard input",
    )
    admin.add_argument("username")
    admin.add_argument("--display-name", default="系统管理员")
    admin.add_argument(
        "--org-unit", default="0000", help="org unit id (created as the head office if missing)"
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    telemetry.configure("gateway")
    try:
        settings = GatewaySettings.from_env()
    except SettingsError as exc:
        print(f"kam-gateway: {exc}", file=sys.stderr)
        return 2
    if args.command == "create-admin":
        return asyncio.run(_create_admin(settings, args))
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


async def _create_admin(settings: GatewaySettings, args: argparse.Namespace) -> int:
    """The first administrator of a bank's installation: must change the password at first sign-in."""
    import os

    from kam_kit.clock import SYSTEM_CLOCK
    from kam_kit.errors import KamError
    from kam_kit.settings import ServiceSettings

    from kam_gateway.identity.adapters.orm import OrgUnitRow
    from kam_gateway.identity.bootstrap import build
    from kam_gateway.identity.service_layer.users import UserDraft
    from kam_gateway.identity.throttle import LoginThrottle

    password = os.environ.get("KAM_ADMIN_PASSWORD") or sys.stdin.readline().strip()
    identity = build(
        ServiceSettings(
            service="gateway",
            grpc_host="127.0.0.1",
            grpc_port=0,
            database_url=settings.database_url,
            nats_url="",
            token_secret=settings.token_secret,
            shutdown_grace_seconds=1,
            outbox_poll_seconds=1,
            outbox_batch_size=100,
            consumer_max_deliver=5,
        ),
        SYSTEM_CLOCK,
        demo=None,
        throttle=LoginThrottle(),
    )
    try:
        await identity.app.migrate()
        await identity.directory.sync_built_in_roles()
        async with identity.app.db.transaction() as session:
            if await session.get(OrgUnitRow, args.org_unit) is None:
                now = SYSTEM_CLOCK.now()
                session.add(
                    OrgUnitRow(
                        id=args.org_unit,
                        display_name="总行",
                        type="HEAD_OFFICE",
                        parent_id=None,
                        region="",
                        origin="KAM",
                        keep_kam_changes=False,
                        version=1,
                        create_time=now,
                        update_time=now,
                    )
                )
        await identity.users.create(
            UserDraft(
                username=args.username,
                display_name=args.display_name,
                org_unit=args.org_unit,
                roles=["admin"],
            ),
            user_id=args.username,
            initial_password=password,
        )
    except KamError as exc:
        print(f"kam-gateway create-admin: {exc}", file=sys.stderr)
        return 2
    finally:
        await identity.app.db.dispose()
    print(f"created users/{args.username} (administrator; the password must be changed at first sign-in)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
