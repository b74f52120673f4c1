"""The one list of KAM's services: what every other place (settings, the gateway's backend table, the local runner,
the test harness, the proto checks and the Kubernetes manifests) reads instead of naming services itself.

Adding a service ``<svc>`` is its folder ``services/<svc>/`` plus one :class:`Service` entry in :data:`SERVICES`
(see docs/adding-a-service.md). Everything a service is called follows from its name:

=====================  ==========================================
distribution / script  ``kam-<svc>`` (``kam-<svc> serve|migrate``)
Python package         ``kam_<svc>``
environment prefix     ``KAM_<SVC>_`` (``GRPC_PORT``, ``GRPC_HOST``, ``DATABASE_URL``, ``ADDR``)
proto package          ``kam.<svc>.v1`` (the gateway: ``kam.identity.v1``)
event stream           ``KAM_<SVC>`` (only when ``produces_events``)
=====================  ==========================================

Out-of-tree services (and the test that follows docs/adding-a-service.md) can add entries without editing this
file through ``KAM_EXTRA_SERVICES``: a JSON list of objects with :class:`Service`'s fields, e.g.
``[{"name": "risk", "grpc_port": 50056, "produces_events": false, "consumes": ["customer"]}]``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

EXTRA_SERVICES_ENV = "KAM_EXTRA_SERVICES"


@dataclass(frozen=True)
class Service:
    """One KAM process that serves gRPC: a backend service, or the gateway (:data:`GATEWAY`)."""

    name: str
    grpc_port: int
    produces_events: bool
    #: services whose events this one applies (one durable consumer each); the CDC feed is not a service
    consumes: tuple[str, ...] = ()
    #: one line for people: the manifests' header comment, ``deploy/local/run.py --plan``
    summary: str = ""
    #: the gRPC package it serves, ``kam.<proto_package>.v1`` (default: its name)
    proto_package: str = ""
    #: Kubernetes: the container's memory limit in the base manifests, and why when it differs
    memory_limit: str = "512Mi"
    memory_note: str = ""
    #: Kubernetes production overlay: replicas, and whether it gets the bigger pods of the heavy lifters
    production_replicas: int = 2
    heavy: bool = False
    #: Kubernetes: a node-local scratch directory (an ``emptyDir`` of this size at ``/var/lib/kam/scratch``) for what
    #: the process rebuilds after a restart; "" → none
    scratch: str = ""
    #: environment variables of its own in the manifests (name, value), e.g. where in the scratch directory
    extra_env: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or not self.name.islower():
            raise ValueError(f"service name {self.name!r} must be a lower-case identifier")
        object.__setattr__(self, "consumes", tuple(self.consumes))
        object.__setattr__(self, "extra_env", tuple((str(k), str(v)) for k, v in self.extra_env))
        if not self.proto_package:
            object.__setattr__(self, "proto_package", self.name)

    @property
    def env_prefix(self) -> str:
        """``KAM_<SVC>_``: the prefix of every environment variable of this service."""
        return f"KAM_{self.name.upper()}_"

    def env(self, key: str) -> str:
        """The environment variable ``KAM_<SVC>_<key>``, e.g. ``env("GRPC_PORT")``."""
        return self.env_prefix + key

    @property
    def distribution(self) -> str:
        """The Python distribution and its console script: ``kam-<svc>``."""
        return f"kam-{self.name}"

    script = distribution

    @property
    def package(self) -> str:
        """The import package: ``kam_<svc>``."""
        return f"kam_{self.name}"

    @property
    def default_database_url(self) -> str:
        return f"sqlite+aiosqlite:///var/{self.name}.db"


#: The gateway: the HTTP/JSON front door, which also serves ``kam.identity.v1`` over gRPC.
GATEWAY = Service(
    "gateway",
    50050,
    produces_events=True,
    proto_package="identity",
    summary="HTTP/JSON gateway, identity/org, web console.",
    production_replicas=3,
)

#: The backend services, in start order. THE list: nothing else in the repository names them.
SERVICES: tuple[Service, ...] = (
    Service(
        "customer",
        50051,
        produces_events=True,
        consumes=("task",),
        summary="customer 360, core-banking scan, metrics and tiers.",
        memory_limit="1Gi",
        memory_note="A full scan of a 1,000,000-customer bank peaks at about 510 MB (batches of 2,000; "
        "docs/performance.md).",
        production_replicas=3,
        heavy=True,
    ),
    Service(
        "alert",
        50052,
        produces_events=True,
        consumes=("customer", "task"),
        summary="alert rules, transaction monitoring, reminders, alert lifecycle.",
        production_replicas=3,
        heavy=True,
    ),
    Service("task", 50053, produces_events=True, summary="tasks and marketing campaigns."),
    Service(
        "notice",
        50054,
        produces_events=True,
        consumes=("customer", "alert", "task", "report"),
        summary="announcements and delivery of notifications.",
    ),
    Service(  # publishes scheduled reports for the notice service to deliver
        "report",
        50055,
        produces_events=True,
        consumes=("customer", "alert", "task"),
        summary="analytical store and report center.",
        heavy=True,
        # the columnar (DuckDB) copy of the store that the money reports read (services/report/README.md)
        scratch="8Gi",
        extra_env=(
            ("KAM_REPORT_COLUMNAR_PATH", "/var/lib/kam/scratch/report.duckdb"),
            ("KAM_REPORT_COLUMNAR_MEMORY", "256MB"),
        ),
    ),
)


def _extra(environ: Mapping[str, str] | None = None) -> tuple[Service, ...]:
    raw = (os.environ if environ is None else environ).get(EXTRA_SERVICES_ENV, "").strip()
    if not raw:
        return ()
    try:
        entries = json.loads(raw)
        known = {f.name for f in fields(Service)}
        return tuple(Service(**{k: v for k, v in entry.items() if k in known}) for entry in entries)
    except (ValueError, TypeError, AttributeError) as exc:
        raise ValueError(f"{EXTRA_SERVICES_ENV} must be a JSON list of service entries: {exc}") from None


def services(environ: Mapping[str, str] | None = None) -> tuple[Service, ...]:
    """The backend services in start order (the built-in ones, then any from ``KAM_EXTRA_SERVICES``)."""
    out = (*SERVICES, *_extra(environ))
    names = [s.name for s in out]
    ports = [s.grpc_port for s in (GATEWAY, *out)]
    if len(set(names)) != len(names) or GATEWAY.name in names:
        raise ValueError(f"service names must be unique: {names}")
    if len(set(ports)) != len(ports):
        raise ValueError(f"default gRPC ports must be unique: {ports}")
    return out


def processes(environ: Mapping[str, str] | None = None) -> tuple[Service, ...]:
    """Every gRPC process, in start order: the services, then the gateway."""
    return (*services(environ), GATEWAY)


def names(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The backend services' names, in start order."""
    return tuple(s.name for s in services(environ))


def get(name: str, environ: Mapping[str, str] | None = None) -> Service:
    """The entry of service ``name`` (``gateway`` included); ``KeyError`` naming the known ones otherwise."""
    for entry in processes(environ):
        if entry.name == name:
            return entry
    known = ", ".join(s.name for s in processes(environ))
    raise KeyError(f"no KAM service named {name!r} in kam_kit.registry (known: {known})")


def by_proto_package(package: str, environ: Mapping[str, str] | None = None) -> Service | None:
    """The process that serves ``kam.<package>.v1`` (``identity`` → the gateway), or None."""
    return next((s for s in processes(environ) if s.proto_package == package), None)


def default_grpc_ports(environ: Mapping[str, str] | None = None) -> dict[str, int]:
    """``{name: default gRPC port}`` for every process, the gateway first."""
    return {s.name: s.grpc_port for s in (GATEWAY, *services(environ))}
