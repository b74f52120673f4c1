"""Helpers shared by the gateway tests (a uniquely named module: every test dir has its own conftest)."""

from __future__ import annotations

import asyncio

from kam_gateway.server import GatewaySettings
from kam_kit import errors
from kam_kit.grpcserver import current_identity, current_origin
from kam_kit.settings import Secret

ECHO_SERVICE = "kam.echotest.v1.EchoService"


def make_echo_servicer(pb2, pb2_grpc):
    class EchoServicer(pb2_grpc.EchoServiceServicer):
        async def GetThing(self, request, context):
            if request.name.endswith("/missing"):
                raise errors.NotFound(f"找不到 {request.name} (not found)")
            return pb2.Thing(name=request.name, display_name="书", amount=12345678901234)

        async def ListThings(self, request, context):
            return pb2.ListThingsResponse(things=[pb2.Thing(name=f"{request.parent}/things/1")], echo=request)

        async def CreateThing(self, request, context):
            v = errors.Validator()
            v.require(
                request.thing.display_name, "thing.display_name", "名称不能为空 (display name is required)"
            )
            v.check(request.thing.amount >= 0, "thing.amount", "金额不能为负 (amount must not be negative)")
            v.raise_if_any()
            thing = pb2.Thing()
            thing.CopyFrom(request.thing)
            thing.name = f"{request.parent}/things/{request.request_id or 'new'}"
            return thing

        async def UpdateThing(self, request, context):
            return pb2.UpdateThingResponse(thing=request.thing, update_mask=request.update_mask)

        async def ArchiveThing(self, request, context):
            return pb2.ArchiveThingResponse(
                thing=pb2.Thing(name=request.name, tags=["archived"]), reason=request.reason
            )

        async def DeleteThing(self, request, context):
            from google.protobuf import empty_pb2

            return empty_pb2.Empty()

        async def WatchThings(self, request, context):
            for i in range(request.count):
                yield pb2.Thing(name=f"{request.parent}/things/{i}")

        async def Inspect(self, request, context):
            caller = current_identity()
            seen = {k: v for k, v in context.invocation_metadata() if isinstance(v, str)}
            seen["origin.address"], seen["origin.client"] = current_origin()  # as the audit trail takes it
            return pb2.InspectResponse(metadata=seen, subject=caller.subject if caller else "")

        async def Fail(self, request, context):
            kind = request.kind
            if kind == "invalid_argument":
                raise errors.InvalidArgument.for_field("kind", "无效 (invalid)")
            if kind == "not_found":
                raise errors.NotFound("不存在 (not found)")
            if kind == "aborted":
                raise errors.Aborted("版本冲突 (etag mismatch)")
            if kind == "permission_denied":
                raise errors.PermissionDenied("无权访问 (permission denied)")
            if kind == "slow":
                await asyncio.sleep(5)
            raise RuntimeError("boom: secret internals")

    return EchoServicer()


ECHO_PUBLIC = {
    f"/{ECHO_SERVICE}/{m}"
    for m in (
        "GetThing",
        "ListThings",
        "CreateThing",
        "UpdateThing",
        "ArchiveThing",
        "DeleteThing",
        "WatchThings",
        "Fail",
    )
}


def gateway_settings(token_secret: str, deadline: float = 2.0) -> GatewaySettings:
    return GatewaySettings(
        http_host="127.0.0.1",
        http_port=0,
        grpc_host="127.0.0.1",
        grpc_port=0,
        token_secret=Secret(token_secret),
        deadline_seconds=deadline,
        shutdown_grace_seconds=0.5,
    )
