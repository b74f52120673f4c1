"""Which backend serves which gRPC service: by proto package; the processes' own protocol (kam.api.v1) is none."""

from __future__ import annotations

import logging

from kam_gateway.backends import backends_from_env


def test_each_service_goes_to_its_package_backend_and_the_internal_protocol_to_none(caplog) -> None:
    services = [
        "kam.customer.v1.CustomerService",
        "kam.customer.v1.TierService",
        "kam.identity.v1.IdentityService",
        "kam.api.v1.BackupService",
        "kam.api.v1.StatusService",
    ]
    environ = {"KAM_CUSTOMER_ADDR": "10.0.0.5:50051", "KAM_GATEWAY_GRPC_ADDR": "127.0.0.1:50050"}
    with caplog.at_level(logging.WARNING, logger="kam_gateway.backends"):
        backends = backends_from_env(services, environ)
    assert {name: b.address for name, b in backends.items()} == {
        "customer": "10.0.0.5:50051",
        "gateway": "127.0.0.1:50050",
    }
    assert caplog.records == []  # nothing said about kam.api.v1: it is not routed


def test_a_routed_service_without_an_address_is_said_and_skipped(caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="kam_gateway.backends"):
        backends = backends_from_env(["kam.elsewhere.v1.ThingService"], {})
    assert backends == {}
    assert "kam.elsewhere.v1.ThingService" in caplog.text
