"""``kam.identity.v1.IdentityService``: a stub Login against the demo users, and GetCurrentUser."""

from __future__ import annotations

from datetime import timedelta

import grpc
from google.protobuf import timestamp_pb2
from kam.identity.v1 import identity_pb2, identity_service_pb2, identity_service_pb2_grpc
from kam_kit.auth import Identity, issue_token
from kam_kit.clock import Clock
from kam_kit.errors import Unauthenticated, Validator
from kam_kit.grpcserver import GrpcServer, current_identity

from kam_gateway.identity.demo_users import DemoDirectory

SERVICE_NAME = "kam.identity.v1.IdentityService"
PUBLIC_METHODS = frozenset({f"/{SERVICE_NAME}/Login"})
DEFAULT_TOKEN_TTL = timedelta(hours=12)


class IdentityServicer(identity_service_pb2_grpc.IdentityServiceServicer):
    def __init__(
        self, directory: DemoDirectory, *, token_secret: str, clock: Clock, token_ttl: timedelta = DEFAULT_TOKEN_TTL
    ) -> None:
        self.directory = directory
        self.token_secret = token_secret
        self.clock = clock
        self.token_ttl = token_ttl

    async def Login(
        self, request: identity_service_pb2.LoginRequest, context: grpc.aio.ServicerContext
    ) -> identity_service_pb2.LoginResponse:
        v = Validator()
        v.require(request.username, "username")
        v.require(request.password, "password")
        v.raise_if_any()
        user = self.directory.authenticate(request.username, request.password)
        if user is None:
            raise Unauthenticated("用户名或密码错误 (wrong username or password)", reason="BAD_CREDENTIALS")
        now = self.clock.now()
        token = issue_token(user.identity(), secret=self.token_secret, clock=self.clock, ttl=self.token_ttl)
        expire_time = timestamp_pb2.Timestamp()
        expire_time.FromDatetime(now + self.token_ttl)
        return identity_service_pb2.LoginResponse(
            access_token=token, expire_time=expire_time, user=self._user(user.identity())
        )

    async def GetCurrentUser(
        self, request: identity_service_pb2.GetCurrentUserRequest, context: grpc.aio.ServicerContext
    ) -> identity_service_pb2.GetCurrentUserResponse:
        caller = current_identity()
        if caller is None:
            raise Unauthenticated("未登录 (not signed in)", reason="TOKEN_MISSING")
        return identity_service_pb2.GetCurrentUserResponse(user=self._user(caller))

    def _user(self, identity: Identity) -> identity_pb2.User:
        demo = self.directory.get(identity.subject)
        return identity_pb2.User(
            name=identity.subject,
            username=demo.username if demo else identity.subject.rsplit("/", 1)[-1],
            display_name=identity.display_name,
            roles=list(identity.roles),
            org_unit=identity.org_unit,
        )


def register(server: GrpcServer, servicer: IdentityServicer) -> None:
    """Add the identity service to the gateway's gRPC server (Login must be among its public methods)."""
    server.add(identity_service_pb2_grpc.add_IdentityServiceServicer_to_server, servicer, SERVICE_NAME)
