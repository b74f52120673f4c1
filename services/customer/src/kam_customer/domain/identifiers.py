"""Chinese identifiers: resident identity numbers (GB 11643) and unified social credit codes (GB 32100).

Pure functions; used to validate input and by the demo data generator to make valid-format numbers.
"""

from __future__ import annotations

import re
from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def resident_id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def resident_id_problem(value: str) -> str | None:
    """Why ``value`` is not a valid 18-digit resident ID number, or None when it is."""
    value = value.strip().upper()
    if not _ID_RE.match(value):
        return "身份证号应为18位：17位数字加1位校验码 (must be 17 digits plus a check character)"
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效 (the birth date inside the ID number is invalid)"
    if resident_id_check_char(value[:17]) != value[17]:
        return "身份证号校验码错误 (check character does not match)"
    return None


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def uscc_problem(value: str) -> str | None:
    """Why ``value`` is not a valid 统一社会信用代码, or None when it is."""
    value = value.strip().upper()
    if not _USCC_RE.match(value):
        return "统一社会信用代码应为18位数字或大写字母 (must be 18 characters of the GB 32100 alphabet)"
    if uscc_check_char(value[:17]) != value[17]:
        return "统一社会信用代码校验码错误 (check character does not match)"
    return None


def birth_date_from_resident_id(value: str) -> date:
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
