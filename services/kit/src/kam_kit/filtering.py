"""A documented subset of AIP-160 filters: equality terms joined by ``AND``.

``type = TYPE_INDIVIDUAL AND branch = "branches/sh01"`` → ``{"type": "TYPE_INDIVIDUAL", "branch": "branches/sh01"}``.
Values may be bare words or double-quoted strings. Fields named in ``comparable`` also take ``<``, ``<=``, ``>``
and ``>=`` (kept under ``"field >="`` and so on: ``create_time >= "2026-12-01T00:00:00Z"``). Unknown fields and
any other syntax give INVALID_ARGUMENT naming ``filter``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from kam_kit.errors import InvalidArgument

_TERM = re.compile(
    r'^\s*([a-z_][a-z0-9_.]*)\s*(<=|>=|=|<|>)\s*(?:"((?:[^"\\]|\\.)*)"|([A-Za-z0-9_./:+-]+))\s*$'
)


def parse_equalities(
    text: str, allowed: Mapping[str, Callable[[str], object]], comparable: Collection[str] = ()
) -> dict[str, object]:
    """Parse ``text``; ``allowed`` maps each filterable field to a converter (raise ValueError to reject)."""
    result: dict[str, object] = {}
    if not text.strip():
        return result
    for term in re.split(r"\s+AND\s+", text.strip()):
        match = _TERM.match(term)
        if not match:
            raise InvalidArgument.for_field(
                "filter",
                f"无法解析的过滤条件 (cannot parse {term.strip()!r}; supported: field = value [AND …])",
            )
        field_name, operator, quoted, bare = match.groups()
        if field_name not in allowed:
            raise InvalidArgument.for_field(
                "filter",
                f"不支持按 {field_name} 过滤 (unknown filter field; supported: {', '.join(sorted(allowed))})",
            )
        if operator != "=" and field_name not in comparable:
            raise InvalidArgument.for_field(
                "filter", f"{field_name} 只能用 = 过滤 ({field_name} takes = only)"
            )
        key = field_name if operator == "=" else f"{field_name} {operator}"
        if key in result:
            raise InvalidArgument.for_field(
                "filter", f"{field_name} 重复出现 ({field_name} given twice; terms are joined by AND)"
            )
        raw = quoted.replace('\\"', '"') if quoted is not None else bare
        try:
            result[key] = allowed[field_name](raw)
        except ValueError as exc:
            raise InvalidArgument.for_field("filter", f"{field_name}: {exc}") from None
    return result


def one_of(values: Iterable[str], what: str = "值") -> Callable[[str], str]:
    """A converter accepting one of ``values`` (enum names, states …); ``what`` names them in the message."""
    allowed = frozenset(values)

    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"未知的{what} (unknown; one of {', '.join(sorted(allowed))})")
        return value

    return parse


def resource_name(prefix: str) -> Callable[[str], str]:
    """A converter accepting a resource name that starts with ``prefix`` (``users/``, ``orgUnits/`` …)."""

    def parse(value: str) -> str:
        if not value.startswith(prefix) or len(value) == len(prefix):
            raise ValueError(f"应为 {prefix}… (a {prefix}… name)")
        return value

    return parse


def boolean(value: str) -> bool:
    """A filter's ``true`` / ``false`` (a converter for :func:`parse_equalities`)."""
    if value not in ("true", "false"):
        raise ValueError("应为 true 或 false (must be true or false)")
    return value == "true"


def timestamp(value: str) -> datetime:
    """A filter's RFC 3339 time with its offset (``2026-01-01T00:00:00+08:00`` or ``…Z``), in UTC (stored times
    are UTC: naive UTC text on SQLite, so a comparison must be made in UTC)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ValueError(
            "应为带时区的 RFC 3339 时间 (an RFC 3339 time with its offset, e.g. 2026-12-01T00:00:00Z)"
        )
    return parsed.astimezone(UTC)


#: The orderings :func:`parse_equalities` accepts for a ``comparable`` field (its result's keys ``"<field> <op>"``).
COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def conditions(filters: Mapping[str, object], columns: Mapping[str, Any]) -> list[Any]:
    """WHERE conditions for parsed ``filters`` (:func:`parse_equalities`) on ``columns`` (field → column): ``=`` for
    ``field``, the comparison for ``field <op>`` keys (comparable fields)."""
    found = []
    for key, value in filters.items():
        field, _, sign = key.partition(" ")
        if field in columns:
            found.append(COMPARISONS[sign](columns[field], value) if sign else columns[field] == value)
    return found
