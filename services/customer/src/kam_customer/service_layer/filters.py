"""A small documented extension of :mod:`kam_kit.filtering` for list filters with comparisons, and AIP-132
``order_by``.

Filter syntax: terms joined by ``AND``; each term is ``field op value`` with op one of ``=``, ``!=``, ``<``,
``<=``, ``>``, ``>=``; values are bare words (``DIRECTION_DEBIT``, ``50000``) or double-quoted strings
(``"2026-01-01T00:00:00+08:00"``). Each field declares its converter and the operators it accepts. Anything
else is INVALID_ARGUMENT naming ``filter``.

Order syntax (:func:`order_keys`): ``field [desc]`` items separated by commas (``tier desc, display_name``);
``asc`` may be written out. Unknown fields and any other syntax are INVALID_ARGUMENT naming ``order_by``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from kam_kit.errors import InvalidArgument
from sqlalchemy import ColumnElement

_TERM = re.compile(
    r'^\s*([a-z_][a-z0-9_.]*)\s*(!=|<=|>=|=|<|>)\s*(?:"((?:[^"\\]|\\.)*)"|([A-Za-z0-9_.:+-]+))\s*$'
)
OPERATORS: dict[str, Callable] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
EQUALITY = frozenset({"=", "!="})
ORDERING = frozenset(OPERATORS)


@dataclass(frozen=True)
class Field:
    column: object  # a SQLAlchemy column
    convert: Callable[[str], object]
    operators: frozenset[str] = EQUALITY


def parse(text: str, fields: Mapping[str, Field]) -> list[ColumnElement[bool]]:
    """WHERE conditions for ``text``."""
    conditions: list[ColumnElement[bool]] = []
    if not text.strip():
        return conditions
    for term in re.split(r"\s+AND\s+", text.strip()):
        match = _TERM.match(term)
        if not match:
            raise InvalidArgument.for_field(
                "filter",
                f"无法解析的过滤条件 (cannot parse {term.strip()!r}; "
                "supported: field op value [AND …], op one of = != < <= > >=)",
            )
        name, op, quoted, bare = match.groups()
        spec = fields.get(name)
        if spec is None:
            raise InvalidArgument.for_field(
                "filter",
                f"不支持按 {name} 过滤 (unknown filter field; supported: {', '.join(sorted(fields))})",
            )
        if op not in spec.operators:
            raise InvalidArgument.for_field("filter", f"{name} 不支持运算符 {op} (operator not supported)")
        raw = quoted.replace('\\"', '"') if quoted is not None else bare
        try:
            value = spec.convert(raw)
        except (ValueError, InvalidOperation) as exc:
            raise InvalidArgument.for_field("filter", f"{name}: {exc}") from None
        conditions.append(OPERATORS[op](spec.column, value))
    return conditions


def amount(value: str) -> Decimal:
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError("金额无效 (not a number)")
    return result


def enum_value(mapping: Mapping[str, str]) -> Callable[[str], str]:
    """A converter from proto enum names (``DIRECTION_DEBIT``) to stored codes (``DEBIT``)."""

    def convert(value: str) -> str:
        if value not in mapping:
            raise ValueError(f"应为 {' / '.join(sorted(mapping))}")
        return mapping[value]

    return convert


def day(value: str) -> date:
    """``YYYY-MM-DD``."""
    return date.fromisoformat(value)


def order_keys(text: str, fields: Collection[str]) -> list[tuple[str, bool]]:
    """(field, descending) pairs of an AIP-132 ``order_by``; empty for an empty text."""
    keys: list[tuple[str, bool]] = []
    if not text.strip():
        return keys
    for item in text.split(","):
        words = item.split()
        if not words or len(words) > 2 or (len(words) == 2 and words[1] not in ("asc", "desc")):
            raise InvalidArgument.for_field(
                "order_by", f"无法解析的排序 (cannot parse {item.strip()!r}; supported: field [desc] [, …])"
            )
        if words[0] not in fields:
            raise InvalidArgument.for_field(
                "order_by", f"不支持按 {words[0]} 排序 (unknown order field; supported: {', '.join(fields)})"
            )
        if any(name == words[0] for name, _ in keys):
            raise InvalidArgument.for_field("order_by", f"{words[0]} 重复 (field given twice)")
        keys.append((words[0], words[-1] == "desc"))
    return keys
