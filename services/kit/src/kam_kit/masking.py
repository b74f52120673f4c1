"""How personal data reads when the caller may not see it unmasked (个人信息打码): one rule per kind, shared by
every service that shows a customer's name, phone or e-mail."""

from __future__ import annotations


def mask_phone(value: str) -> str:
    """13800138000 → 138****8000."""
    return value[:3] + "****" + value[-4:] if len(value) >= 11 else "*" * len(value)


def mask_name(value: str) -> str:
    """张三丰 → 张**; corporate names are public and stay as they are (callers decide)."""
    return value[:1] + "*" * (len(value) - 1) if value else value


def mask_email(value: str) -> str:
    """zhang.wei@example.com → z***@example.com (the domain says which organisation, not who)."""
    local, at, domain_part = value.partition("@")
    return (local[:1] + "***" + at + domain_part) if at else ("***" if value else value)
