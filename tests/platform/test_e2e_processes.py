"""End to end: every KAM process starts through kam_processes, reports SERVING, and comes back after a kill."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest
from kam_devkit.procs import GrpcHealthProbe
from kam_devkit.testing import GATEWAY, SERVICES, KamProcesses

pytestmark = pytest.mark.e2e


def wait_status(url: str, expected: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        try:
            status = httpx.get(url, timeout=2).status_code
        except httpx.HTTPError:
            status = None
        if status == expected:
            return
        time.sleep(0.2)
    raise AssertionError(f"{url} answered {status}, expected {expected}")


def test_all_services_start_and_recover_from_a_crash(kam_processes: Callable[..., KamProcesses]) -> None:
    kam = kam_processes(*SERVICES, GATEWAY)
    for name in (*SERVICES, GATEWAY):
        assert GrpcHealthProbe(kam.grpc_addr(name)).status() == "SERVING", name
    wait_status(f"{kam.gateway_url}/healthz", 200)
    wait_status(f"{kam.gateway_url}/readyz", 200)

    kam.kill("customer")
    wait_status(f"{kam.gateway_url}/readyz", 503)  # a backend is down: not ready, but alive
    wait_status(f"{kam.gateway_url}/healthz", 200)
    kam.restart("customer")
    wait_status(f"{kam.gateway_url}/readyz", 200)
