import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from kam.customer.v1 import customer_pb2 as _customer_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Metric(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    METRIC_UNSPECIFIED: _ClassVar[Metric]
    METRIC_ASSETS_UNDER_MANAGEMENT: _ClassVar[Metric]
    METRIC_AVERAGE_DAILY_BALANCE: _ClassVar[Metric]
    METRIC_LOAN_BALANCE: _ClassVar[Metric]
    METRIC_PRODUCT_COUNT: _ClassVar[Metric]
    METRIC_CONTRIBUTION: _ClassVar[Metric]
    METRIC_TENURE_MONTHS: _ClassVar[Metric]
    METRIC_AVERAGE_DAILY_BALANCE_30: _ClassVar[Metric]
    METRIC_AVERAGE_DAILY_BALANCE_365: _ClassVar[Metric]
    METRIC_CREDIT_LIMIT: _ClassVar[Metric]
    METRIC_CREDIT_USED: _ClassVar[Metric]
    METRIC_TRANSACTION_COUNT_90: _ClassVar[Metric]
    METRIC_TRANSACTION_VOLUME_90: _ClassVar[Metric]
    METRIC_CONSOLIDATED_AUM: _ClassVar[Metric]
    METRIC_CONSOLIDATED_LOAN_BALANCE: _ClassVar[Metric]
METRIC_UNSPECIFIED: Metric
METRIC_ASSETS_UNDER_MANAGEMENT: Metric
METRIC_AVERAGE_DAILY_BALANCE: Metric
METRIC_LOAN_BALANCE: Metric
METRIC_PRODUCT_COUNT: Metric
METRIC_CONTRIBUTION: Metric
METRIC_TENURE_MONTHS: Metric
METRIC_AVERAGE_DAILY_BALANCE_30: Metric
METRIC_AVERAGE_DAILY_BALANCE_365: Metric
METRIC_CREDIT_LIMIT: Metric
METRIC_CREDIT_USED: Metric
METRIC_TRANSACTION_COUNT_90: Metric
METRIC_TRANSACTION_VOLUME_90: Metric
METRIC_CONSOLIDATED_AUM: Metric
METRIC_CONSOLIDATED_LOAN_BALANCE: Metric

class Tier(_message.Message):
    __slots__ = ("name", "display_name", "rank", "description", "customer_count", "create_time", "update_time", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    rank: int
    description: str
    customer_count: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., rank: _Optional[int] = ..., description: _Optional[str] = ..., customer_count: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class MetricCondition(_message.Message):
    __slots__ = ("metric", "operator", "value")
    class Operator(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        OPERATOR_UNSPECIFIED: _ClassVar[MetricCondition.Operator]
        OPERATOR_GREATER_THAN_OR_EQUAL: _ClassVar[MetricCondition.Operator]
        OPERATOR_GREATER_THAN: _ClassVar[MetricCondition.Operator]
        OPERATOR_LESS_THAN_OR_EQUAL: _ClassVar[MetricCondition.Operator]
        OPERATOR_LESS_THAN: _ClassVar[MetricCondition.Operator]
        OPERATOR_EQUAL: _ClassVar[MetricCondition.Operator]
    OPERATOR_UNSPECIFIED: MetricCondition.Operator
    OPERATOR_GREATER_THAN_OR_EQUAL: MetricCondition.Operator
    OPERATOR_GREATER_THAN: MetricCondition.Operator
    OPERATOR_LESS_THAN_OR_EQUAL: MetricCondition.Operator
    OPERATOR_LESS_THAN: MetricCondition.Operator
    OPERATOR_EQUAL: MetricCondition.Operator
    METRIC_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    metric: Metric
    operator: MetricCondition.Operator
    value: str
    def __init__(self, metric: _Optional[_Union[Metric, str]] = ..., operator: _Optional[_Union[MetricCondition.Operator, str]] = ..., value: _Optional[str] = ...) -> None: ...

class TierCondition(_message.Message):
    __slots__ = ("match", "conditions", "metric", "operator", "value")
    class Match(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        MATCH_UNSPECIFIED: _ClassVar[TierCondition.Match]
        MATCH_ALL: _ClassVar[TierCondition.Match]
        MATCH_ANY: _ClassVar[TierCondition.Match]
    MATCH_UNSPECIFIED: TierCondition.Match
    MATCH_ALL: TierCondition.Match
    MATCH_ANY: TierCondition.Match
    MATCH_FIELD_NUMBER: _ClassVar[int]
    CONDITIONS_FIELD_NUMBER: _ClassVar[int]
    METRIC_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    match: TierCondition.Match
    conditions: _containers.RepeatedCompositeFieldContainer[TierCondition]
    metric: Metric
    operator: MetricCondition.Operator
    value: str
    def __init__(self, match: _Optional[_Union[TierCondition.Match, str]] = ..., conditions: _Optional[_Iterable[_Union[TierCondition, _Mapping]]] = ..., metric: _Optional[_Union[Metric, str]] = ..., operator: _Optional[_Union[MetricCondition.Operator, str]] = ..., value: _Optional[str] = ...) -> None: ...

class TierRule(_message.Message):
    __slots__ = ("tier", "conditions", "customer_type", "description", "condition", "tier_display_name", "tier_display_name_en")
    TIER_FIELD_NUMBER: _ClassVar[int]
    CONDITIONS_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_TYPE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    TIER_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    TIER_DISPLAY_NAME_EN_FIELD_NUMBER: _ClassVar[int]
    tier: str
    conditions: _containers.RepeatedCompositeFieldContainer[MetricCondition]
    customer_type: _customer_pb2.Customer.Type
    description: str
    condition: TierCondition
    tier_display_name: str
    tier_display_name_en: str
    def __init__(self, tier: _Optional[str] = ..., conditions: _Optional[_Iterable[_Union[MetricCondition, _Mapping]]] = ..., customer_type: _Optional[_Union[_customer_pb2.Customer.Type, str]] = ..., description: _Optional[str] = ..., condition: _Optional[_Union[TierCondition, _Mapping]] = ..., tier_display_name: _Optional[str] = ..., tier_display_name_en: _Optional[str] = ...) -> None: ...

class TierRuleSet(_message.Message):
    __slots__ = ("name", "display_name", "rules", "state", "creator", "create_time", "update_time", "activate_time", "etag", "customer_type", "version", "downgrade_after_scans")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[TierRuleSet.State]
        STATE_DRAFT: _ClassVar[TierRuleSet.State]
        STATE_ACTIVE: _ClassVar[TierRuleSet.State]
        STATE_ARCHIVED: _ClassVar[TierRuleSet.State]
    STATE_UNSPECIFIED: TierRuleSet.State
    STATE_DRAFT: TierRuleSet.State
    STATE_ACTIVE: TierRuleSet.State
    STATE_ARCHIVED: TierRuleSet.State
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CREATOR_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ACTIVATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_TYPE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    DOWNGRADE_AFTER_SCANS_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    rules: _containers.RepeatedCompositeFieldContainer[TierRule]
    state: TierRuleSet.State
    creator: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    activate_time: _timestamp_pb2.Timestamp
    etag: str
    customer_type: _customer_pb2.Customer.Type
    version: int
    downgrade_after_scans: int
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., rules: _Optional[_Iterable[_Union[TierRule, _Mapping]]] = ..., state: _Optional[_Union[TierRuleSet.State, str]] = ..., creator: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., activate_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ..., customer_type: _Optional[_Union[_customer_pb2.Customer.Type, str]] = ..., version: _Optional[int] = ..., downgrade_after_scans: _Optional[int] = ...) -> None: ...

class MetricValue(_message.Message):
    __slots__ = ("metric", "value")
    METRIC_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    metric: Metric
    value: str
    def __init__(self, metric: _Optional[_Union[Metric, str]] = ..., value: _Optional[str] = ...) -> None: ...

class TierAssignment(_message.Message):
    __slots__ = ("name", "tier", "previous_tier", "rule_set", "rule_index", "metric_values", "explanation", "assign_time", "reason", "scan", "rule_set_version", "matched_condition", "actor")
    class Reason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        REASON_UNSPECIFIED: _ClassVar[TierAssignment.Reason]
        REASON_SCAN: _ClassVar[TierAssignment.Reason]
        REASON_HYSTERESIS_HOLD: _ClassVar[TierAssignment.Reason]
        REASON_RULE_SET_ACTIVATED: _ClassVar[TierAssignment.Reason]
        REASON_OVERRIDE: _ClassVar[TierAssignment.Reason]
        REASON_OVERRIDE_REMOVED: _ClassVar[TierAssignment.Reason]
        REASON_OVERRIDE_EXPIRED: _ClassVar[TierAssignment.Reason]
    REASON_UNSPECIFIED: TierAssignment.Reason
    REASON_SCAN: TierAssignment.Reason
    REASON_HYSTERESIS_HOLD: TierAssignment.Reason
    REASON_RULE_SET_ACTIVATED: TierAssignment.Reason
    REASON_OVERRIDE: TierAssignment.Reason
    REASON_OVERRIDE_REMOVED: TierAssignment.Reason
    REASON_OVERRIDE_EXPIRED: TierAssignment.Reason
    NAME_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_TIER_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_FIELD_NUMBER: _ClassVar[int]
    RULE_INDEX_FIELD_NUMBER: _ClassVar[int]
    METRIC_VALUES_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    ASSIGN_TIME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SCAN_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_VERSION_FIELD_NUMBER: _ClassVar[int]
    MATCHED_CONDITION_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    name: str
    tier: str
    previous_tier: str
    rule_set: str
    rule_index: int
    metric_values: _containers.RepeatedCompositeFieldContainer[MetricValue]
    explanation: str
    assign_time: _timestamp_pb2.Timestamp
    reason: TierAssignment.Reason
    scan: str
    rule_set_version: int
    matched_condition: str
    actor: str
    def __init__(self, name: _Optional[str] = ..., tier: _Optional[str] = ..., previous_tier: _Optional[str] = ..., rule_set: _Optional[str] = ..., rule_index: _Optional[int] = ..., metric_values: _Optional[_Iterable[_Union[MetricValue, _Mapping]]] = ..., explanation: _Optional[str] = ..., assign_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reason: _Optional[_Union[TierAssignment.Reason, str]] = ..., scan: _Optional[str] = ..., rule_set_version: _Optional[int] = ..., matched_condition: _Optional[str] = ..., actor: _Optional[str] = ...) -> None: ...

class TierOverride(_message.Message):
    __slots__ = ("name", "tier", "reason", "expire_time", "creator", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATOR_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    tier: str
    reason: str
    expire_time: _timestamp_pb2.Timestamp
    creator: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., tier: _Optional[str] = ..., reason: _Optional[str] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., creator: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CustomerTier(_message.Message):
    __slots__ = ("name", "tier", "tier_display_name", "graded_tier", "verdict_tier", "consecutive_scans_below", "downgrade_after_scans", "assignment", "override")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    TIER_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    GRADED_TIER_FIELD_NUMBER: _ClassVar[int]
    VERDICT_TIER_FIELD_NUMBER: _ClassVar[int]
    CONSECUTIVE_SCANS_BELOW_FIELD_NUMBER: _ClassVar[int]
    DOWNGRADE_AFTER_SCANS_FIELD_NUMBER: _ClassVar[int]
    ASSIGNMENT_FIELD_NUMBER: _ClassVar[int]
    OVERRIDE_FIELD_NUMBER: _ClassVar[int]
    name: str
    tier: str
    tier_display_name: str
    graded_tier: str
    verdict_tier: str
    consecutive_scans_below: int
    downgrade_after_scans: int
    assignment: TierAssignment
    override: TierOverride
    def __init__(self, name: _Optional[str] = ..., tier: _Optional[str] = ..., tier_display_name: _Optional[str] = ..., graded_tier: _Optional[str] = ..., verdict_tier: _Optional[str] = ..., consecutive_scans_below: _Optional[int] = ..., downgrade_after_scans: _Optional[int] = ..., assignment: _Optional[_Union[TierAssignment, _Mapping]] = ..., override: _Optional[_Union[TierOverride, _Mapping]] = ...) -> None: ...

class TierCount(_message.Message):
    __slots__ = ("tier", "display_name", "customer_count")
    TIER_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    tier: str
    display_name: str
    customer_count: int
    def __init__(self, tier: _Optional[str] = ..., display_name: _Optional[str] = ..., customer_count: _Optional[int] = ...) -> None: ...

class TierTransition(_message.Message):
    __slots__ = ("from_tier", "to_tier", "customer_count")
    FROM_TIER_FIELD_NUMBER: _ClassVar[int]
    TO_TIER_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    from_tier: str
    to_tier: str
    customer_count: int
    def __init__(self, from_tier: _Optional[str] = ..., to_tier: _Optional[str] = ..., customer_count: _Optional[int] = ...) -> None: ...
