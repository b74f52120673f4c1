"""Where a KAM process reaches another over gRPC: the address a setting names, as a gRPC target, and the channel
options that spread calls over every replica behind it.

An address (``KAM_<SVC>_ADDR``) is one of

- ``host:port`` — one server, or every address the host name resolves to;
- ``dns:///name:port`` — every address a DNS name resolves to, looked up again whenever a connection to one of them
  breaks (a Kubernetes headless Service: one address per ready pod);
- ``ip:port,ip:port,…`` — several replicas named one by one (replicas on one machine, on ports of their own);
- any other gRPC target URI (``ipv4:``, ``ipv6:``, ``unix:``).

A channel holds one HTTP/2 connection per address and sends each call to the next ready one (``round_robin``): a
busy service's load is shared by its replicas instead of pinned to whichever replica the one connection of a
``pick_first`` channel reached, and a replica that stops is left out until it answers again.
"""

from __future__ import annotations

import ipaddress

from kam_kit.settings import SettingsError

#: gRPC's own target schemes (grpc/doc/naming.md) kept as they are
_SCHEMES = ("dns:", "ipv4:", "ipv6:", "unix:", "unix-abstract:", "vsock:")

#: Every call to the next ready address of the target
LOAD_BALANCING = (("grpc.lb_policy_name", "round_robin"),)


def target(address: str) -> str:
    """The gRPC target for an address setting (see the module); a list names IP addresses only."""
    address = address.strip()
    if address.startswith(_SCHEMES):
        return address
    if "," not in address:
        return address
    parts = [part.strip() for part in address.split(",") if part.strip()]
    families = {_family(part, address) for part in parts}
    if len(families) > 1:
        raise SettingsError(f"{address!r}: list IPv4 or IPv6 addresses, not both")
    return f"{families.pop()}:{','.join(parts)}"


def _family(part: str, address: str) -> str:
    host, sep, port = part.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    try:
        ip = ipaddress.ip_address(host)
        if not sep or not 0 < int(port) < 65536:
            raise ValueError(port)
    except ValueError:
        raise SettingsError(
            f"{address!r}: a list of replicas names each as ip:port ({part!r} is not); "
            "for a host name use dns:///name:port"
        ) from None
    return "ipv4" if ip.version == 4 else "ipv6"
