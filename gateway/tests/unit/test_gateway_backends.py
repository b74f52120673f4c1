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


def test_replicas_listed_in_an_address_become_one_target_for_the_backends_channel(caplog) -> None:
    environ = {
        "KAM_CUSTOMER_ADDR": "127.0.0.1:50051,127.0.0.1:50061",
        "KAM_ALERT_ADDR": "alert-0:1,alert-1:1",
    }
    with caplog.at_level(logging.WARNING, logger="kam_gateway.backends"):
        backends = backends_from_env(
            ["kam.customer.v1.CustomerService", "kam.alert.v1.AlertService"], environ
        )
    assert backends["customer"].address == "ipv4:127.0.0.1:50051,127.0.0.1:50061"
    assert "alert" not in backends  # an address gRPC cannot dial is said and its routes not served
    assert "KAM_ALERT_ADDR" in caplog.text and "dns:///" in caplog.text
