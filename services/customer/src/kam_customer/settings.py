"""Settings of the customer service beyond the kit's (all from environment variables)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kam_kit.settings import SettingsError, env_bool, env_int, env_str

PACKAGE_DIR = Path(__file__).parent
DEFAULT_MAPPING = PACKAGE_DIR / "mappings" / "demo.toml"
#: Selected customers copied (and committed with the scan's checkpoint) per batch. Larger batches amortise each
#: batch's fixed statements and keep inserts local (docs/performance.md: 1,000 → 2,000 → 5,000 took a 1 M-customer
#: full scan from 153 s to 127–134 s to 120 s) at the price of memory (about 100 MB more per 1,000 in flight).
DEFAULT_SCAN_BATCH_SIZE = 2000


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
    #: Selected customers per committed scan batch.
    scan_batch_size: int = DEFAULT_SCAN_BATCH_SIZE
    #: Exchange rates of scanned accounts' currencies (CNY per unit), e.g. ``{"CZK": Decimal("0.31")}``; a rate
    #: table the mapping names (``entities.fx_rate``) wins.
    fx_rates: dict[str, Decimal] = field(default_factory=dict)
    #: The bank's time zone (IANA name): its business dates, the cron schedules, key dates, and the source's
    #: naive timestamps unless the mapping names their zone.
    bank_timezone: str = "Asia/Shanghai"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> CustomerSettings:
        return cls(
            source_url=env_str("KAM_CUSTOMER_SOURCE_URL", "sqlite:///var/core-banking.db", environ=environ),
            mapping_path=Path(env_str("KAM_CUSTOMER_SOURCE_MAPPING", str(DEFAULT_MAPPING), environ=environ)),
            scan_cron=env_str("KAM_CUSTOMER_SCAN_CRON", "*/15 * * * *", environ=environ),
            scan_on_start=env_bool("KAM_CUSTOMER_SCAN_ON_START", True, environ=environ),
            key_date_lead_days=env_int(
                "KAM_CUSTOMER_KEY_DATE_LEAD_DAYS", 30, minimum=1, maximum=366, environ=environ
            ),
            key_date_cron=env_str("KAM_CUSTOMER_KEY_DATE_CRON", "5 0 * * *", environ=environ),
            scan_batch_size=env_int(
                "KAM_CUSTOMER_SCAN_BATCH_SIZE",
                DEFAULT_SCAN_BATCH_SIZE,
                minimum=1,
                maximum=20_000,
                environ=environ,
            ),
            fx_rates=parse_rates(env_str("KAM_CUSTOMER_FX_RATES", "", environ=environ)),
            bank_timezone=_timezone(env_str("KAM_CUSTOMER_BANK_TIMEZONE", "Asia/Shanghai", environ=environ)),
        )


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"KAM_CUSTOMER_BANK_TIMEZONE: 未知时区 (unknown time zone): {name!r}, e.g. Asia/Shanghai"
        ) from None
    return name


def parse_rates(text: str, name: str = "KAM_CUSTOMER_FX_RATES") -> dict[str, Decimal]:
    """``CZK=0.31,USD=7.1`` → ``{"CZK": Decimal("0.31"), "USD": Decimal("7.1")}`` (CNY per unit; positive)."""
    rates = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        code, _, rate = item.partition("=")
        try:
            value = Decimal(rate.strip())
        except InvalidOperation:
            value = Decimal(0)
        if not code.strip() or not value.is_finite() or value <= 0:
            raise SettingsError(
                f"{name}: 汇率应写作 币种=汇率，如 CZK=0.31 (a rate is CURRENCY=CNY per unit, e.g. "
                f"CZK=0.31): {item!r}"
            )
        rates[code.strip()] = value
    return rates
