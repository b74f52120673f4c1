import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import date_pb2 as _date_pb2
from google.type import money_pb2 as _money_pb2
from kam.customer.v1 import customer_pb2 as _customer_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Priority(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PRIORITY_UNSPECIFIED: _ClassVar[Priority]
    PRIORITY_LOW: _ClassVar[Priority]
    PRIORITY_NORMAL: _ClassVar[Priority]
    PRIORITY_HIGH: _ClassVar[Priority]
    PRIORITY_URGENT: _ClassVar[Priority]
PRIORITY_UNSPECIFIED: Priority
PRIORITY_LOW: Priority
PRIORITY_NORMAL: Priority
PRIORITY_HIGH: Priority
PRIORITY_URGENT: Priority

class Completion(_message.Message):
    __slots__ = ("handling", "content", "complete_time", "interaction_type")
    HANDLING_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_TYPE_FIELD_NUMBER: _ClassVar[int]
    handling: str
    content: str
    complete_time: _timestamp_pb2.Timestamp
    interaction_type: _customer_pb2.Interaction.Type
    def __init__(self, handling: _Optional[str] = ..., content: _Optional[str] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., interaction_type: _Optional[_Union[_customer_pb2.Interaction.Type, str]] = ...) -> None: ...

class Review(_message.Message):
    __slots__ = ("accepted", "comment", "reviewer", "review_time")
    ACCEPTED_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    REVIEWER_FIELD_NUMBER: _ClassVar[int]
    REVIEW_TIME_FIELD_NUMBER: _ClassVar[int]
    accepted: bool
    comment: str
    reviewer: str
    review_time: _timestamp_pb2.Timestamp
    def __init__(self, accepted: _Optional[bool] = ..., comment: _Optional[str] = ..., reviewer: _Optional[str] = ..., review_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Task(_message.Message):
    __slots__ = ("name", "title", "purpose", "description", "priority", "state", "assigner", "assignee", "org_unit", "due_time", "customer", "related_customers", "campaign", "parent_task", "completion", "create_time", "update_time", "start_time", "close_time", "cancel_reason", "etag", "assigner_display_name", "assignee_display_name", "review", "return_count", "assignment", "overdue", "origin", "customer_display_name", "origin_display_name", "attachments")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Task.State]
        STATE_OPEN: _ClassVar[Task.State]
        STATE_IN_PROGRESS: _ClassVar[Task.State]
        STATE_COMPLETED: _ClassVar[Task.State]
        STATE_CANCELLED: _ClassVar[Task.State]
        STATE_ACCEPTED: _ClassVar[Task.State]
    STATE_UNSPECIFIED: Task.State
    STATE_OPEN: Task.State
    STATE_IN_PROGRESS: Task.State
    STATE_COMPLETED: Task.State
    STATE_CANCELLED: Task.State
    STATE_ACCEPTED: Task.State
    NAME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ASSIGNER_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_FIELD_NUMBER: _ClassVar[int]
    ORG_UNIT_FIELD_NUMBER: _ClassVar[int]
    DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    RELATED_CUSTOMERS_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    PARENT_TASK_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    CANCEL_REASON_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ASSIGNER_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    REVIEW_FIELD_NUMBER: _ClassVar[int]
    RETURN_COUNT_FIELD_NUMBER: _ClassVar[int]
    ASSIGNMENT_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    title: str
    purpose: str
    description: str
    priority: Priority
    state: Task.State
    assigner: str
    assignee: str
    org_unit: str
    due_time: _timestamp_pb2.Timestamp
    customer: str
    related_customers: _containers.RepeatedScalarFieldContainer[str]
    campaign: str
    parent_task: str
    completion: Completion
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    start_time: _timestamp_pb2.Timestamp
    close_time: _timestamp_pb2.Timestamp
    cancel_reason: str
    etag: str
    assigner_display_name: str
    assignee_display_name: str
    review: Review
    return_count: int
    assignment: str
    overdue: bool
    origin: str
    customer_display_name: str
    origin_display_name: str
    attachments: _containers.RepeatedCompositeFieldContainer[TaskAttachment]
    def __init__(self, name: _Optional[str] = ..., title: _Optional[str] = ..., purpose: _Optional[str] = ..., description: _Optional[str] = ..., priority: _Optional[_Union[Priority, str]] = ..., state: _Optional[_Union[Task.State, str]] = ..., assigner: _Optional[str] = ..., assignee: _Optional[str] = ..., org_unit: _Optional[str] = ..., due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., customer: _Optional[str] = ..., related_customers: _Optional[_Iterable[str]] = ..., campaign: _Optional[str] = ..., parent_task: _Optional[str] = ..., completion: _Optional[_Union[Completion, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., close_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cancel_reason: _Optional[str] = ..., etag: _Optional[str] = ..., assigner_display_name: _Optional[str] = ..., assignee_display_name: _Optional[str] = ..., review: _Optional[_Union[Review, _Mapping]] = ..., return_count: _Optional[int] = ..., assignment: _Optional[str] = ..., overdue: _Optional[bool] = ..., origin: _Optional[str] = ..., customer_display_name: _Optional[str] = ..., origin_display_name: _Optional[str] = ..., attachments: _Optional[_Iterable[_Union[TaskAttachment, _Mapping]]] = ...) -> None: ...

class TaskAttachment(_message.Message):
    __slots__ = ("name", "file_name", "content_type", "size_bytes", "sha256", "create_time", "uploader", "uploader_display_name")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPLOADER_FIELD_NUMBER: _ClassVar[int]
    UPLOADER_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    file_name: str
    content_type: str
    size_bytes: int
    sha256: str
    create_time: _timestamp_pb2.Timestamp
    uploader: str
    uploader_display_name: str
    def __init__(self, name: _Optional[str] = ..., file_name: _Optional[str] = ..., content_type: _Optional[str] = ..., size_bytes: _Optional[int] = ..., sha256: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., uploader: _Optional[str] = ..., uploader_display_name: _Optional[str] = ...) -> None: ...

class TaskComment(_message.Message):
    __slots__ = ("name", "text", "author", "author_display_name", "create_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    text: str
    author: str
    author_display_name: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., text: _Optional[str] = ..., author: _Optional[str] = ..., author_display_name: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TaskHistoryEntry(_message.Message):
    __slots__ = ("action", "actor", "actor_display_name", "time", "changes", "note")
    ACTION_FIELD_NUMBER: _ClassVar[int]
    ACTOR_FIELD_NUMBER: _ClassVar[int]
    ACTOR_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    action: str
    actor: str
    actor_display_name: str
    time: _timestamp_pb2.Timestamp
    changes: _containers.RepeatedCompositeFieldContainer[FieldChange]
    note: str
    def __init__(self, action: _Optional[str] = ..., actor: _Optional[str] = ..., actor_display_name: _Optional[str] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., changes: _Optional[_Iterable[_Union[FieldChange, _Mapping]]] = ..., note: _Optional[str] = ...) -> None: ...

class FieldChange(_message.Message):
    __slots__ = ("field", "before", "after")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    BEFORE_FIELD_NUMBER: _ClassVar[int]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    field: str
    before: str
    after: str
    def __init__(self, field: _Optional[str] = ..., before: _Optional[str] = ..., after: _Optional[str] = ...) -> None: ...

class Campaign(_message.Message):
    __slots__ = ("name", "display_name", "description", "products", "org_units", "target_tiers", "start_date", "end_date", "target_amount", "state", "creator", "progress", "create_time", "update_time", "etag", "product_type", "measure", "target_count", "segment", "holdout_percent", "script", "quotas", "target_customer_count", "holdout_customer_count", "revision", "creator_display_name")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Campaign.State]
        STATE_DRAFT: _ClassVar[Campaign.State]
        STATE_ACTIVE: _ClassVar[Campaign.State]
        STATE_COMPLETED: _ClassVar[Campaign.State]
        STATE_CANCELLED: _ClassVar[Campaign.State]
    STATE_UNSPECIFIED: Campaign.State
    STATE_DRAFT: Campaign.State
    STATE_ACTIVE: Campaign.State
    STATE_COMPLETED: Campaign.State
    STATE_CANCELLED: Campaign.State
    class Measure(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        MEASURE_UNSPECIFIED: _ClassVar[Campaign.Measure]
        MEASURE_AMOUNT: _ClassVar[Campaign.Measure]
        MEASURE_ACCOUNTS: _ClassVar[Campaign.Measure]
        MEASURE_CUSTOMERS_REACHED: _ClassVar[Campaign.Measure]
    MEASURE_UNSPECIFIED: Campaign.Measure
    MEASURE_AMOUNT: Campaign.Measure
    MEASURE_ACCOUNTS: Campaign.Measure
    MEASURE_CUSTOMERS_REACHED: Campaign.Measure
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    ORG_UNITS_FIELD_NUMBER: _ClassVar[int]
    TARGET_TIERS_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    TARGET_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CREATOR_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_TYPE_FIELD_NUMBER: _ClassVar[int]
    MEASURE_FIELD_NUMBER: _ClassVar[int]
    TARGET_COUNT_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_FIELD_NUMBER: _ClassVar[int]
    HOLDOUT_PERCENT_FIELD_NUMBER: _ClassVar[int]
    SCRIPT_FIELD_NUMBER: _ClassVar[int]
    QUOTAS_FIELD_NUMBER: _ClassVar[int]
    TARGET_CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    HOLDOUT_CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    CREATOR_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    description: str
    products: _containers.RepeatedScalarFieldContainer[str]
    org_units: _containers.RepeatedScalarFieldContainer[str]
    target_tiers: _containers.RepeatedScalarFieldContainer[str]
    start_date: _date_pb2.Date
    end_date: _date_pb2.Date
    target_amount: _money_pb2.Money
    state: Campaign.State
    creator: str
    progress: CampaignProgress
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    product_type: _customer_pb2.Account.Type
    measure: Campaign.Measure
    target_count: int
    segment: CampaignSegment
    holdout_percent: int
    script: str
    quotas: _containers.RepeatedCompositeFieldContainer[CampaignQuota]
    target_customer_count: int
    holdout_customer_count: int
    revision: int
    creator_display_name: str
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., description: _Optional[str] = ..., products: _Optional[_Iterable[str]] = ..., org_units: _Optional[_Iterable[str]] = ..., target_tiers: _Optional[_Iterable[str]] = ..., start_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., end_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., target_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., state: _Optional[_Union[Campaign.State, str]] = ..., creator: _Optional[str] = ..., progress: _Optional[_Union[CampaignProgress, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ..., product_type: _Optional[_Union[_customer_pb2.Account.Type, str]] = ..., measure: _Optional[_Union[Campaign.Measure, str]] = ..., target_count: _Optional[int] = ..., segment: _Optional[_Union[CampaignSegment, _Mapping]] = ..., holdout_percent: _Optional[int] = ..., script: _Optional[str] = ..., quotas: _Optional[_Iterable[_Union[CampaignQuota, _Mapping]]] = ..., target_customer_count: _Optional[int] = ..., holdout_customer_count: _Optional[int] = ..., revision: _Optional[int] = ..., creator_display_name: _Optional[str] = ...) -> None: ...

class CampaignSegment(_message.Message):
    __slots__ = ("tiers", "customer_types", "branches", "relationship_managers", "min_aum", "max_aum", "holds", "lacks", "customers", "customer_count")
    TIERS_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_TYPES_FIELD_NUMBER: _ClassVar[int]
    BRANCHES_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_MANAGERS_FIELD_NUMBER: _ClassVar[int]
    MIN_AUM_FIELD_NUMBER: _ClassVar[int]
    MAX_AUM_FIELD_NUMBER: _ClassVar[int]
    HOLDS_FIELD_NUMBER: _ClassVar[int]
    LACKS_FIELD_NUMBER: _ClassVar[int]
    CUSTOMERS_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    tiers: _containers.RepeatedScalarFieldContainer[str]
    customer_types: _containers.RepeatedScalarFieldContainer[_customer_pb2.Customer.Type]
    branches: _containers.RepeatedScalarFieldContainer[str]
    relationship_managers: _containers.RepeatedScalarFieldContainer[str]
    min_aum: _money_pb2.Money
    max_aum: _money_pb2.Money
    holds: _containers.RepeatedScalarFieldContainer[_customer_pb2.Account.Type]
    lacks: _containers.RepeatedScalarFieldContainer[_customer_pb2.Account.Type]
    customers: _containers.RepeatedScalarFieldContainer[str]
    customer_count: int
    def __init__(self, tiers: _Optional[_Iterable[str]] = ..., customer_types: _Optional[_Iterable[_Union[_customer_pb2.Customer.Type, str]]] = ..., branches: _Optional[_Iterable[str]] = ..., relationship_managers: _Optional[_Iterable[str]] = ..., min_aum: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., max_aum: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., holds: _Optional[_Iterable[_Union[_customer_pb2.Account.Type, str]]] = ..., lacks: _Optional[_Iterable[_Union[_customer_pb2.Account.Type, str]]] = ..., customers: _Optional[_Iterable[str]] = ..., customer_count: _Optional[int] = ...) -> None: ...

class CampaignQuota(_message.Message):
    __slots__ = ("assignee", "amount", "count", "target_customer_count", "display_name")
    ASSIGNEE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    TARGET_CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    assignee: str
    amount: _money_pb2.Money
    count: int
    target_customer_count: int
    display_name: str
    def __init__(self, assignee: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., count: _Optional[int] = ..., target_customer_count: _Optional[int] = ..., display_name: _Optional[str] = ...) -> None: ...

class CampaignProgress(_message.Message):
    __slots__ = ("activity_count", "customer_count", "converted_count", "converted_amount", "interested_count", "declined_count", "attributed_account_count", "attributed_amount", "target_ratio")
    ACTIVITY_COUNT_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    CONVERTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    CONVERTED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    INTERESTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    DECLINED_COUNT_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTED_ACCOUNT_COUNT_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    TARGET_RATIO_FIELD_NUMBER: _ClassVar[int]
    activity_count: int
    customer_count: int
    converted_count: int
    converted_amount: _money_pb2.Money
    interested_count: int
    declined_count: int
    attributed_account_count: int
    attributed_amount: _money_pb2.Money
    target_ratio: float
    def __init__(self, activity_count: _Optional[int] = ..., customer_count: _Optional[int] = ..., converted_count: _Optional[int] = ..., converted_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., interested_count: _Optional[int] = ..., declined_count: _Optional[int] = ..., attributed_account_count: _Optional[int] = ..., attributed_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., target_ratio: _Optional[float] = ...) -> None: ...

class CampaignTarget(_message.Message):
    __slots__ = ("name", "customer", "customer_display_name", "tier", "branch", "relationship_manager", "relationship_manager_display_name", "holdout", "stage", "converted_amount", "attributed_account_count", "last_activity_time", "aum")
    class Stage(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STAGE_UNSPECIFIED: _ClassVar[CampaignTarget.Stage]
        STAGE_NOT_CONTACTED: _ClassVar[CampaignTarget.Stage]
        STAGE_CONTACTED: _ClassVar[CampaignTarget.Stage]
        STAGE_INTERESTED: _ClassVar[CampaignTarget.Stage]
        STAGE_DECLINED: _ClassVar[CampaignTarget.Stage]
        STAGE_CONVERTED: _ClassVar[CampaignTarget.Stage]
    STAGE_UNSPECIFIED: CampaignTarget.Stage
    STAGE_NOT_CONTACTED: CampaignTarget.Stage
    STAGE_CONTACTED: CampaignTarget.Stage
    STAGE_INTERESTED: CampaignTarget.Stage
    STAGE_DECLINED: CampaignTarget.Stage
    STAGE_CONVERTED: CampaignTarget.Stage
    NAME_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    BRANCH_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_MANAGER_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_MANAGER_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    HOLDOUT_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    CONVERTED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTED_ACCOUNT_COUNT_FIELD_NUMBER: _ClassVar[int]
    LAST_ACTIVITY_TIME_FIELD_NUMBER: _ClassVar[int]
    AUM_FIELD_NUMBER: _ClassVar[int]
    name: str
    customer: str
    customer_display_name: str
    tier: str
    branch: str
    relationship_manager: str
    relationship_manager_display_name: str
    holdout: bool
    stage: CampaignTarget.Stage
    converted_amount: _money_pb2.Money
    attributed_account_count: int
    last_activity_time: _timestamp_pb2.Timestamp
    aum: _money_pb2.Money
    def __init__(self, name: _Optional[str] = ..., customer: _Optional[str] = ..., customer_display_name: _Optional[str] = ..., tier: _Optional[str] = ..., branch: _Optional[str] = ..., relationship_manager: _Optional[str] = ..., relationship_manager_display_name: _Optional[str] = ..., holdout: _Optional[bool] = ..., stage: _Optional[_Union[CampaignTarget.Stage, str]] = ..., converted_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., attributed_account_count: _Optional[int] = ..., last_activity_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., aum: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class CampaignResultRow(_message.Message):
    __slots__ = ("subject", "display_name", "quota", "achieved", "quota_ratio", "target_customer_count", "reached_count", "interested_count", "declined_count", "converted_count", "converted_amount", "attributed_account_count")
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    QUOTA_FIELD_NUMBER: _ClassVar[int]
    ACHIEVED_FIELD_NUMBER: _ClassVar[int]
    QUOTA_RATIO_FIELD_NUMBER: _ClassVar[int]
    TARGET_CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    REACHED_COUNT_FIELD_NUMBER: _ClassVar[int]
    INTERESTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    DECLINED_COUNT_FIELD_NUMBER: _ClassVar[int]
    CONVERTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    CONVERTED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTED_ACCOUNT_COUNT_FIELD_NUMBER: _ClassVar[int]
    subject: str
    display_name: str
    quota: float
    achieved: float
    quota_ratio: float
    target_customer_count: int
    reached_count: int
    interested_count: int
    declined_count: int
    converted_count: int
    converted_amount: _money_pb2.Money
    attributed_account_count: int
    def __init__(self, subject: _Optional[str] = ..., display_name: _Optional[str] = ..., quota: _Optional[float] = ..., achieved: _Optional[float] = ..., quota_ratio: _Optional[float] = ..., target_customer_count: _Optional[int] = ..., reached_count: _Optional[int] = ..., interested_count: _Optional[int] = ..., declined_count: _Optional[int] = ..., converted_count: _Optional[int] = ..., converted_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., attributed_account_count: _Optional[int] = ...) -> None: ...

class CampaignResults(_message.Message):
    __slots__ = ("campaign", "total", "units", "relationship_managers", "holdout_customer_count", "holdout_converted_count", "treated_conversion_rate", "holdout_conversion_rate", "lift_points", "compute_time")
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_MANAGERS_FIELD_NUMBER: _ClassVar[int]
    HOLDOUT_CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    HOLDOUT_CONVERTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    TREATED_CONVERSION_RATE_FIELD_NUMBER: _ClassVar[int]
    HOLDOUT_CONVERSION_RATE_FIELD_NUMBER: _ClassVar[int]
    LIFT_POINTS_FIELD_NUMBER: _ClassVar[int]
    COMPUTE_TIME_FIELD_NUMBER: _ClassVar[int]
    campaign: str
    total: CampaignResultRow
    units: _containers.RepeatedCompositeFieldContainer[CampaignResultRow]
    relationship_managers: _containers.RepeatedCompositeFieldContainer[CampaignResultRow]
    holdout_customer_count: int
    holdout_converted_count: int
    treated_conversion_rate: float
    holdout_conversion_rate: float
    lift_points: float
    compute_time: _timestamp_pb2.Timestamp
    def __init__(self, campaign: _Optional[str] = ..., total: _Optional[_Union[CampaignResultRow, _Mapping]] = ..., units: _Optional[_Iterable[_Union[CampaignResultRow, _Mapping]]] = ..., relationship_managers: _Optional[_Iterable[_Union[CampaignResultRow, _Mapping]]] = ..., holdout_customer_count: _Optional[int] = ..., holdout_converted_count: _Optional[int] = ..., treated_conversion_rate: _Optional[float] = ..., holdout_conversion_rate: _Optional[float] = ..., lift_points: _Optional[float] = ..., compute_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CampaignRevision(_message.Message):
    __slots__ = ("revision", "editor", "time", "changes")
    REVISION_FIELD_NUMBER: _ClassVar[int]
    EDITOR_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    revision: int
    editor: str
    time: _timestamp_pb2.Timestamp
    changes: _containers.RepeatedCompositeFieldContainer[FieldChange]
    def __init__(self, revision: _Optional[int] = ..., editor: _Optional[str] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., changes: _Optional[_Iterable[_Union[FieldChange, _Mapping]]] = ...) -> None: ...

class CampaignActivity(_message.Message):
    __slots__ = ("name", "customer", "staff", "org_unit", "outcome", "product", "amount", "notes", "occur_time", "create_time", "channel", "staff_display_name", "customer_display_name")
    class Outcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        OUTCOME_UNSPECIFIED: _ClassVar[CampaignActivity.Outcome]
        OUTCOME_CONTACTED: _ClassVar[CampaignActivity.Outcome]
        OUTCOME_INTERESTED: _ClassVar[CampaignActivity.Outcome]
        OUTCOME_DECLINED: _ClassVar[CampaignActivity.Outcome]
        OUTCOME_CONVERTED: _ClassVar[CampaignActivity.Outcome]
    OUTCOME_UNSPECIFIED: CampaignActivity.Outcome
    OUTCOME_CONTACTED: CampaignActivity.Outcome
    OUTCOME_INTERESTED: CampaignActivity.Outcome
    OUTCOME_DECLINED: CampaignActivity.Outcome
    OUTCOME_CONVERTED: CampaignActivity.Outcome
    class Channel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        CHANNEL_UNSPECIFIED: _ClassVar[CampaignActivity.Channel]
        CHANNEL_CALL: _ClassVar[CampaignActivity.Channel]
        CHANNEL_VISIT: _ClassVar[CampaignActivity.Channel]
        CHANNEL_MESSAGE: _ClassVar[CampaignActivity.Channel]
        CHANNEL_BRANCH: _ClassVar[CampaignActivity.Channel]
    CHANNEL_UNSPECIFIED: CampaignActivity.Channel
    CHANNEL_CALL: CampaignActivity.Channel
    CHANNEL_VISIT: CampaignActivity.Channel
    CHANNEL_MESSAGE: CampaignActivity.Channel
    CHANNEL_BRANCH: CampaignActivity.Channel
    NAME_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    STAFF_FIELD_NUMBER: _ClassVar[int]
    ORG_UNIT_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    OCCUR_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    STAFF_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    customer: str
    staff: str
    org_unit: str
    outcome: CampaignActivity.Outcome
    product: str
    amount: _money_pb2.Money
    notes: str
    occur_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    channel: CampaignActivity.Channel
    staff_display_name: str
    customer_display_name: str
    def __init__(self, name: _Optional[str] = ..., customer: _Optional[str] = ..., staff: _Optional[str] = ..., org_unit: _Optional[str] = ..., outcome: _Optional[_Union[CampaignActivity.Outcome, str]] = ..., product: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., notes: _Optional[str] = ..., occur_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., channel: _Optional[_Union[CampaignActivity.Channel, str]] = ..., staff_display_name: _Optional[str] = ..., customer_display_name: _Optional[str] = ...) -> None: ...
