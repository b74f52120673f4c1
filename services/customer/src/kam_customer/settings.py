"""Settings of the customer service beyond the kit's (all from environment variables)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kam_kit.settings import env_bool, env_int, env_str

PACKAGE_DIR = Path(__file__).parent
DEFAULT_MAPPING = PACKAGE_DIR / "mappings" / "demo.toml"


@dataclass(frozen=True)
class CustomerSettings:
    #: SQLAlchemy URL of the core-banking source (read-only to KAM).
    source_url: str
    #: The mapping file that says which source tables/columns hold what.
    mapping_path: Path
    #: When scheduled scans run (cron expression, local time of the bank).
    scan_cron: str
    #: Run a full scan at start when KAM has never scanned.
    scan_on_start: bool
    #: KeyDateApproaching is published this many days ahead of a key date (the announcement horizon).
    key_date_lead_days: int = 30
    #: When the key-date sweep runs (cron expression, local time of the bank); it also runs at start.
    key_date_cron: str = "5 0 * * *"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> CustomerSettings:
        return cls(
            source_url=env_str("KAM_CUSTOMER_SOURCE_URL", "sqlite:///var/core-banking.db", environ=environ),
            mapping_path=Path(env_str("KAM_CUSTOMER_SOURCE_MAPPING", str(DEFAULT_MAPPING), environ=environ)),
            scan_cron=env_str("KAM_CUSTOMER_SCAN_CRON", "*/15 * * * *", environ=environ),
            scan_on_start=env_bool("KAM_CUSTOMER_SCAN_ON_START", True, environ=environ),
            key_date_lead_days=env_int("KAM_CUSTOMER_KEY_DATE_LEAD_DAYS", 30, minimum=1, maximum=366,
                                       environ=environ),
            key_date_cron=env_str("KAM_CUSTOMER_KEY_DATE_CRON", "5 0 * * *", environ=environ),
        )
