"""``kam.identity.v1.IdentityService``: a stub Login against the demo users, and GetCurrentUser."""

from __future__ import annotations

import ipaddress
import logging
from datetime import timedelta

import grpc
from google.protobuf import timestamp_pb2
from kam.identity.v1 import identity_pb2, identity_service_pb2, identity_service_pb2_grpc
from kam_kit.auth import Identity, issue_token
from kam_kit.clock import Clock
from kam_kit.errors import ResourceExhausted, Unauthenticated, Validator, bounded
from kam_kit.grpcserver import GrpcServer, current_identity

from kam_gateway.identity.demo_users import DemoDirectory
from kam_gateway.identity.throttle import LoginThrottle, audit_log, retry_after_seconds

log = logging.getLogger(__name__)

SERVICE_NAME = "kam.identity.v1.IdentityService"
PUBLIC_METHODS = frozenset({f"/{SERVICE_NAME}/Login"})
DEFAULT_TOKEN_TTL = timedelta(hours=12)
#: The HTTP client's address, which the gateway's transcoder forwards to Login. Believed only from a loopback peer
#: (the transcoder runs in the same process); any other caller is throttled by its own peer address.
CLIENT_ADDRESS_KEY = "x-kam-client-address"


class IdentityServicer(identity_service_pb2_grpc.IdentityServiceServicer):
    def __init__(
        self, directory: DemoDirectory, *, token_secret: str, clock: Clock, token_ttl: timedelta = DEFAULT_TOKEN_TTL,
        throttle: LoginThrottle | None = None,
    ) -> None:
        self.directory = directory
        self.token_secret = token_secret
        self.clock = clock
        self.token_ttl = token_ttl
        self.throttle = throttle or LoginThrottle(clock=clock)

    async def Login(
        self, request: identity_service_pb2.LoginRequest, context: grpc.aio.ServicerContext
    ) -> identity_service_pb2.LoginResponse:
        v = Validator()
        v.require(request.username, "username")
        v.require(request.password, "password")
        v.raise_if_any()
        address = client_address(context)
        username = bounded(request.username, 64)
        wait = self.throttle.retry_after(request.username, address)
        if wait is not None:
            seconds = retry_after_seconds(wait)
            audit_log.warning("login throttled", extra={
                "event": "login.throttled", "username": username, "client_address": address,
                "retry_after_seconds": seconds})
            raise ResourceExhausted(
                f"登录尝试过多，请 {seconds} 秒后重试 (too many sign-in attempts, retry in {seconds} s)",
                reason="LOGIN_THROTTLED", retry_after=timedelta(seconds=seconds),
                metadata={"retry_after_seconds": str(seconds)})
        user = self.directory.authenticate(request.username, request.password)
        if user is None:
            self.throttle.failed(request.username, address)
            audit_log.warning("login failed", extra={
                "event": "login.failed", "username": username, "client_address": address})
            raise Unauthenticated("用户名或密码错误 (wrong username or password)", reason="BAD_CREDENTIALS")
        self.throttle.succeeded(request.username)
        audit_log.info("login succeeded", extra={
            "event": "login.succeeded", "username": username, "client_address": address})
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


def client_address(context: grpc.aio.ServicerContext) -> str:
    """The caller's address: the forwarded HTTP client address when the peer is loopback (the transcoder),
    otherwise the peer's own IP."""
    peer = context.peer() or ""
    kind, _, rest = peer.partition(":")
    host = rest.rsplit(":", 1)[0].strip("[]") if kind in ("ipv4", "ipv6") else peer
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = kind == "unix"
    if loopback:
        for key, value in context.invocation_metadata() or ():
            if key == CLIENT_ADDRESS_KEY and isinstance(value, str) and value:
                return bounded(value, 64)
    return host or "unknown"


def register(server: GrpcServer, servicer: IdentityServicer) -> None:
    """Add the identity service to the gateway's gRPC server (Login must be among its public methods)."""
    server.add(identity_service_pb2_grpc.add_IdentityServiceServicer_to_server, servicer, SERVICE_NAME)
