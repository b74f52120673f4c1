"""What the parts of the customer service share: one database, one clock, the settings."""

from __future__ import annotations

from dataclasses import dataclass

from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.settings import ServiceSettings

from kam_customer.settings import CustomerSettings

SERVICE = "customer"


@dataclass
class CustomerContext:
    db: Database
    clock: Clock
    settings: ServiceSettings
    customer_settings: CustomerSettings
    page_secret: bytes
