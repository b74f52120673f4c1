"""Typed settings from environment variables (12-factor).

Every value comes from the environment with a documented default; a bad or missing value fails at start with a
message that names the variable. Secrets are wrapped in :class:`Secret` so they never print.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

from kam_kit import registry

#: ``{name: default gRPC port}`` of the gateway and the built-in services, from :mod:`kam_kit.registry`.
DEFAULT_GRPC_PORTS = registry.default_grpc_ports({})
DEFAULT_NATS_URL = "nats://127.0.0.1:4222"


class SettingsError(ValueError):
    """A configuration problem; the message names the environment variable."""


class Secret(str):
    """A string that hides itself in repr/str formatting used by logs."""

    def __repr__(self) -> str:
        return "Secret('********')"

    def reveal(self) -> str:
        return str.__str__(self)


def _env(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def env_str(name: str, default: str | None = None, *, environ: Mapping[str, str] | None = None) -> str:
    value = _env(environ).get(name)
    if value is None or value == "":
        if default is None:
            raise SettingsError(f"环境变量 {name} 未设置 (environment variable {name} is required)")
        return default
    return value


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    raw = _env(environ).get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"环境变量 {name} 必须是整数 ({name} must be an integer, got {raw!r})") from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise SettingsError(f"{name}={value} out of range [{minimum}, {maximum}]")
    return value


def env_float(name: str, default: float, *, environ: Mapping[str, str] | None = None) -> float:
    raw = _env(environ).get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise SettingsError(f"环境变量 {name} 必须是数字 ({name} must be a number, got {raw!r})") from None


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    raw = _env(environ).get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true/false, got {raw!r}")


def env_secret(name: str, *, min_length: int = 0, environ: Mapping[str, str] | None = None) -> Secret:
    value = env_str(name, environ=environ)
    if len(value) < min_length:
        raise SettingsError(f"{name} must be at least {min_length} characters long")
    return Secret(value)


@dataclass(frozen=True)
class ServiceSettings:
    """What every KAM service process reads at start."""

    service: str
    grpc_host: str
    grpc_port: int
    database_url: str
    nats_url: str
    token_secret: Secret
    shutdown_grace_seconds: float
    outbox_poll_seconds: float
    outbox_batch_size: int
    consumer_max_deliver: int
    #: Where the service keeps its backups (kam_kit.backup); "" → backups are refused.
    backup_dir: str = ""
    #: A client connection older than this is asked to reconnect (0: never), so that clients resolving the
    #: service's name (``dns:///``) find replicas started since (kam_kit.grpcclient).
    grpc_max_connection_age_seconds: float = 0.0

    @classmethod
    def from_env(cls, service: str, environ: Mapping[str, str] | None = None) -> ServiceSettings:
        entry = registry.get(service, environ)
        prefix = entry.env_prefix
        return cls(
            service=service,
            grpc_host=env_str(prefix + "GRPC_HOST", "127.0.0.1", environ=environ),
            grpc_port=env_int(
                prefix + "GRPC_PORT", entry.grpc_port, minimum=0, maximum=65535, environ=environ
            ),
            database_url=env_str(prefix + "DATABASE_URL", entry.default_database_url, environ=environ),
            nats_url=env_str("KAM_NATS_URL", DEFAULT_NATS_URL, environ=environ),
            token_secret=env_secret("KAM_TOKEN_SECRET", min_length=32, environ=environ),
            shutdown_grace_seconds=env_float("KAM_SHUTDOWN_GRACE_SECONDS", 5.0, environ=environ),
            outbox_poll_seconds=env_float("KAM_OUTBOX_POLL_SECONDS", 0.5, environ=environ),
            outbox_batch_size=env_int("KAM_OUTBOX_BATCH_SIZE", 1000, minimum=1, environ=environ),
            consumer_max_deliver=env_int("KAM_CONSUMER_MAX_DELIVER", 5, minimum=1, environ=environ),
            backup_dir=env_str(prefix + "BACKUP_DIR", f"var/backups/{service}", environ=environ),
            grpc_max_connection_age_seconds=env_float(
                "KAM_GRPC_MAX_CONNECTION_AGE_SECONDS", 0.0, environ=environ
            ),
        )

    def redacted(self) -> dict[str, object]:
        """Settings as a dict safe to log: secrets and database passwords hidden."""
        out: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Secret):
                value = "********"
            elif f.name.endswith("_url") and isinstance(value, str):
                value = redact_url(value)
            out[f.name] = value
        return out


def redact_url(url: str) -> str:
    """Hide the password in a URL like ``postgresql://user:pw@host/db``."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    creds, _, host = rest.rpartition("@")
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else url
