"""Where a call comes from, for the audit trail: the gateway's forwarded client believed, nobody else's."""

from __future__ import annotations

import pytest
from kam_kit.grpcserver import origin, trusted_forwarders
from kam_kit.settings import SettingsError

DEFAULT = trusted_forwarders({})
FORWARDED = {
    "x-forwarded-for": "203.0.113.9, 10.0.0.1",
    "x-forwarded-user-agent": "Mozilla/5.0",
    "user-agent": "grpc-python/1.7",
}


@pytest.mark.parametrize(
    "peer",
    [
        "ipv4:127.0.0.1:50000",
        "ipv4:10.42.0.17:41234",
        "ipv4:192.168.1.5:1",
        "ipv6:[::1]:50000",
        "ipv6:[fd00::5]:9",
        "unix:/run/kam.sock",
    ],
)
def test_a_forwarder_on_a_trusted_network_names_the_client_it_serves(peer: str) -> None:
    assert origin(FORWARDED, peer, DEFAULT) == ("203.0.113.9", "Mozilla/5.0")


@pytest.mark.parametrize(
    "peer,address", [("ipv4:198.51.100.7:5000", "198.51.100.7"), ("ipv6:[2001:db8::1]:443", "2001:db8::1")]
)
def test_anyone_else_is_named_by_its_own_address_and_client(peer: str, address: str) -> None:
    assert origin(FORWARDED, peer, DEFAULT) == (address, "grpc-python/1.7")


def test_without_forwarded_values_the_peer_itself_counts() -> None:
    assert origin({"user-agent": "grpc-go/1.60"}, "ipv4:127.0.0.1:6000", DEFAULT) == (
        "127.0.0.1",
        "grpc-go/1.60",
    )
    assert origin({}, "", DEFAULT) == ("", "")


def test_the_trusted_networks_are_configurable() -> None:
    only_gateway = trusted_forwarders({"KAM_TRUSTED_FORWARDERS": "10.42.0.0/16"})
    assert origin(FORWARDED, "ipv4:10.42.3.4:1", only_gateway)[0] == "203.0.113.9"
    assert origin(FORWARDED, "ipv4:10.43.3.4:1", only_gateway)[0] == "10.43.3.4"
    assert (
        origin(FORWARDED, "ipv4:127.0.0.1:1", trusted_forwarders({"KAM_TRUSTED_FORWARDERS": ""}))[0]
        == "127.0.0.1"
    )
    with pytest.raises(SettingsError, match="KAM_TRUSTED_FORWARDERS"):
        trusted_forwarders({"KAM_TRUSTED_FORWARDERS": "10.0.0.0/8, the gateway"})


def test_long_values_are_cut_to_what_the_trail_keeps() -> None:
    long = {"x-forwarded-for": "a" * 100, "x-forwarded-user-agent": "b" * 400}
    address, client = origin(long, "ipv4:127.0.0.1:1", DEFAULT)
    assert (len(address), len(client)) == (64, 255)
