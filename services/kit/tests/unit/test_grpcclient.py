"""An address setting as a gRPC target: one server, a DNS name, or replicas listed by IP address."""

from __future__ import annotations

import pytest
from kam_kit.grpcclient import target
from kam_kit.settings import SettingsError


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("10.0.0.5:50051", "10.0.0.5:50051"),
        ("kam-customer:50051", "kam-customer:50051"),
        ("dns:///kam-customer:50051", "dns:///kam-customer:50051"),
        ("unix:/run/kam/customer.sock", "unix:/run/kam/customer.sock"),
        ("127.0.0.1:50051,127.0.0.1:50061", "ipv4:127.0.0.1:50051,127.0.0.1:50061"),
        (" 10.0.0.5:50051 , 10.0.0.6:50051 ,", "ipv4:10.0.0.5:50051,10.0.0.6:50051"),
        ("[::1]:50051,[fd00::2]:50051", "ipv6:[::1]:50051,[fd00::2]:50051"),
    ],
)
def test_an_address_becomes_the_target_that_reaches_every_replica_it_names(
    address: str, expected: str
) -> None:
    assert target(address) == expected


@pytest.mark.parametrize(
    ("address", "named"),
    [
        ("kam-customer-0:50051,kam-customer-1:50051", "dns:///"),  # host names in a list: gRPC cannot
        ("127.0.0.1:50051,127.0.0.1", "'127.0.0.1'"),  # no port
        ("127.0.0.1:50051,127.0.0.1:70000", "70000"),  # no such port
        ("127.0.0.1:50051,[::1]:50051", "not both"),
    ],
)
def test_a_list_that_grpc_could_not_dial_is_refused_naming_the_fault(address: str, named: str) -> None:
    with pytest.raises(SettingsError) as refused:
        target(address)
    assert named in str(refused.value)
