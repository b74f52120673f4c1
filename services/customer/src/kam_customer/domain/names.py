"""Resource names of the customer 360 API (``customers/{c}/accounts/{a}`` …) and opaque account keys (pure)."""

from __future__ import annotations

import hmac

from kam_kit.errors import InvalidArgument


def parse(
    name: str, collections: tuple[str, ...], field_path: str, *, singleton: str = ""
) -> tuple[str, ...]:
    """The ids of ``name`` = ``customers/{a}/<collections[1]>/{b}…`` (plus a trailing singleton segment).

    ``parse("customers/c1/contacts/k1", ("customers", "contacts"), "name")`` → ``("c1", "k1")``.
    """
    parts = name.split("/")
    expected = len(collections) * 2 + (1 if singleton else 0)
    pattern = "/".join(f"{c}/{{{c[:-1]}}}" for c in collections) + (f"/{singleton}" if singleton else "")
    ok = len(parts) == expected and all(
        parts[i * 2] == c and parts[i * 2 + 1] for i, c in enumerate(collections)
    )
    if ok and singleton:
        ok = parts[-1] == singleton
    if not ok:
        raise InvalidArgument.for_field(field_path, f"应为 {pattern} (must be {pattern})")
    return tuple(parts[i * 2 + 1] for i in range(len(collections)))


class AccountNames:
    """Accounts' ids in resource names: a keyed hash of the account number, so that names never reveal account
    numbers. One secret per deployment (derived from ``KAM_TOKEN_SECRET``, :func:`kam_customer.context.derive_secret`)
    is passed to everything that names accounts — the API, the scan, the ingestion path, key dates, the CLI — so
    that an event and the API name an account identically."""

    def __init__(self, secret: bytes) -> None:
        if not secret:
            raise ValueError("the account-name secret must not be empty")
        self._secret = secret
        self._keys: dict[str, str] = {}

    def key(self, account_number: str) -> str:
        key = self._keys.get(account_number)
        if key is None:
            if len(self._keys) > 100_000:  # a scan names many accounts; keep the memo bounded
                self._keys.clear()
            key = self._keys[account_number] = hmac.digest(
                self._secret, b"account:" + account_number.encode(), "sha256"
            ).hex()[:20]
        return key

    def name(self, customer_id: str, account_number: str) -> str:
        return f"customers/{customer_id}/accounts/{self.key(account_number)}"
