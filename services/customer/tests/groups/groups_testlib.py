"""Helpers and data shared by the groups/lifecycle tests (a uniquely named module: every test dir has its own
conftest)."""

from __future__ import annotations

from datetime import UTC, datetime

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from kam_kit.db import outbox_table
from sqlalchemy import select

T0 = datetime(2026, 1, 1, tzinfo=UTC)
ACCOUNT = "6222020200001234"
OTHER_ACCOUNT = "6222020200007777"
#: id, type, name, id number, branch
SCANNED = [
    ("c1", "INDIVIDUAL", "王芳", "11010519491231002X", "sh"),
    ("g1", "CORPORATE", "某某控股集团有限公司", "91350100M000100Y43", "sh"),
    ("g2", "CORPORATE", "某某科技有限公司", "91110000100000000X", "sh"),
    ("g3", "CORPORATE", "某某物流有限公司", "91110000100000001X", "sh"),
    ("g9", "CORPORATE", "北京某某贸易有限公司", "91110000100000009X", "bj"),
]


async def failure(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


def violations(error: grpc.aio.AioRpcError) -> dict[str, str]:
    out = {}
    for detail in rpc_status.from_call(error).details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            request = error_details_pb2.BadRequest()
            detail.Unpack(request)
            out.update({v.field: v.description for v in request.field_violations})
    return out


def reason(error: grpc.aio.AioRpcError) -> str:
    for detail in rpc_status.from_call(error).details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return info.reason
    return ""


async def events(app, event_type: str) -> list[bytes]:
    async with app.db.read() as session:
        return list(
            (
                await session.scalars(
                    select(outbox_table.c.payload).where(
                        outbox_table.c.event_type == f"kam.customer.v1.{event_type}"
                    )
                )
            ).all()
        )
