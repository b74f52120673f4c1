"""Customer rules that need no database: validation, masking, etags."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kam_kit import etags
from kam_kit.errors import Validator
from kam_kit.masking import mask_email, mask_name, mask_phone  # noqa: F401 - the domain names them too

from kam_customer.domain import identifiers

INDIVIDUAL = "INDIVIDUAL"
CORPORATE = "CORPORATE"
CUSTOMER_TYPES = (INDIVIDUAL, CORPORATE)

_PHONE_RE = re.compile(r"^(\+?86)?1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$")
_CUSTOMER_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
MAX_NAME_LENGTH = 200

#: The permission to see personal data unmasked (kam_kit.permissions); every unmasked view is audited.
PII_PERMISSION = "customers.pii.read"


@dataclass
class CustomerDraft:
    """What a caller may set on a customer."""

    type: str
    display_name: str
    id_number: str
    phone: str = ""
    branch: str = ""
    relationship_manager: str = ""
    email: str = ""
    address: str = ""
    industry: str = ""
    legal_representative: str = ""


def validate_customer_id(value: str, validator: Validator) -> None:
    if value:
        validator.check(
            bool(_CUSTOMER_ID_RE.match(value)),
            "customer_id",
            "只能包含小写字母、数字和连字符，最长63位 (lowercase letters, digits and '-', at most 63)",
        )


def validate_draft(draft: CustomerDraft, validator: Validator, prefix: str = "customer") -> None:
    """Every problem of a draft, each named by its field path."""
    known_type = validator.check(
        draft.type in CUSTOMER_TYPES,
        f"{prefix}.type",
        "客户类型必须为个人或对公 (must be TYPE_INDIVIDUAL or TYPE_CORPORATE)",
    )
    if known_type and validator.require(draft.id_number, f"{prefix}.id_number"):
        problem = (identifiers.resident_id_problem if draft.type == INDIVIDUAL else identifiers.uscc_problem)(
            draft.id_number
        )
        if problem:
            validator.add(f"{prefix}.id_number", problem)
    if validator.require(
        draft.display_name, f"{prefix}.display_name", "客户名称不能为空 (must not be empty)"
    ):
        validator.check(
            len(draft.display_name) <= MAX_NAME_LENGTH,
            f"{prefix}.display_name",
            f"最长{MAX_NAME_LENGTH}个字符 (at most {MAX_NAME_LENGTH} characters)",
        )
    if draft.phone:
        validator.check(
            bool(_PHONE_RE.match(draft.phone.replace(" ", ""))),
            f"{prefix}.phone",
            "电话号码格式无效 (not a valid mainland China phone number)",
        )


def mask_id_number(value: str) -> str:
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_address(value: str) -> str:
    """上海市浦东新区世纪大道100号 → 上海市浦东新**** (the first six characters: province/city/district)."""
    return value[:6] + "****" if len(value) > 6 else ("****" if value else value)


etag_for = etags.etag_for  # (kam_kit.etags: one format for every resource)
