"""The mapping file: which source tables/columns (or SQL expressions) hold KAM's logical entities.

A mapping is a TOML file (read with the standard library's :mod:`tomllib`); the format is documented in
``docs/mapping.md``. :func:`load_mapping` reads and validates one and returns a :class:`Mapping`; every problem
raises :class:`MappingError` naming the file, the entry (``entities.account.columns.balance``) and the problem.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DIALECTS = ("sqlite", "postgresql")

#: Field types: how a value is read (and normalised in SQL when it takes part in metrics).
TEXT, DATE, TIMESTAMP, NUMBER, INTEGER = "text", "date", "timestamp", "number", "integer"

#: Date formats a ``formats`` entry may name (the source column's representation).
DATE_FORMATS = ("iso", "yymmdd", "yyyymmdd")


@dataclass(frozen=True)
class FieldSpec:
    type: str = TEXT
    required: bool = False
    #: Logical code values this field maps to (empty: free text).
    codes: tuple[str, ...] = ()


def _f(type_: str = TEXT, required: bool = False, codes: tuple[str, ...] = ()) -> FieldSpec:
    return FieldSpec(type_, required, codes)


ACCOUNT_TYPES = ("DEMAND_DEPOSIT", "TIME_DEPOSIT", "WEALTH", "FUND", "LOAN", "CREDIT_CARD")
CUSTOMER_STATES = ("ACTIVE", "DORMANT", "CLOSED")
STAFF_STATES = ("ACTIVE", "INACTIVE")
#: The currency of KAM's figures (metrics, thresholds, copied amounts): amounts in any other currency are
#: converted at the rate of ``entities.fx_rate`` or of the ``KAM_CUSTOMER_FX_RATES`` setting.
BASE_CURRENCY = "CNY"

#: KAM's logical source model: entity → field → spec. ``required`` fields must be mapped.
LOGICAL_MODEL: dict[str, dict[str, FieldSpec]] = {
    "org_unit": {
        "id": _f(required=True),
        "display_name": _f(required=True),
        "parent_id": _f(),
        "level": _f(codes=("HEAD_OFFICE", "BRANCH", "SUB_BRANCH")),
        "region": _f(),
    },
    "staff": {
        "id": _f(required=True),
        "display_name": _f(required=True),
        "org_unit_id": _f(),
        "position": _f(),
        "status": _f(codes=STAFF_STATES),
        "phone": _f(),
    },
    "individual": {
        "id": _f(required=True),
        "display_name": _f(required=True),
        "id_number": _f(),
        "birth_date": _f(DATE),
        "gender": _f(codes=("MALE", "FEMALE")),
        "phone": _f(),
        "org_unit_id": _f(),
        "relationship_manager_id": _f(),
        "open_date": _f(DATE),
        "status": _f(codes=CUSTOMER_STATES),
        "updated": _f(TIMESTAMP),
    },
    "corporate": {
        "id": _f(required=True),
        "display_name": _f(required=True),
        "id_number": _f(),
        "industry": _f(),
        "establishment_date": _f(DATE),
        "legal_representative": _f(),
        "legal_representative_id_number": _f(),
        "legal_representative_phone": _f(),
        "finance_contact": _f(),
        "finance_contact_phone": _f(),
        "controller": _f(),
        "phone": _f(),
        "org_unit_id": _f(),
        "relationship_manager_id": _f(),
        "open_date": _f(DATE),
        "status": _f(codes=CUSTOMER_STATES),
        "updated": _f(TIMESTAMP),
    },
    "group_link": {
        "parent_id": _f(required=True),
        "child_id": _f(required=True),
        "share_percent": _f(NUMBER),
    },
    "relation": {
        "customer_id": _f(required=True),
        "kind": _f(required=True, codes=("SPOUSE", "OTHER")),
        "display_name": _f(required=True),
        "id_number": _f(),
        "phone": _f(),
    },
    "product": {"id": _f(required=True), "display_name": _f(), "type": _f(codes=ACCOUNT_TYPES)},
    "account": {
        "id": _f(required=True),
        "customer_id": _f(required=True),
        "type": _f(required=True, codes=ACCOUNT_TYPES),
        "product": _f(),
        "product_display_name": _f(),
        "org_unit_id": _f(),
        "open_date": _f(DATE),
        "maturity_date": _f(DATE),
        "status": _f(codes=("OPEN", "FROZEN", "DORMANT", "CLOSED")),
        "balance": _f(NUMBER, required=True),
        "credit_limit": _f(NUMBER),
        "repayment_status": _f(codes=("NORMAL", "OVERDUE", "SETTLED")),
        "overdue_times": _f(INTEGER),
        "currency": _f(),
        "updated": _f(TIMESTAMP),
    },
    "balance_history": {
        "account_id": _f(required=True),
        "day": _f(DATE, required=True),
        "balance": _f(NUMBER, required=True),
    },
    "transaction": {
        "id": _f(required=True),
        "account_id": _f(required=True),
        "time": _f(TIMESTAMP, required=True),
        "direction": _f(required=True, codes=("DEBIT", "CREDIT")),
        "amount": _f(NUMBER, required=True),
        "balance_after": _f(NUMBER),
        "channel": _f(codes=("COUNTER", "ATM", "ONLINE", "MOBILE", "POS", "THIRD_PARTY")),
        "cash": _f(codes=("YES", "NO")),
        "counterparty": _f(),
        "summary": _f(),
        "business_date": _f(DATE),
        "entry_time": _f(TIMESTAMP),
    },
    "rating": {"customer_id": _f(required=True), "rating": _f(required=True), "rated_date": _f(DATE)},
    "fx_rate": {"currency": _f(required=True), "rate": _f(NUMBER, required=True), "day": _f(DATE)},
}

#: Entities a mapping must define (the others are optional: a bank without staff data simply has none).
REQUIRED_ENTITIES = ("account", "transaction")
ENTITY_KEYS = ("from", "where", "watermark", "columns", "codes", "formats")


class MappingError(ValueError):
    """A mapping file is malformed: names the file, the entry and the problem."""

    def __init__(self, path: Path | str, entry: str, problem: str) -> None:
        self.path, self.entry, self.problem = str(path), entry, problem
        super().__init__(f"{path}: {entry}: {problem}")

    @property
    def job_message(self) -> str:
        """The error message of a scan job that this problem ends."""
        return f"映射文件错误 (mapping error): {self}"


@dataclass(frozen=True)
class Entity:
    name: str
    #: The SQL FROM clause (a table name, or joins / a parenthesised sub-select with an alias).
    from_: str
    #: field → SQL expression per dialect (a plain string applies to every dialect).
    columns: dict[str, dict[str, str]]
    where: dict[str, str] = field(default_factory=dict)
    #: An expression that only grows (a sequence or update timestamp) for incremental scans.
    watermark: dict[str, str] = field(default_factory=dict)
    #: field → {source value → logical value}; "*" is the fallback for any other value.
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    #: field → date format of the source value ("iso", "yymmdd", "yyyymmdd").
    formats: dict[str, str] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return name in self.columns

    def expr(self, name: str, dialect: str) -> str:
        per_dialect = self.columns[name]
        return per_dialect.get(dialect) or per_dialect["*"]

    def where_sql(self, dialect: str) -> str | None:
        return (self.where.get(dialect) or self.where.get("*")) if self.where else None

    def watermark_sql(self, dialect: str) -> str | None:
        return (self.watermark.get(dialect) or self.watermark.get("*")) if self.watermark else None


@dataclass(frozen=True)
class Mapping:
    path: str
    name: str
    description: str
    entities: dict[str, Entity]
    #: SQL giving the "as of" business date; default: the newest transaction day.
    as_of: dict[str, str] = field(default_factory=dict)
    #: The time zone of the source's naive timestamps.
    #: The zone of the source's naive timestamps; empty: the bank's (KAM_CUSTOMER_BANK_TIMEZONE).
    timezone: str = ""

    def entity(self, name: str) -> Entity | None:
        return self.entities.get(name)


def load_mapping(path: str | Path) -> Mapping:
    """Read and validate a mapping file."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(path, "(file)", "file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(path, "(syntax)", f"not valid TOML: {exc}") from None
    return parse_mapping(raw, path)


