"""Alert rules as data: what a valid rule is (every problem named by its field, zh-CN with the English in
parentheses), and the rules shipped with KAM.

A rule is the ``kam.alert.v1.AlertRule`` message; :func:`problems` checks one (in full, or the fields of an update
mask) and :func:`kind` names its condition. :func:`shipped_rules` are the defaults a new installation starts with:
the PBOC large-value rules, structuring, a sudden drop, dormancy, care dates, festivals, tier changes and task
reminders.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from google.protobuf import duration_pb2
from google.type import money_pb2
from kam.alert.v1 import alert_pb2
from kam_kit.errors import Validator
from kam_kit.protoconv import collect, money_value

from kam_alert.domain import detection

AlertRule = alert_pb2.AlertRule
Severity = alert_pb2.Severity

#: the condition oneof's fields (the rule's kind)
KINDS = (
    "large_transaction",
    "frequent_withdrawals",
    "balance_drop",
    "key_date",
    "task_due",
    "dormancy",
    "tier_change",
    "festival",
)
YEAR = timedelta(days=366)
MAX_NAME = 100
_TIER = re.compile(r"^tiers/[a-z0-9][a-z0-9_-]{0,62}$")
_ORG_UNIT = re.compile(r"^orgUnits/[A-Za-z0-9_-]{1,64}$")
_USER = re.compile(r"^users/[A-Za-z0-9._-]{1,64}$")
_ROLE = re.compile(r"^roles/[a-z0-9_-]{1,64}$")
_TEMPLATE = re.compile(r"^templates/[A-Za-z0-9_-]{1,64}$")


def kind(rule: AlertRule) -> str:
    """The rule's condition (``large_transaction`` …), or ``""`` when none is set."""
    return rule.WhichOneof("condition") or ""


def money(amount: int | str | Decimal) -> money_pb2.Money:
    value = Decimal(amount)
    units = int(value)
    return money_pb2.Money(currency_code="CNY", units=units, nanos=int((value - units) * 1_000_000_000))


