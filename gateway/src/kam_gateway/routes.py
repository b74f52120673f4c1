"""The route table, built from the ``google.api.http`` rules of gRPC service descriptors.

Nothing here is written per method: every HTTP route comes from a proto annotation (like grpc-gateway or
Envoy's gRPC-JSON transcoder), and the OpenAPI document is generated from the same :class:`Route` list.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass

from google.api import annotations_pb2, http_pb2
from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor

from kam_gateway.fieldpath import resolve_field_path
from kam_gateway.pathtemplate import PathTemplate, compile_template

log = logging.getLogger(__name__)

_VERBS = ("get", "put", "post", "delete", "patch")


@dataclass(frozen=True)
class Route:
    http_method: str  # upper case
    template: PathTemplate
    body: str  # "" (no body), "*" or a field path
    response_body: str  # "" (whole response) or a field name
    method: MethodDescriptor

    @property
    def grpc_path(self) -> str:
        return f"/{self.method.containing_service.full_name}/{self.method.name}"

    @property
    def server_streaming(self) -> bool:
        return self.method.server_streaming

    @property
    def uploads_file(self) -> bool:
        """Whether the request carries a file (a top-level ``bytes`` field, base64 in JSON): such a route takes
        the larger upload limit."""
        return any(f.type == f.TYPE_BYTES for f in self.method.input_type.fields)


class RouteError(ValueError):
    """An http rule that cannot be served (bad template, unknown body field…)."""


def http_rule(method: MethodDescriptor) -> http_pb2.HttpRule | None:
    options = method.GetOptions()
    if not options.HasExtension(annotations_pb2.http):
        return None
    return options.Extensions[annotations_pb2.http]


def routes_for_service(service: ServiceDescriptor) -> list[Route]:
    routes: list[Route] = []
    for method in service.methods:
        rule = http_rule(method)
        if rule is None:
            continue
        if method.client_streaming:
            log.warning("skipping client-streaming method %s: not transcoded", method.full_name)
            continue
        for binding in [rule, *rule.additional_bindings]:
            routes.append(_route(method, binding))
    return routes


def _route(method: MethodDescriptor, rule: http_pb2.HttpRule) -> Route:
    pattern = rule.WhichOneof("pattern")
    if pattern is None:
        raise RouteError(f"{method.full_name}: http rule has no pattern")
    if pattern == "custom":
        verb, path = rule.custom.kind.upper(), rule.custom.path
    else:
        verb, path = pattern.upper(), getattr(rule, pattern)
    try:
        template = compile_template(path)
    except ValueError as exc:
        raise RouteError(f"{method.full_name}: {exc}") from exc
    _check_fields(method, template, rule.body, rule.response_body)
    return Route(verb, template, rule.body, rule.response_body, method)


def _check_fields(method: MethodDescriptor, template: PathTemplate, body: str, response_body: str) -> None:
    for var in template.variables:
        try:
            resolve_field_path(method.input_type, var.field_path)
        except ValueError as exc:
            raise RouteError(f"{method.full_name}: path variable {var.field_path}: {exc}") from exc
    if body and body != "*":
        try:
            resolve_field_path(method.input_type, body)
        except ValueError as exc:
            raise RouteError(f"{method.full_name}: body {body}: {exc}") from exc
    if response_body and response_body not in method.output_type.fields_by_name:
        raise RouteError(f"{method.full_name}: response_body {response_body} is not a field")


def build_routes(services: Iterable[ServiceDescriptor]) -> list[Route]:
    routes = [r for s in services for r in routes_for_service(s)]
    seen: dict[tuple[str, str], Route] = {}
    for r in routes:
        key = (r.http_method, r.template.template)
        if key in seen:
            raise RouteError(
                f"{r.http_method} {r.template.template} is bound by both "
                f"{seen[key].method.full_name} and {r.method.full_name}"
            )
        seen[key] = r
    routes.sort(key=lambda r: r.template.specificity, reverse=True)
    return routes


def discover_services(package: str = "kam") -> list[ServiceDescriptor]:
    """Every gRPC service in the generated ``*_pb2`` modules under ``package`` (``kam.<svc>.v1``)."""
    try:
        root = importlib.import_module(package)
    except ImportError:
        log.warning("no generated protos found under %r", package)
        return []
    services: dict[str, ServiceDescriptor] = {}
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        if not info.name.endswith("_pb2"):
            continue
        module = importlib.import_module(info.name)
        for service in module.DESCRIPTOR.services_by_name.values():
            services[service.full_name] = service
    return [services[name] for name in sorted(services)]


@dataclass(frozen=True)
class Match:
    route: Route
    variables: dict[str, str]


class Router:
    """Finds the route for (method, raw path); tells "no such path" (404) from "wrong method" (405)."""

    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes

    def match(self, http_method: str, raw_path: str) -> tuple[Match | None, set[str]]:
        """The match for the method, else None and the methods the path does allow (empty → 404)."""
        allowed: set[str] = set()
        for route in self.routes:
            variables = route.template.match(raw_path)
            if variables is None:
                continue
            if route.http_method == http_method:
                return Match(route, variables), set()
            allowed.add(route.http_method)
        return None, allowed