def parse_mapping(raw: dict[str, Any], path: str | Path = "<mapping>") -> Mapping:
    """Validate an already-parsed mapping document."""
    unknown = set(raw) - {"mapping", "entities"}
    if unknown:
        raise MappingError(
            path, min(unknown), "unknown top-level table (expected [mapping] and [entities.*])"
        )
    meta = raw.get("mapping", {})
    if not isinstance(meta, dict):
        raise MappingError(path, "mapping", "must be a table")
    for key in set(meta) - {"name", "description", "as_of", "timezone"}:
        raise MappingError(
            path, f"mapping.{key}", "unknown key (expected name, description, as_of, timezone)"
        )
    timezone = meta.get("timezone", "")
    try:
        if timezone:
            ZoneInfo(str(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        raise MappingError(path, "mapping.timezone", f"unknown time zone {timezone!r}") from None
    entities_raw = raw.get("entities")
    if not isinstance(entities_raw, dict) or not entities_raw:
        raise MappingError(
            path, "entities", "missing: define at least [entities.account] and [entities.transaction]"
        )
    entities = {name: _entity(path, name, body) for name, body in entities_raw.items()}
    for name in REQUIRED_ENTITIES:
        if name not in entities:
            raise MappingError(path, f"entities.{name}", "missing required entity")
    if "individual" not in entities and "corporate" not in entities:
        raise MappingError(path, "entities.individual", "missing: map individual and/or corporate customers")
    as_of = _sql(path, "mapping.as_of", meta["as_of"]) if "as_of" in meta else {}
    return Mapping(
        path=str(path),
        name=str(meta.get("name", Path(str(path)).stem)),
        description=str(meta.get("description", "")),
        entities=entities,
        as_of=as_of,
        timezone=str(timezone),
    )


def _sql(path, entry: str, value: Any) -> dict[str, str]:
    """A SQL expression: a string (every dialect) or a table of per-dialect strings."""
    if isinstance(value, str):
        if not value.strip():
            raise MappingError(path, entry, "empty SQL expression")
        return {"*": value}
    if isinstance(value, dict):
        if not value:
            raise MappingError(
                path, entry, "empty table: give a SQL expression or {sqlite = ..., postgresql = ...}"
            )
        out = {}
        for dialect, expr in value.items():
            if dialect not in (*DIALECTS, "*"):
                raise MappingError(
                    path, f"{entry}.{dialect}", f"unknown dialect (expected one of {', '.join(DIALECTS)})"
                )
            if not isinstance(expr, str) or not expr.strip():
                raise MappingError(path, f"{entry}.{dialect}", "must be a non-empty SQL expression string")
            out[dialect] = expr
        if "*" not in out and set(out) != set(DIALECTS):
            missing = min(set(DIALECTS) - set(out))
            raise MappingError(
                path,
                f"{entry}.{missing}",
                'missing: a per-dialect table must cover every dialect or give a default under "*"',
            )
        return out
    raise MappingError(path, entry, f"must be a SQL expression string, got {type(value).__name__}")


def _entity(path, name: str, body: Any) -> Entity:
    base = f"entities.{name}"
    if name not in LOGICAL_MODEL:
        raise MappingError(path, base, f"unknown entity (expected one of {', '.join(LOGICAL_MODEL)})")
    if not isinstance(body, dict):
        raise MappingError(path, base, "must be a table")
    for key in body:
        if key not in ENTITY_KEYS:
            raise MappingError(
                path, f"{base}.{key}", f"unknown key (expected one of {', '.join(ENTITY_KEYS)})"
            )
    if "from" not in body:
        raise MappingError(path, f"{base}.from", "missing: name the source table or FROM clause")
    from_ = body["from"]
    if not isinstance(from_, str) or not from_.strip():
        raise MappingError(path, f"{base}.from", "must be a non-empty table name or FROM clause")
    spec = LOGICAL_MODEL[name]
    columns_raw = body.get("columns")
    if not isinstance(columns_raw, dict):
        raise MappingError(path, f"{base}.columns", "missing: map the entity's fields to source columns")
    columns = {}
    for fname, value in columns_raw.items():
        if fname not in spec:
            raise MappingError(
                path,
                f"{base}.columns.{fname}",
                f"unknown field of {name} (expected one of {', '.join(spec)})",
            )
        columns[fname] = _sql(path, f"{base}.columns.{fname}", value)
    for fname, fspec in spec.items():
        if fspec.required and fname not in columns:
            raise MappingError(path, f"{base}.columns.{fname}", "missing required field")
    codes: dict[str, dict[str, str]] = {}
    for fname, table in (body.get("codes") or {}).items():
        entry = f"{base}.codes.{fname}"
        if fname not in spec:
            raise MappingError(path, entry, f"unknown field of {name}")
        if not spec[fname].codes:
            raise MappingError(path, entry, "this field is free text; it takes no code table")
        if fname not in columns:
            raise MappingError(path, entry, f"codes given but {base}.columns.{fname} is not mapped")
        if not isinstance(table, dict) or not table:
            raise MappingError(path, entry, 'must be a non-empty table of source value = "LOGICAL_VALUE"')
        for source_value, logical in table.items():
            if logical not in spec[fname].codes:
                raise MappingError(
                    path,
                    f"{entry}.{source_value}",
                    f"unknown value {logical!r} (expected one of {', '.join(spec[fname].codes)})",
                )
        codes[fname] = {str(k): v for k, v in table.items()}
    formats: dict[str, str] = {}
    for fname, fmt in (body.get("formats") or {}).items():
        entry = f"{base}.formats.{fname}"
        if fname not in columns:
            raise MappingError(path, entry, f"format given for an unmapped field {fname!r}")
        if spec[fname].type not in (DATE, TIMESTAMP):
            raise MappingError(
                path, entry, f"only date/timestamp fields take a format ({fname} is {spec[fname].type})"
            )
        if fmt not in DATE_FORMATS:
            raise MappingError(
                path, entry, f"unknown date format {fmt!r} (expected one of {', '.join(DATE_FORMATS)})"
            )
        formats[fname] = fmt
    where = _sql(path, f"{base}.where", body["where"]) if "where" in body else {}
    watermark = _sql(path, f"{base}.watermark", body["watermark"]) if "watermark" in body else {}
    return Entity(
        name=name,
        from_=from_,
        columns=columns,
        where=where,
        watermark=watermark,
        codes=codes,
        formats=formats,
    )
