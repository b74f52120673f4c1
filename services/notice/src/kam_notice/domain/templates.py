"""Customer message templates (客户消息模板): the variables a template may use, checked when it is saved, and the
text rendered for one customer. A placeholder is ``{{variable}}`` (spaces inside the braces allowed)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from kam.notice.v1 import notice_pb2
from kam_kit.errors import Validator

#: Every variable a template may use (what the senders fill: the alert service's greetings, staff sending).
VARIABLES = (
    "customer_name",
    "salutation",
    "amount",
    "date",
    "time",
    "rm_name",
    "rm_phone",
    "branch_name",
    "product_name",
    "festival",
    "maturity_date",
    "account_tail",
    "bank_name",
)
MAX_BODY = {notice_pb2.CHANNEL_SMS: 500, notice_pb2.CHANNEL_EMAIL: 20_000}
MAX_SUBJECT = 200
PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


def variables_of(text: str) -> list[str]:
    """The variables ``text`` names, in order of first use."""
    return list(dict.fromkeys(PLACEHOLDER.findall(text)))


def check(v: Validator, template: notice_pb2.Template, paths: set[str]) -> None:
    """Field violations of the ``paths`` being saved (``display_name``, ``category``, ``channel``, ``subject``,
    ``body``, ``en_subject``, ``en_body``)."""
    p = "template"
    if "display_name" in paths and v.require(template.display_name.strip(), f"{p}.display_name"):
        v.check(
            len(template.display_name) <= 100 and "\x00" not in template.display_name,
            f"{p}.display_name",
            "最长 100 字，不含空字符 (at most 100, no NUL)",
        )
    if "category" in paths:
        v.check(
            template.category in (1, 2, 3),
            f"{p}.category",
            "应为 CATEGORY_GREETING / CATEGORY_NEWS / CATEGORY_RELATIONSHIP",
        )
    channel_ok = template.channel in MAX_BODY
    if "channel" in paths:
        v.check(channel_ok, f"{p}.channel", "应为 CHANNEL_SMS 或 CHANNEL_EMAIL (SMS or e-mail)")
    limit = MAX_BODY.get(template.channel, 20_000)
    for field, required in (("body", True), ("en_body", False)):
        if field not in paths:
            continue
        text = getattr(template, field)
        if required and not v.require(text.strip(), f"{p}.{field}", "请填写内容 (text required)"):
            continue
        v.check(len(text) <= limit, f"{p}.{field}", f"最长 {limit:,} 字符 (at most {limit:,} characters)")
        _check_variables(v, f"{p}.{field}", text)
    for field in ("subject", "en_subject"):
        if field in paths:
            text = getattr(template, field)
            v.check(
                len(text) <= MAX_SUBJECT, f"{p}.{field}", f"最长 {MAX_SUBJECT} 字 (at most {MAX_SUBJECT})"
            )
            _check_variables(v, f"{p}.{field}", text)
    if ("subject" in paths or "channel" in paths) and template.channel == notice_pb2.CHANNEL_EMAIL:
        v.require(
            template.subject.strip(), f"{p}.subject", "邮件模板需要主题 (an e-mail template needs a subject)"
        )


def _check_variables(v: Validator, path: str, text: str) -> None:
    v.check("\x00" not in text, path, "含有不可见的空字符 (contains a NUL character)")
    for name in variables_of(text):
        v.check(
            name in VARIABLES,
            path,
            f"未知变量 {{{{{name}}}}}，可用：{', '.join(VARIABLES)} (unknown variable {name!r})",
        )
    v.check(
        text.count("{{") == text.count("}}") == len(PLACEHOLDER.findall(text)),
        path,
        "变量应写作 {{变量名}} (a placeholder is {{name}})",
    )


def render(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each placeholder replaced by its value (an unknown or missing one by nothing)."""
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), text)
