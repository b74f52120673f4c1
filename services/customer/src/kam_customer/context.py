"""What the parts of the customer service share: one database, one clock, the settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kam_kit import pagination
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.settings import ServiceSettings

from kam_customer.domain.names import AccountNames
from kam_customer.settings import CustomerSettings

SERVICE = "customer"
MIGRATIONS = Path(__file__).parent / "migrations"


def derive_secret(token_secret: str) -> bytes:
    """The service's own secret (page tokens, account names), derived from ``KAM_TOKEN_SECRET`` so that every
    process of the service — servers, the scan and key-date commands — derives the same one."""
    return pagination.page_secret(token_secret)


@dataclass
class CustomerContext:
    db: Database
    clock: Clock
    settings: ServiceSettings
    customer_settings: CustomerSettings
    page_secret: bytes
    account_names: AccountNames
