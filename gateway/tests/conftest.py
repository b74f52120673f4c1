"""Gateway test fixtures: a test-only proto service (compiled here), real gRPC backends, the real gateway.

``protos/echotest/echo.proto`` (package ``kam.echotest.v1``) exercises every transcoding feature; it is compiled
with grpc_tools at session start so the production protos stay free of test services.
"""

from __future__ import annotations

import importlib
import importlib.util
import secrets
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from grpc_tools import protoc
from gw_testlib import ECHO_PUBLIC, ECHO_SERVICE, gateway_settings, make_echo_servicer
from kam_gateway.identity.servicer import SERVICE_NAME as IDENTITY_SERVICE
from kam_gateway.server import GatewayServer
from kam_kit.grpcserver import GrpcServer

HERE = Path(__file__).parent


def _include_dir(package: str, marker: str) -> Path:
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations
    for location in spec.submodule_search_locations:
        if (Path(location) / marker).exists():
            return Path(location)
    raise RuntimeError(f"{marker} not found in {package}")


@pytest.fixture(scope="session")
def echo_pb(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """The compiled test proto: ``.pb2`` and ``.grpc`` modules."""
    out = tmp_path_factory.mktemp("echo_gen")
    googleapis = _include_dir("google.api", "annotations.proto").parent.parent
    well_known = Path(protoc.__file__).parent / "_proto"
    rc = protoc.main(
        [
            "protoc",
            f"-I{HERE / 'protos'}",
            f"-I{googleapis}",
            f"-I{well_known}",
            f"--python_out={out}",
            f"--grpc_python_out={out}",
            str(HERE / "protos/echotest/echo.proto"),
        ]
    )
    assert rc == 0, "protoc failed on the test proto"
    sys.path.insert(0, str(out))
    pb2 = importlib.import_module("echotest.echo_pb2")
    pb2_grpc = importlib.import_module("echotest.echo_pb2_grpc")
    return SimpleNamespace(pb2=pb2, grpc=pb2_grpc, service=pb2.DESCRIPTOR.services_by_name["EchoService"])


@pytest.fixture(scope="session")
def token_secret() -> str:
    return secrets.token_urlsafe(32)


@pytest.fixture(scope="session")
async def echo_backend(echo_pb, token_secret) -> AsyncIterator[GrpcServer]:
    """The echo service behind the lead's GrpcServer (auth + KamError → status with details)."""
    server = GrpcServer("echotest", 0, token_secret=token_secret, public_methods=ECHO_PUBLIC)
    server.add(
        echo_pb.grpc.add_EchoServiceServicer_to_server,
        make_echo_servicer(echo_pb.pb2, echo_pb.grpc),
        ECHO_SERVICE,
    )
    await server.start()
    yield server
    await server.stop(0)


@pytest.fixture(scope="session")
async def gateway(echo_pb, echo_backend, token_secret) -> AsyncIterator[GatewayServer]:
    """The real gateway (uvicorn + its identity gRPC server) routing to the echo backend."""
    from kam.identity.v1 import identity_service_pb2

    services = [echo_pb.service, identity_service_pb2.DESCRIPTOR.services_by_name["IdentityService"]]
    assert services[1].full_name == IDENTITY_SERVICE
    environ = {"KAM_ECHOTEST_ADDR": f"127.0.0.1:{echo_backend.port}", "KAM_DEMO_PASSWORD": "demo-pass"}
    from kam_gateway.identity.demo_users import DemoDirectory

    server = GatewayServer(
        gateway_settings(token_secret),
        services=services,
        environ=environ,
        directory=DemoDirectory("demo-pass"),
        public_methods=ECHO_PUBLIC,
    )
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def client(gateway: GatewayServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{gateway.http_port}", timeout=10) as c:
        yield c


@pytest.fixture
async def token(client: httpx.AsyncClient) -> str:
    """A real token for ``rm_zhang``, obtained through ``POST /v1/auth:login``."""
    r = await client.post("/v1/auth:login", json={"username": "rm_zhang", "password": "demo-pass"})
    assert r.status_code == 200, r.text
    return r.json()["accessToken"]