def span(duration: duration_pb2.Duration) -> timedelta:
    return timedelta(seconds=duration.seconds, microseconds=duration.nanos // 1000)


def problems(rule: AlertRule, paths: Iterable[str] | None = None, *, prefix: str = "alert_rule") -> Validator:
    """Every problem of ``rule`` (or of the fields in ``paths``, an update mask's top-level names), collected."""
    v = Validator()
    wanted = None if paths is None else {p.split(".")[0] for p in paths}

    def checks(name: str) -> bool:
        return wanted is None or name in wanted

    def at(path: str) -> str:
        return f"{prefix}.{path}"

    if checks("display_name"):
        name = rule.display_name.strip()
        if v.require(name, at("display_name")):
            v.check(
                len(name) <= MAX_NAME,
                at("display_name"),
                f"最长{MAX_NAME}个字符 (at most {MAX_NAME} characters)",
            )
    if checks("severity"):
        v.check(
            rule.severity != Severity.SEVERITY_UNSPECIFIED and rule.severity in Severity.values(),
            at("severity"),
            "必填：低、中、高或紧急 (required: low, medium, high or critical)",
        )
    if wanted is None or wanted & set(KINDS):
        _condition(rule, v, at)
    if checks("recipients"):
        # a task reminder always reaches the task's assignee; any other rule needs someone named
        _recipients(rule.recipients, v, at("recipients"), need_someone=kind(rule) != "task_due")
    if checks("tiers"):
        for i, tier in enumerate(rule.tiers):
            v.check(bool(_TIER.match(tier)), at(f"tiers[{i}]"), "应为 tiers/{等级} (a tier, tiers/{tier})")
    if checks("org_units"):
        for i, unit in enumerate(rule.org_units):
            v.check(
                bool(_ORG_UNIT.match(unit)),
                at(f"org_units[{i}]"),
                "应为 orgUnits/{机构} (orgUnits/{org_unit})",
            )
    if checks("customer_type"):
        v.check(
            rule.customer_type in alert_pb2.CustomerType.values(),
            at("customer_type"),
            "未知的客户类型 (unknown)",
        )
    if checks("repeat_interval") and rule.HasField("repeat_interval"):
        every = span(rule.repeat_interval)
        v.check(
            every == timedelta(0) or timedelta(minutes=5) <= every <= timedelta(days=30),
            at("repeat_interval"),
            "应为 0（不重复）或 5 分钟到 30 天 (0, or 5 minutes to 30 days)",
        )
    if checks("max_notify_count"):
        v.check(0 <= rule.max_notify_count <= 100, at("max_notify_count"), "应为 0 到 100 (0 to 100)")
    if checks("escalation") and rule.HasField("escalation"):
        after = span(rule.escalation.after)
        v.check(
            timedelta(minutes=5) <= after <= timedelta(days=30),
            at("escalation.after"),
            "应为 5 分钟到 30 天 (5 minutes to 30 days)",
        )
        has_extra = _recipients(
            rule.escalation.recipients, v, at("escalation.recipients"), need_someone=False
        )
        v.check(
            rule.escalation.up_the_org_tree or has_extra,
            at("escalation"),
            "升级须指定对象：上级机构负责人或接收人 (escalate up the org tree or to recipients)",
        )
    if checks("quiet_hours") and rule.HasField("quiet_hours"):
        for field in ("start_minute", "end_minute"):
            value = getattr(rule.quiet_hours, field)
            v.check(
                0 <= value < 24 * 60, at(f"quiet_hours.{field}"), "应为 0 到 1439（分钟）(0 to 1439 minutes)"
            )
    if checks("customer_message_template") and rule.customer_message_template:
        v.check(
            bool(_TEMPLATE.match(rule.customer_message_template)),
            at("customer_message_template"),
            "应为 templates/{模板} (templates/{template})",
        )
    return v


def _recipients(recipients: alert_pb2.Recipients, v: Validator, path: str, *, need_someone: bool) -> bool:
    for i, user in enumerate(recipients.users):
        v.check(bool(_USER.match(user)), f"{path}.users[{i}]", "应为 users/{用户} (users/{user})")
    for i, role in enumerate(recipients.roles):
        v.check(bool(_ROLE.match(role)), f"{path}.roles[{i}]", "应为 roles/{角色} (roles/{role})")
    someone = bool(
        recipients.relationship_manager or recipients.branch_manager or recipients.users or recipients.roles
    )
    if need_someone:
        v.check(someone, path, "至少指定一类接收人 (name at least one recipient)")
    return someone


def _positive(v: Validator, path: str, amount: money_pb2.Money, *, required: bool = True) -> None:
    value = collect(v, money_value, amount, path, positive=required)
    if value is not None and not required:
        v.check(value >= 0, path, "不能为负数 (must not be negative)")


def _within(
    v: Validator, path: str, duration: duration_pb2.Duration, low: timedelta, high: timedelta, text: str
) -> None:
    v.check(low <= span(duration) <= high, path, text)


def _condition(rule: AlertRule, v: Validator, at: Callable[[str], str]) -> None:
    which = kind(rule)
    if not which:
        v.add(at("condition"), "须指定一种预警条件 (set exactly one condition)")
        return
    path = at(which)
    c: Any = getattr(rule, which)
    if which == "large_transaction":
        _positive(v, f"{path}.threshold", c.threshold)
        v.check(
            c.direction in alert_pb2.TransactionDirection.values(),
            f"{path}.direction",
            "未知的方向 (unknown)",
        )
        v.check(c.cash in alert_pb2.CashFilter.values(), f"{path}.cash", "未知的现金条件 (unknown)")
        v.check(
            not c.channel or bool(re.match(r"^CHANNEL_[A-Z_]{1,40}$", c.channel)),
            f"{path}.channel",
            "应为渠道名，如 CHANNEL_COUNTER (a channel name, e.g. CHANNEL_COUNTER)",
        )
    elif which == "frequent_withdrawals":
        _positive(v, f"{path}.max_amount", c.max_amount)
        _positive(v, f"{path}.min_total", c.min_total, required=False)
        v.check(2 <= c.min_count <= 1000, f"{path}.min_count", "应为 2 到 1000 笔 (2 to 1,000)")
        _within(
            v,
            f"{path}.window",
            c.window,
            timedelta(minutes=1),
            timedelta(days=31),
            "应为 1 分钟到 31 天 (1 minute to 31 days)",
        )
    elif which == "balance_drop":
        v.check(0 < c.min_drop_percent <= 100, f"{path}.min_drop_percent", "应为 0 到 100 之间 (in (0, 100])")
        _positive(v, f"{path}.min_drop_amount", c.min_drop_amount, required=False)
        _within(v, f"{path}.window", c.window, timedelta(days=1), YEAR, "应为 1 天到 1 年 (1 day to a year)")
    elif which == "key_date":
        v.check(
            c.kind != alert_pb2.KeyDateCondition.KIND_UNSPECIFIED
            and c.kind in alert_pb2.KeyDateCondition.Kind.values(),
            f"{path}.kind",
            "必填：生日、成立纪念日、建立关系纪念日、到期日… (required)",
        )
        _within(
            v, f"{path}.lead_time", c.lead_time, timedelta(0), YEAR, "提前时间应为 0 到 1 年 (0 to a year)"
        )
    elif which == "task_due":
        _within(
            v, f"{path}.lead_time", c.lead_time, timedelta(0), YEAR, "提前时间应为 0 到 1 年 (0 to a year)"
        )
    elif which == "dormancy":
        _within(
            v,
            f"{path}.quiet_period",
            c.quiet_period,
            timedelta(days=1),
            3 * YEAR,
            "应为 1 天到 3 年 (1 day to 3 years)",
        )
    elif which == "tier_change":
        v.check(c.upgrades or c.downgrades, path, "升级、降级至少选一项 (upgrades, downgrades or both)")
    elif which == "festival":
        if v.check(bool(c.festivals), f"{path}.festivals", "至少选一个节日 (at least one festival)"):
            Festival = alert_pb2.FestivalCondition.Festival
            for i, festival in enumerate(c.festivals):
                v.check(
                    festival != Festival.FESTIVAL_UNSPECIFIED and festival in Festival.values(),
                    f"{path}.festivals[{i}]",
                    "未知的节日 (unknown festival)",
                )
        _within(
            v, f"{path}.lead_time", c.lead_time, timedelta(0), YEAR, "提前时间应为 0 到 1 年 (0 to a year)"
        )


# ------------------------------------------------------------------------------------------------------ shipped


def _days(n: float) -> duration_pb2.Duration:
    return duration_pb2.Duration(seconds=int(n * 86_400))


def shipped_rules() -> list[AlertRule]:
    """The rules a new installation starts with (enabled). Thresholds of the large-value rules follow the PBOC's
    large-value reporting rules (中国人民银行令〔2016〕第3号)."""
    rm = alert_pb2.Recipients(relationship_manager=True)
    rm_and_manager = alert_pb2.Recipients(relationship_manager=True, branch_manager=True)
    escalate = alert_pb2.Escalation(after=duration_pb2.Duration(seconds=4 * 3600), up_the_org_tree=True)
    every_hour = duration_pb2.Duration(seconds=3600)
    C = alert_pb2
    return [
        *(
            AlertRule(
                display_name=title,
                large_transaction=C.LargeTransactionCondition(
                    threshold=money(threshold),
                    cash=cash,
                    customer_type=customer_type,
                    same_day_cumulative=True,
                ),
                severity=Severity.SEVERITY_HIGH,
                recipients=rm_and_manager,
                repeat_interval=every_hour,
                max_notify_count=3,
                escalation=escalate,
                enabled=True,
            )
            for title, threshold, cash, customer_type in (
                (
                    "大额现金交易（单笔或当日累计 5 万元以上）",
                    50_000,
                    C.CASH_FILTER_CASH,
                    C.CUSTOMER_TYPE_UNSPECIFIED,
                ),
                (
                    "个人大额转账（单笔或当日累计 50 万元以上）",
                    500_000,
                    C.CASH_FILTER_NON_CASH,
                    C.CUSTOMER_TYPE_INDIVIDUAL,
                ),
                (
                    "机构大额转账（单笔或当日累计 200 万元以上）",
                    2_000_000,
                    C.CASH_FILTER_NON_CASH,
                    C.CUSTOMER_TYPE_CORPORATE,
                ),
            )
        ),
        AlertRule(
            display_name="小额多次取款（24 小时内 5 笔以上、每笔不足 1 万元、合计 4 万元以上）",
            frequent_withdrawals=C.FrequentWithdrawalsCondition(
                max_amount=money(10_000), min_count=5, min_total=money(40_000), window=_days(1)
            ),
            severity=Severity.SEVERITY_HIGH,
            recipients=rm_and_manager,
            repeat_interval=every_hour,
            max_notify_count=3,
            enabled=True,
        ),
        AlertRule(
            display_name="资产骤降（7 天内下降 30% 以上）",
            balance_drop=C.BalanceDropCondition(
                min_drop_percent=30, min_drop_amount=money(100_000), window=_days(7)
            ),
            severity=Severity.SEVERITY_MEDIUM,
            recipients=rm_and_manager,
            enabled=True,
        ),
        AlertRule(
            display_name="长期不动（90 天无交易）",
            dormancy=C.DormancyCondition(quiet_period=_days(90)),
            severity=Severity.SEVERITY_LOW,
            recipients=rm,
            enabled=True,
        ),
        *(
            AlertRule(
                display_name=title,
                key_date=C.KeyDateCondition(kind=date_kind, lead_time=_days(lead)),
                severity=severity,
                recipients=rm,
                enabled=True,
            )
            for title, date_kind, lead, severity in (
                ("客户生日（提前 3 天）", C.KeyDateCondition.KIND_BIRTHDAY, 3, Severity.SEVERITY_LOW),
                (
                    "企业成立纪念日（提前 3 天）",
                    C.KeyDateCondition.KIND_ESTABLISHMENT_ANNIVERSARY,
                    3,
                    Severity.SEVERITY_LOW,
                ),
                (
                    "建立关系纪念日（提前 3 天）",
                    C.KeyDateCondition.KIND_RELATIONSHIP_ANNIVERSARY,
                    3,
                    Severity.SEVERITY_LOW,
                ),
                (
                    "定期存款到期（提前 7 天）",
                    C.KeyDateCondition.KIND_DEPOSIT_MATURITY,
                    7,
                    Severity.SEVERITY_MEDIUM,
                ),
                (
                    "理财产品到期（提前 7 天）",
                    C.KeyDateCondition.KIND_WEALTH_MATURITY,
                    7,
                    Severity.SEVERITY_MEDIUM,
                ),
                (
                    "贷款到期（提前 15 天）",
                    C.KeyDateCondition.KIND_LOAN_MATURITY,
                    15,
                    Severity.SEVERITY_MEDIUM,
                ),
                (
                    "重要联系人生日（提前 3 天）",
                    C.KeyDateCondition.KIND_CONTACT_BIRTHDAY,
                    3,
                    Severity.SEVERITY_LOW,
                ),
            )
        ),
        AlertRule(
            display_name="传统节日问候（提前 3 天）",
            festival=C.FestivalCondition(
                festivals=[
                    C.FestivalCondition.FESTIVAL_SPRING,
                    C.FestivalCondition.FESTIVAL_DRAGON_BOAT,
                    C.FestivalCondition.FESTIVAL_MID_AUTUMN,
                ],
                lead_time=_days(3),
            ),
            severity=Severity.SEVERITY_LOW,
            recipients=rm,
            enabled=True,
        ),
        AlertRule(
            display_name="大客户等级变动（升级或降级）",
            tier_change=C.TierChangeCondition(upgrades=True, downgrades=True),
            severity=Severity.SEVERITY_MEDIUM,
            recipients=rm_and_manager,
            enabled=True,
        ),
        AlertRule(
            display_name="任务到期提醒（提前 1 天，逾期提醒）",
            task_due=C.TaskDueCondition(lead_time=_days(1), alert_when_overdue=True),
            severity=Severity.SEVERITY_MEDIUM,
            enabled=True,
        ),
    ]


# ------------------------------------------------------------------------------------------- rules → detectors

_DIRECTIONS = {
    alert_pb2.TRANSACTION_DIRECTION_DEBIT: detection.Direction.DEBIT,
    alert_pb2.TRANSACTION_DIRECTION_CREDIT: detection.Direction.CREDIT,
}
_CASH = {alert_pb2.CASH_FILTER_CASH: True, alert_pb2.CASH_FILTER_NON_CASH: False}
_TYPES = {
    alert_pb2.CUSTOMER_TYPE_INDIVIDUAL: detection.CustomerType.INDIVIDUAL,
    alert_pb2.CUSTOMER_TYPE_CORPORATE: detection.CustomerType.CORPORATE,
}
#: the kinds evaluated per transaction
TRANSACTION_KINDS = ("large_transaction", "frequent_withdrawals")


def transaction_detector(
    rule_id: str, rule: AlertRule
) -> detection.LargeTransaction | detection.Structuring | None:
    """The detector of a rule that watches transactions (None for other kinds), with empty state."""
    which = kind(rule)
    if which == "large_transaction":
        c = rule.large_transaction
        return detection.LargeTransaction(
            rule_id,
            money_value(c.threshold, "threshold"),
            direction=_DIRECTIONS.get(c.direction),
            cash=_CASH.get(c.cash),
            channel=c.channel or None,
            customer_type=_TYPES.get(c.customer_type),
            cumulative=c.same_day_cumulative,
        )
    if which == "frequent_withdrawals":
        f = rule.frequent_withdrawals
        return detection.Structuring(
            rule_id,
            window=span(f.window),
            count=f.min_count,
            each_below=money_value(f.max_amount, "max_amount"),
            total_at_least=money_value(f.min_total, "min_total"),
            per_account=f.per_account,
        )
    return None


def applies_to(rule: AlertRule, *, customer_type: str, tier: str, branch_and_ancestors: set[str]) -> bool:
    """Whether the rule's scope (type, tiers, org units with their subtrees) takes in the customer. An empty tier
    list means every key customer (one holding a tier)."""
    wanted_type = _TYPES.get(rule.customer_type)
    if wanted_type is not None and wanted_type.value != customer_type:
        return False
    if rule.tiers and tier not in rule.tiers:
        return False
    if not rule.tiers and not tier:
        return False
    return not rule.org_units or bool(set(rule.org_units) & branch_and_ancestors)


def drop_detector(rule_id: str, rule: AlertRule) -> detection.SuddenDrop | None:
    """The detector of a sudden-drop rule (None for other kinds), with empty state."""
    if kind(rule) != "balance_drop":
        return None
    c = rule.balance_drop
    return detection.SuddenDrop(
        rule_id,
        Decimal(str(c.min_drop_percent)),
        days=max(1, span(c.window).days),
        minimum_drop=money_value(c.min_drop_amount, "min_drop_amount"),
    )


def quiet_until(rule: AlertRule, now: datetime) -> datetime | None:
    """When the rule's quiet hours (免打扰, the bank's local time) end, if ``now`` is inside them; else None. The
    window is [start, end); a start after the end spans midnight; equal start and end mean no quiet hours.
    Critical rules are never quiet."""
    if not rule.HasField("quiet_hours") or rule.severity == Severity.SEVERITY_CRITICAL:
        return None
    start, end = rule.quiet_hours.start_minute, rule.quiet_hours.end_minute
    if start == end:
        return None
    local = now.astimezone(detection.BANK_TZ)
    minute = local.hour * 60 + local.minute
    inside = start <= minute < end if start < end else (minute >= start or minute < end)
    if not inside:
        return None
    ends = local.replace(hour=end // 60, minute=end % 60, second=0, microsecond=0)
    if ends <= local:
        ends += timedelta(days=1)
    return ends.astimezone(now.tzinfo)
