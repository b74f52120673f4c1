"""Resource names of the customer 360 API (``customers/{c}/accounts/{a}`` …) and opaque account keys."""

from __future__ import annotations

import hmac

from kam_kit.errors import InvalidArgument


def parse(name: str, collections: tuple[str, ...], field_path: str, *, singleton: str = "") -> tuple[str, ...]:
    """The ids of ``name`` = ``customers/{a}/<collections[1]>/{b}…`` (plus a trailing singleton segment).

    ``parse("customers/c1/contacts/k1", ("customers", "contacts"), "name")`` → ``("c1", "k1")``.
    """
    parts = name.split("/")
    expected = len(collections) * 2 + (1 if singleton else 0)
    pattern = "/".join(f"{c}/{{{c[:-1]}}}" for c in collections) + (f"/{singleton}" if singleton else "")
    ok = len(parts) == expected and all(parts[i * 2] == c and parts[i * 2 + 1] for i, c in enumerate(collections))
    if ok and singleton:
        ok = parts[-1] == singleton
    if not ok:
        raise InvalidArgument.for_field(field_path, f"应为 {pattern} (must be {pattern})")
    return tuple(parts[i * 2 + 1] for i in range(len(collections)))


_account_secret = b"kam-account-names"


def configure_account_names(secret: bytes) -> None:
    """Set the process-wide key of account names (bootstrap does, from the service's secret), so that the API
    and the events the scan publishes name an account the same way."""
    global _account_secret
    _account_secret = secret


def account_key(account_number: str, secret: bytes | None = None) -> str:
    """The account's id in resource names: a keyed hash, so names never reveal account numbers."""
    key = _account_secret if secret is None else secret
    return hmac.digest(key, b"account:" + account_number.encode(), "sha256").hex()[:20]


def account_name(customer_id: str, account_number: str) -> str:
    return f"customers/{customer_id}/accounts/{account_key(account_number)}"
