import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import money_pb2 as _money_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Severity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SEVERITY_UNSPECIFIED: _ClassVar[Severity]
    SEVERITY_LOW: _ClassVar[Severity]
    SEVERITY_MEDIUM: _ClassVar[Severity]
    SEVERITY_HIGH: _ClassVar[Severity]
    SEVERITY_CRITICAL: _ClassVar[Severity]

class TransactionDirection(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRANSACTION_DIRECTION_UNSPECIFIED: _ClassVar[TransactionDirection]
    TRANSACTION_DIRECTION_DEBIT: _ClassVar[TransactionDirection]
    TRANSACTION_DIRECTION_CREDIT: _ClassVar[TransactionDirection]

class CashFilter(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CASH_FILTER_UNSPECIFIED: _ClassVar[CashFilter]
    CASH_FILTER_CASH: _ClassVar[CashFilter]
    CASH_FILTER_NON_CASH: _ClassVar[CashFilter]

class CustomerType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CUSTOMER_TYPE_UNSPECIFIED: _ClassVar[CustomerType]
    CUSTOMER_TYPE_INDIVIDUAL: _ClassVar[CustomerType]
    CUSTOMER_TYPE_CORPORATE: _ClassVar[CustomerType]
SEVERITY_UNSPECIFIED: Severity
SEVERITY_LOW: Severity
SEVERITY_MEDIUM: Severity
SEVERITY_HIGH: Severity
SEVERITY_CRITICAL: Severity
TRANSACTION_DIRECTION_UNSPECIFIED: TransactionDirection
TRANSACTION_DIRECTION_DEBIT: TransactionDirection
TRANSACTION_DIRECTION_CREDIT: TransactionDirection
CASH_FILTER_UNSPECIFIED: CashFilter
CASH_FILTER_CASH: CashFilter
CASH_FILTER_NON_CASH: CashFilter
CUSTOMER_TYPE_UNSPECIFIED: CustomerType
CUSTOMER_TYPE_INDIVIDUAL: CustomerType
CUSTOMER_TYPE_CORPORATE: CustomerType

class LargeTransactionCondition(_message.Message):
    __slots__ = ("threshold", "direction", "cash", "channel", "customer_type", "same_day_cumulative")
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    CASH_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_TYPE_FIELD_NUMBER: _ClassVar[int]
    SAME_DAY_CUMULATIVE_FIELD_NUMBER: _ClassVar[int]
    threshold: _money_pb2.Money
    direction: TransactionDirection
    cash: CashFilter
    channel: str
    customer_type: CustomerType
    same_day_cumulative: bool
    def __init__(self, threshold: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., direction: _Optional[_Union[TransactionDirection, str]] = ..., cash: _Optional[_Union[CashFilter, str]] = ..., channel: _Optional[str] = ..., customer_type: _Optional[_Union[CustomerType, str]] = ..., same_day_cumulative: _Optional[bool] = ...) -> None: ...

class FrequentWithdrawalsCondition(_message.Message):
    __slots__ = ("max_amount", "min_count", "min_total", "window", "per_account")
    MAX_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    MIN_COUNT_FIELD_NUMBER: _ClassVar[int]
    MIN_TOTAL_FIELD_NUMBER: _ClassVar[int]
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    PER_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    max_amount: _money_pb2.Money
    min_count: int
    min_total: _money_pb2.Money
    window: _duration_pb2.Duration
    per_account: bool
    def __init__(self, max_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., min_count: _Optional[int] = ..., min_total: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., window: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., per_account: _Optional[bool] = ...) -> None: ...

class BalanceDropCondition(_message.Message):
    __slots__ = ("min_drop_percent", "min_drop_amount", "window", "measure")
    class BalanceMeasure(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        BALANCE_MEASURE_UNSPECIFIED: _ClassVar[BalanceDropCondition.BalanceMeasure]
        BALANCE_MEASURE_ACCOUNT: _ClassVar[BalanceDropCondition.BalanceMeasure]
    BALANCE_MEASURE_UNSPECIFIED: BalanceDropCondition.BalanceMeasure
    BALANCE_MEASURE_ACCOUNT: BalanceDropCondition.BalanceMeasure
    MIN_DROP_PERCENT_FIELD_NUMBER: _ClassVar[int]
    MIN_DROP_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    MEASURE_FIELD_NUMBER: _ClassVar[int]
    min_drop_percent: float
    min_drop_amount: _money_pb2.Money
    window: _duration_pb2.Duration
    measure: BalanceDropCondition.BalanceMeasure
    def __init__(self, min_drop_percent: _Optional[float] = ..., min_drop_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., window: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., measure: _Optional[_Union[BalanceDropCondition.BalanceMeasure, str]] = ...) -> None: ...

class DormancyCondition(_message.Message):
    __slots__ = ("quiet_period",)
    QUIET_PERIOD_FIELD_NUMBER: _ClassVar[int]
    quiet_period: _duration_pb2.Duration
    def __init__(self, quiet_period: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class TierChangeCondition(_message.Message):
    __slots__ = ("upgrades", "downgrades")
    UPGRADES_FIELD_NUMBER: _ClassVar[int]
    DOWNGRADES_FIELD_NUMBER: _ClassVar[int]
    upgrades: bool
    downgrades: bool
    def __init__(self, upgrades: _Optional[bool] = ..., downgrades: _Optional[bool] = ...) -> None: ...

class FestivalCondition(_message.Message):
    __slots__ = ("festivals", "lead_time")
    class Festival(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        FESTIVAL_UNSPECIFIED: _ClassVar[FestivalCondition.Festival]
        FESTIVAL_NEW_YEAR: _ClassVar[FestivalCondition.Festival]
        FESTIVAL_SPRING: _ClassVar[FestivalCondition.Festival]
        FESTIVAL_LANTERN: _ClassVar[FestivalCondition.Festival]
        FESTIVAL_DRAGON_BOAT: _ClassVar[FestivalCondition.Festival]
        FESTIVAL_MID_AUTUMN: _ClassVar[FestivalCondition.Festival]
        FESTIVAL_DOUBLE_NINTH: _ClassVar[FestivalCondition.Festival]
        FESTIVAL_NATIONAL_DAY: _ClassVar[FestivalCondition.Festival]
    FESTIVAL_UNSPECIFIED: FestivalCondition.Festival
    FESTIVAL_NEW_YEAR: FestivalCondition.Festival
    FESTIVAL_SPRING: FestivalCondition.Festival
    FESTIVAL_LANTERN: FestivalCondition.Festival
    FESTIVAL_DRAGON_BOAT: FestivalCondition.Festival
    FESTIVAL_MID_AUTUMN: FestivalCondition.Festival
    FESTIVAL_DOUBLE_NINTH: FestivalCondition.Festival
    FESTIVAL_NATIONAL_DAY: FestivalCondition.Festival
    FESTIVALS_FIELD_NUMBER: _ClassVar[int]
    LEAD_TIME_FIELD_NUMBER: _ClassVar[int]
    festivals: _containers.RepeatedScalarFieldContainer[FestivalCondition.Festival]
    lead_time: _duration_pb2.Duration
    def __init__(self, festivals: _Optional[_Iterable[_Union[FestivalCondition.Festival, str]]] = ..., lead_time: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class QuietHours(_message.Message):
    __slots__ = ("start_minute", "end_minute")
    START_MINUTE_FIELD_NUMBER: _ClassVar[int]
    END_MINUTE_FIELD_NUMBER: _ClassVar[int]
    start_minute: int
    end_minute: int
    def __init__(self, start_minute: _Optional[int] = ..., end_minute: _Optional[int] = ...) -> None: ...

class KeyDateCondition(_message.Message):
    __slots__ = ("kind", "lead_time")
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        KIND_UNSPECIFIED: _ClassVar[KeyDateCondition.Kind]
        KIND_BIRTHDAY: _ClassVar[KeyDateCondition.Kind]
        KIND_ESTABLISHMENT_ANNIVERSARY: _ClassVar[KeyDateCondition.Kind]
        KIND_RELATIONSHIP_ANNIVERSARY: _ClassVar[KeyDateCondition.Kind]
        KIND_DEPOSIT_MATURITY: _ClassVar[KeyDateCondition.Kind]
        KIND_LOAN_MATURITY: _ClassVar[KeyDateCondition.Kind]
        KIND_CONTACT_BIRTHDAY: _ClassVar[KeyDateCondition.Kind]
        KIND_WEALTH_MATURITY: _ClassVar[KeyDateCondition.Kind]
    KIND_UNSPECIFIED: KeyDateCondition.Kind
    KIND_BIRTHDAY: KeyDateCondition.Kind
    KIND_ESTABLISHMENT_ANNIVERSARY: KeyDateCondition.Kind
    KIND_RELATIONSHIP_ANNIVERSARY: KeyDateCondition.Kind
    KIND_DEPOSIT_MATURITY: KeyDateCondition.Kind
    KIND_LOAN_MATURITY: KeyDateCondition.Kind
    KIND_CONTACT_BIRTHDAY: KeyDateCondition.Kind
    KIND_WEALTH_MATURITY: KeyDateCondition.Kind
    KIND_FIELD_NUMBER: _ClassVar[int]
    LEAD_TIME_FIELD_NUMBER: _ClassVar[int]
    kind: KeyDateCondition.Kind
    lead_time: _duration_pb2.Duration
    def __init__(self, kind: _Optional[_Union[KeyDateCondition.Kind, str]] = ..., lead_time: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class TaskDueCondition(_message.Message):
    __slots__ = ("lead_time", "alert_when_overdue")
    LEAD_TIME_FIELD_NUMBER: _ClassVar[int]
    ALERT_WHEN_OVERDUE_FIELD_NUMBER: _ClassVar[int]
    lead_time: _duration_pb2.Duration
    alert_when_overdue: bool
    def __init__(self, lead_time: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., alert_when_overdue: _Optional[bool] = ...) -> None: ...

class Recipients(_message.Message):
    __slots__ = ("relationship_manager", "branch_manager", "users", "roles")
    RELATIONSHIP_MANAGER_FIELD_NUMBER: _ClassVar[int]
    BRANCH_MANAGER_FIELD_NUMBER: _ClassVar[int]
    USERS_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    relationship_manager: bool
    branch_manager: bool
    users: _containers.RepeatedScalarFieldContainer[str]
    roles: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, relationship_manager: _Optional[bool] = ..., branch_manager: _Optional[bool] = ..., users: _Optional[_Iterable[str]] = ..., roles: _Optional[_Iterable[str]] = ...) -> None: ...

class Escalation(_message.Message):
    __slots__ = ("after", "recipients", "up_the_org_tree")
    AFTER_FIELD_NUMBER: _ClassVar[int]
    RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    UP_THE_ORG_TREE_FIELD_NUMBER: _ClassVar[int]
    after: _duration_pb2.Duration
    recipients: Recipients
    up_the_org_tree: bool
    def __init__(self, after: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., recipients: _Optional[_Union[Recipients, _Mapping]] = ..., up_the_org_tree: _Optional[bool] = ...) -> None: ...

class AlertRule(_message.Message):
    __slots__ = ("name", "display_name", "large_transaction", "frequent_withdrawals", "balance_drop", "key_date", "task_due", "dormancy", "tier_change", "festival", "severity", "tiers", "org_units", "customer_type", "recipients", "repeat_interval", "max_notify_count", "quiet_hours", "escalation", "customer_message_template", "enabled", "create_time", "update_time", "creator", "etag", "version")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    LARGE_TRANSACTION_FIELD_NUMBER: _ClassVar[int]
    FREQUENT_WITHDRAWALS_FIELD_NUMBER: _ClassVar[int]
    BALANCE_DROP_FIELD_NUMBER: _ClassVar[int]
    KEY_DATE_FIELD_NUMBER: _ClassVar[int]
    TASK_DUE_FIELD_NUMBER: _ClassVar[int]
    DORMANCY_FIELD_NUMBER: _ClassVar[int]
    TIER_CHANGE_FIELD_NUMBER: _ClassVar[int]
    FESTIVAL_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    TIERS_FIELD_NUMBER: _ClassVar[int]
    ORG_UNITS_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_TYPE_FIELD_NUMBER: _ClassVar[int]
    RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    REPEAT_INTERVAL_FIELD_NUMBER: _ClassVar[int]
    MAX_NOTIFY_COUNT_FIELD_NUMBER: _ClassVar[int]
    QUIET_HOURS_FIELD_NUMBER: _ClassVar[int]
    ESCALATION_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_MESSAGE_TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATOR_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    large_transaction: LargeTransactionCondition
    frequent_withdrawals: FrequentWithdrawalsCondition
    balance_drop: BalanceDropCondition
    key_date: KeyDateCondition
    task_due: TaskDueCondition
    dormancy: DormancyCondition
    tier_change: TierChangeCondition
    festival: FestivalCondition
    severity: Severity
    tiers: _containers.RepeatedScalarFieldContainer[str]
    org_units: _containers.RepeatedScalarFieldContainer[str]
    customer_type: CustomerType
    recipients: Recipients
    repeat_interval: _duration_pb2.Duration
    max_notify_count: int
    quiet_hours: QuietHours
    escalation: Escalation
    customer_message_template: str
    enabled: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    creator: str
    etag: str
    version: int
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., large_transaction: _Optional[_Union[LargeTransactionCondition, _Mapping]] = ..., frequent_withdrawals: _Optional[_Union[FrequentWithdrawalsCondition, _Mapping]] = ..., balance_drop: _Optional[_Union[BalanceDropCondition, _Mapping]] = ..., key_date: _Optional[_Union[KeyDateCondition, _Mapping]] = ..., task_due: _Optional[_Union[TaskDueCondition, _Mapping]] = ..., dormancy: _Optional[_Union[DormancyCondition, _Mapping]] = ..., tier_change: _Optional[_Union[TierChangeCondition, _Mapping]] = ..., festival: _Optional[_Union[FestivalCondition, _Mapping]] = ..., severity: _Optional[_Union[Severity, str]] = ..., tiers: _Optional[_Iterable[str]] = ..., org_units: _Optional[_Iterable[str]] = ..., customer_type: _Optional[_Union[CustomerType, str]] = ..., recipients: _Optional[_Union[Recipients, _Mapping]] = ..., repeat_interval: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., max_notify_count: _Optional[int] = ..., quiet_hours: _Optional[_Union[QuietHours, _Mapping]] = ..., escalation: _Optional[_Union[Escalation, _Mapping]] = ..., customer_message_template: _Optional[str] = ..., enabled: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., creator: _Optional[str] = ..., etag: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class Evidence(_message.Message):
    __slots__ = ("key", "value")
    KEY_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    key: str
    value: str
    def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class Alert(_message.Message):
    __slots__ = ("name", "rule", "customer", "account", "task", "severity", "state", "title", "description", "evidence", "recipients", "event_time", "create_time", "update_time", "last_notify_time", "next_notify_time", "notify_count", "rule_version", "occurrence_count", "transactions", "escalation_level", "snooze_expire_time", "acknowledger", "acknowledge_time", "silence_expire_time", "resolver", "resolve_time", "resolution_note", "branch", "etag")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Alert.State]
        STATE_OPEN: _ClassVar[Alert.State]
        STATE_ACKNOWLEDGED: _ClassVar[Alert.State]
        STATE_SNOOZED: _ClassVar[Alert.State]
        STATE_STOPPED: _ClassVar[Alert.State]
        STATE_RESOLVED: _ClassVar[Alert.State]
    STATE_UNSPECIFIED: Alert.State
    STATE_OPEN: Alert.State
    STATE_ACKNOWLEDGED: Alert.State
    STATE_SNOOZED: Alert.State
    STATE_STOPPED: Alert.State
    STATE_RESOLVED: Alert.State
    NAME_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    RECIPIENTS_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_NOTIFY_TIME_FIELD_NUMBER: _ClassVar[int]
    NEXT_NOTIFY_TIME_FIELD_NUMBER: _ClassVar[int]
    NOTIFY_COUNT_FIELD_NUMBER: _ClassVar[int]
    RULE_VERSION_FIELD_NUMBER: _ClassVar[int]
    OCCURRENCE_COUNT_FIELD_NUMBER: _ClassVar[int]
    TRANSACTIONS_FIELD_NUMBER: _ClassVar[int]
    ESCALATION_LEVEL_FIELD_NUMBER: _ClassVar[int]
    SNOOZE_EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    ACKNOWLEDGER_FIELD_NUMBER: _ClassVar[int]
    ACKNOWLEDGE_TIME_FIELD_NUMBER: _ClassVar[int]
    SILENCE_EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    RESOLVER_FIELD_NUMBER: _ClassVar[int]
    RESOLVE_TIME_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_NOTE_FIELD_NUMBER: _ClassVar[int]
    BRANCH_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    rule: str
    customer: str
    account: str
    task: str
    severity: Severity
    state: Alert.State
    title: str
    description: str
    evidence: _containers.RepeatedCompositeFieldContainer[Evidence]
    recipients: _containers.RepeatedScalarFieldContainer[str]
    event_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    last_notify_time: _timestamp_pb2.Timestamp
    next_notify_time: _timestamp_pb2.Timestamp
    notify_count: int
    rule_version: int
    occurrence_count: int
    transactions: _containers.RepeatedScalarFieldContainer[str]
    escalation_level: int
    snooze_expire_time: _timestamp_pb2.Timestamp
    acknowledger: str
    acknowledge_time: _timestamp_pb2.Timestamp
    silence_expire_time: _timestamp_pb2.Timestamp
    resolver: str
    resolve_time: _timestamp_pb2.Timestamp
    resolution_note: str
    branch: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., rule: _Optional[str] = ..., customer: _Optional[str] = ..., account: _Optional[str] = ..., task: _Optional[str] = ..., severity: _Optional[_Union[Severity, str]] = ..., state: _Optional[_Union[Alert.State, str]] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., evidence: _Optional[_Iterable[_Union[Evidence, _Mapping]]] = ..., recipients: _Optional[_Iterable[str]] = ..., event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_notify_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., next_notify_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., notify_count: _Optional[int] = ..., rule_version: _Optional[int] = ..., occurrence_count: _Optional[int] = ..., transactions: _Optional[_Iterable[str]] = ..., escalation_level: _Optional[int] = ..., snooze_expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., acknowledger: _Optional[str] = ..., acknowledge_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., silence_expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolver: _Optional[str] = ..., resolve_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resolution_note: _Optional[str] = ..., branch: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class MonitoringStats(_message.Message):
    __slots__ = ("name", "watched_customer_count", "enabled_rule_count", "open_alert_count", "evaluated_transaction_count", "last_event_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    WATCHED_CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    ENABLED_RULE_COUNT_FIELD_NUMBER: _ClassVar[int]
    OPEN_ALERT_COUNT_FIELD_NUMBER: _ClassVar[int]
    EVALUATED_TRANSACTION_COUNT_FIELD_NUMBER: _ClassVar[int]
    LAST_EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    watched_customer_count: int
    enabled_rule_count: int
    open_alert_count: int
    evaluated_transaction_count: int
    last_event_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., watched_customer_count: _Optional[int] = ..., enabled_rule_count: _Optional[int] = ..., open_alert_count: _Optional[int] = ..., evaluated_transaction_count: _Optional[int] = ..., last_event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AlertComment(_message.Message):
    __slots__ = ("name", "text", "author", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    text: str
    author: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., text: _Optional[str] = ..., author: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
