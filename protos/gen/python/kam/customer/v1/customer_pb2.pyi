import datetime

from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import date_pb2 as _date_pb2
from google.type import money_pb2 as _money_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PiiView(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PII_VIEW_UNSPECIFIED: _ClassVar[PiiView]
    PII_VIEW_MASKED: _ClassVar[PiiView]
    PII_VIEW_UNMASKED: _ClassVar[PiiView]
    PII_VIEW_BASIC: _ClassVar[PiiView]

class KeyDateKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    KEY_DATE_KIND_UNSPECIFIED: _ClassVar[KeyDateKind]
    KEY_DATE_KIND_BIRTHDAY: _ClassVar[KeyDateKind]
    KEY_DATE_KIND_ESTABLISHMENT_ANNIVERSARY: _ClassVar[KeyDateKind]
    KEY_DATE_KIND_RELATIONSHIP_ANNIVERSARY: _ClassVar[KeyDateKind]
    KEY_DATE_KIND_DEPOSIT_MATURITY: _ClassVar[KeyDateKind]
    KEY_DATE_KIND_LOAN_MATURITY: _ClassVar[KeyDateKind]
    KEY_DATE_KIND_CONTACT_BIRTHDAY: _ClassVar[KeyDateKind]
    KEY_DATE_KIND_WEALTH_MATURITY: _ClassVar[KeyDateKind]
PII_VIEW_UNSPECIFIED: PiiView
PII_VIEW_MASKED: PiiView
PII_VIEW_UNMASKED: PiiView
PII_VIEW_BASIC: PiiView
KEY_DATE_KIND_UNSPECIFIED: KeyDateKind
KEY_DATE_KIND_BIRTHDAY: KeyDateKind
KEY_DATE_KIND_ESTABLISHMENT_ANNIVERSARY: KeyDateKind
KEY_DATE_KIND_RELATIONSHIP_ANNIVERSARY: KeyDateKind
KEY_DATE_KIND_DEPOSIT_MATURITY: KeyDateKind
KEY_DATE_KIND_LOAN_MATURITY: KeyDateKind
KEY_DATE_KIND_CONTACT_BIRTHDAY: KeyDateKind
KEY_DATE_KIND_WEALTH_MATURITY: KeyDateKind

class Customer(_message.Message):
    __slots__ = ("name", "type", "display_name", "id_number", "phone", "branch", "relationship_manager", "tier", "create_time", "update_time", "etag", "birth_date", "establishment_date", "relationship_start_date", "legal_representative", "industry", "email", "address", "state", "source", "source_id", "metrics", "masked", "branch_display_name", "relationship_manager_display_name")
    class Type(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        TYPE_UNSPECIFIED: _ClassVar[Customer.Type]
        TYPE_INDIVIDUAL: _ClassVar[Customer.Type]
        TYPE_CORPORATE: _ClassVar[Customer.Type]
    TYPE_UNSPECIFIED: Customer.Type
    TYPE_INDIVIDUAL: Customer.Type
    TYPE_CORPORATE: Customer.Type
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Customer.State]
        STATE_ACTIVE: _ClassVar[Customer.State]
        STATE_DORMANT: _ClassVar[Customer.State]
        STATE_CLOSED: _ClassVar[Customer.State]
    STATE_UNSPECIFIED: Customer.State
    STATE_ACTIVE: Customer.State
    STATE_DORMANT: Customer.State
    STATE_CLOSED: Customer.State
    class Source(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        SOURCE_UNSPECIFIED: _ClassVar[Customer.Source]
        SOURCE_CORE_BANKING: _ClassVar[Customer.Source]
        SOURCE_MANUAL: _ClassVar[Customer.Source]
    SOURCE_UNSPECIFIED: Customer.Source
    SOURCE_CORE_BANKING: Customer.Source
    SOURCE_MANUAL: Customer.Source
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    BRANCH_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_MANAGER_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    ESTABLISHMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_START_DATE_FIELD_NUMBER: _ClassVar[int]
    LEGAL_REPRESENTATIVE_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    MASKED_FIELD_NUMBER: _ClassVar[int]
    BRANCH_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_MANAGER_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: Customer.Type
    display_name: str
    id_number: str
    phone: str
    branch: str
    relationship_manager: str
    tier: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    birth_date: _date_pb2.Date
    establishment_date: _date_pb2.Date
    relationship_start_date: _date_pb2.Date
    legal_representative: str
    industry: str
    email: str
    address: str
    state: Customer.State
    source: Customer.Source
    source_id: str
    metrics: CustomerMetrics
    masked: bool
    branch_display_name: str
    relationship_manager_display_name: str
    def __init__(self, name: _Optional[str] = ..., type: _Optional[_Union[Customer.Type, str]] = ..., display_name: _Optional[str] = ..., id_number: _Optional[str] = ..., phone: _Optional[str] = ..., branch: _Optional[str] = ..., relationship_manager: _Optional[str] = ..., tier: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ..., birth_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., establishment_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., relationship_start_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., legal_representative: _Optional[str] = ..., industry: _Optional[str] = ..., email: _Optional[str] = ..., address: _Optional[str] = ..., state: _Optional[_Union[Customer.State, str]] = ..., source: _Optional[_Union[Customer.Source, str]] = ..., source_id: _Optional[str] = ..., metrics: _Optional[_Union[CustomerMetrics, _Mapping]] = ..., masked: _Optional[bool] = ..., branch_display_name: _Optional[str] = ..., relationship_manager_display_name: _Optional[str] = ...) -> None: ...

class CustomerMetrics(_message.Message):
    __slots__ = ("assets_under_management", "average_daily_balance", "loan_balance", "product_count", "contribution", "tenure_months", "as_of_date", "window_days")
    ASSETS_UNDER_MANAGEMENT_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_DAILY_BALANCE_FIELD_NUMBER: _ClassVar[int]
    LOAN_BALANCE_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_COUNT_FIELD_NUMBER: _ClassVar[int]
    CONTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    TENURE_MONTHS_FIELD_NUMBER: _ClassVar[int]
    AS_OF_DATE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_DAYS_FIELD_NUMBER: _ClassVar[int]
    assets_under_management: _money_pb2.Money
    average_daily_balance: _money_pb2.Money
    loan_balance: _money_pb2.Money
    product_count: int
    contribution: _money_pb2.Money
    tenure_months: int
    as_of_date: _date_pb2.Date
    window_days: int
    def __init__(self, assets_under_management: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., average_daily_balance: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., loan_balance: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., product_count: _Optional[int] = ..., contribution: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., tenure_months: _Optional[int] = ..., as_of_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., window_days: _Optional[int] = ...) -> None: ...

class Account(_message.Message):
    __slots__ = ("name", "account_number", "type", "product", "product_display_name", "balance", "state", "branch", "open_date", "maturity_date", "balance_update_time", "masked", "credit_limit", "repayment_state", "balance_history")
    class Type(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        TYPE_UNSPECIFIED: _ClassVar[Account.Type]
        TYPE_DEMAND_DEPOSIT: _ClassVar[Account.Type]
        TYPE_TIME_DEPOSIT: _ClassVar[Account.Type]
        TYPE_LOAN: _ClassVar[Account.Type]
        TYPE_WEALTH: _ClassVar[Account.Type]
        TYPE_CREDIT_CARD: _ClassVar[Account.Type]
        TYPE_FUND: _ClassVar[Account.Type]
    TYPE_UNSPECIFIED: Account.Type
    TYPE_DEMAND_DEPOSIT: Account.Type
    TYPE_TIME_DEPOSIT: Account.Type
    TYPE_LOAN: Account.Type
    TYPE_WEALTH: Account.Type
    TYPE_CREDIT_CARD: Account.Type
    TYPE_FUND: Account.Type
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[Account.State]
        STATE_OPEN: _ClassVar[Account.State]
        STATE_FROZEN: _ClassVar[Account.State]
        STATE_DORMANT: _ClassVar[Account.State]
        STATE_CLOSED: _ClassVar[Account.State]
    STATE_UNSPECIFIED: Account.State
    STATE_OPEN: Account.State
    STATE_FROZEN: Account.State
    STATE_DORMANT: Account.State
    STATE_CLOSED: Account.State
    NAME_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    BRANCH_FIELD_NUMBER: _ClassVar[int]
    OPEN_DATE_FIELD_NUMBER: _ClassVar[int]
    MATURITY_DATE_FIELD_NUMBER: _ClassVar[int]
    BALANCE_UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    MASKED_FIELD_NUMBER: _ClassVar[int]
    CREDIT_LIMIT_FIELD_NUMBER: _ClassVar[int]
    REPAYMENT_STATE_FIELD_NUMBER: _ClassVar[int]
    BALANCE_HISTORY_FIELD_NUMBER: _ClassVar[int]
    name: str
    account_number: str
    type: Account.Type
    product: str
    product_display_name: str
    balance: _money_pb2.Money
    state: Account.State
    branch: str
    open_date: _date_pb2.Date
    maturity_date: _date_pb2.Date
    balance_update_time: _timestamp_pb2.Timestamp
    masked: bool
    credit_limit: _money_pb2.Money
    repayment_state: str
    balance_history: _containers.RepeatedCompositeFieldContainer[BalancePoint]
    def __init__(self, name: _Optional[str] = ..., account_number: _Optional[str] = ..., type: _Optional[_Union[Account.Type, str]] = ..., product: _Optional[str] = ..., product_display_name: _Optional[str] = ..., balance: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., state: _Optional[_Union[Account.State, str]] = ..., branch: _Optional[str] = ..., open_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., maturity_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., balance_update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., masked: _Optional[bool] = ..., credit_limit: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., repayment_state: _Optional[str] = ..., balance_history: _Optional[_Iterable[_Union[BalancePoint, _Mapping]]] = ...) -> None: ...

class BalancePoint(_message.Message):
    __slots__ = ("date", "balance")
    DATE_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    date: _date_pb2.Date
    balance: _money_pb2.Money
    def __init__(self, date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., balance: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class Transaction(_message.Message):
    __slots__ = ("name", "direction", "amount", "balance_after", "channel", "counterparty", "summary", "post_time", "receive_time", "cash")
    class Direction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        DIRECTION_UNSPECIFIED: _ClassVar[Transaction.Direction]
        DIRECTION_DEBIT: _ClassVar[Transaction.Direction]
        DIRECTION_CREDIT: _ClassVar[Transaction.Direction]
    DIRECTION_UNSPECIFIED: Transaction.Direction
    DIRECTION_DEBIT: Transaction.Direction
    DIRECTION_CREDIT: Transaction.Direction
    class Channel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        CHANNEL_UNSPECIFIED: _ClassVar[Transaction.Channel]
        CHANNEL_COUNTER: _ClassVar[Transaction.Channel]
        CHANNEL_ATM: _ClassVar[Transaction.Channel]
        CHANNEL_ONLINE: _ClassVar[Transaction.Channel]
        CHANNEL_MOBILE: _ClassVar[Transaction.Channel]
        CHANNEL_POS: _ClassVar[Transaction.Channel]
        CHANNEL_THIRD_PARTY: _ClassVar[Transaction.Channel]
    CHANNEL_UNSPECIFIED: Transaction.Channel
    CHANNEL_COUNTER: Transaction.Channel
    CHANNEL_ATM: Transaction.Channel
    CHANNEL_ONLINE: Transaction.Channel
    CHANNEL_MOBILE: Transaction.Channel
    CHANNEL_POS: Transaction.Channel
    CHANNEL_THIRD_PARTY: Transaction.Channel
    NAME_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    BALANCE_AFTER_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    COUNTERPARTY_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    POST_TIME_FIELD_NUMBER: _ClassVar[int]
    RECEIVE_TIME_FIELD_NUMBER: _ClassVar[int]
    CASH_FIELD_NUMBER: _ClassVar[int]
    name: str
    direction: Transaction.Direction
    amount: _money_pb2.Money
    balance_after: _money_pb2.Money
    channel: Transaction.Channel
    counterparty: str
    summary: str
    post_time: _timestamp_pb2.Timestamp
    receive_time: _timestamp_pb2.Timestamp
    cash: bool
    def __init__(self, name: _Optional[str] = ..., direction: _Optional[_Union[Transaction.Direction, str]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., balance_after: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., channel: _Optional[_Union[Transaction.Channel, str]] = ..., counterparty: _Optional[str] = ..., summary: _Optional[str] = ..., post_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., receive_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cash: _Optional[bool] = ...) -> None: ...

class Contact(_message.Message):
    __slots__ = ("name", "display_name", "title", "phone", "email", "birth_date", "primary", "notes", "create_time", "update_time", "etag", "masked", "origin", "id_number")
    class Origin(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        ORIGIN_UNSPECIFIED: _ClassVar[Contact.Origin]
        ORIGIN_SCAN: _ClassVar[Contact.Origin]
        ORIGIN_MANUAL: _ClassVar[Contact.Origin]
    ORIGIN_UNSPECIFIED: Contact.Origin
    ORIGIN_SCAN: Contact.Origin
    ORIGIN_MANUAL: Contact.Origin
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    PRIMARY_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    MASKED_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_FIELD_NUMBER: _ClassVar[int]
    ID_NUMBER_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    title: str
    phone: str
    email: str
    birth_date: _date_pb2.Date
    primary: bool
    notes: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    masked: bool
    origin: Contact.Origin
    id_number: str
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., title: _Optional[str] = ..., phone: _Optional[str] = ..., email: _Optional[str] = ..., birth_date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., primary: _Optional[bool] = ..., notes: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ..., masked: _Optional[bool] = ..., origin: _Optional[_Union[Contact.Origin, str]] = ..., id_number: _Optional[str] = ...) -> None: ...

class Interaction(_message.Message):
    __slots__ = ("name", "type", "summary", "details", "occur_time", "author", "contact", "related_resource", "create_time")
    class Type(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        TYPE_UNSPECIFIED: _ClassVar[Interaction.Type]
        TYPE_VISIT: _ClassVar[Interaction.Type]
        TYPE_CALL: _ClassVar[Interaction.Type]
        TYPE_MEETING: _ClassVar[Interaction.Type]
        TYPE_MESSAGE: _ClassVar[Interaction.Type]
        TYPE_REQUEST: _ClassVar[Interaction.Type]
        TYPE_NOTE: _ClassVar[Interaction.Type]
        TYPE_SYSTEM: _ClassVar[Interaction.Type]
    TYPE_UNSPECIFIED: Interaction.Type
    TYPE_VISIT: Interaction.Type
    TYPE_CALL: Interaction.Type
    TYPE_MEETING: Interaction.Type
    TYPE_MESSAGE: Interaction.Type
    TYPE_REQUEST: Interaction.Type
    TYPE_NOTE: Interaction.Type
    TYPE_SYSTEM: Interaction.Type
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    OCCUR_TIME_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    RELATED_RESOURCE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: Interaction.Type
    summary: str
    details: str
    occur_time: _timestamp_pb2.Timestamp
    author: str
    contact: str
    related_resource: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., type: _Optional[_Union[Interaction.Type, str]] = ..., summary: _Optional[str] = ..., details: _Optional[str] = ..., occur_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., author: _Optional[str] = ..., contact: _Optional[str] = ..., related_resource: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CustomerGroup(_message.Message):
    __slots__ = ("name", "display_name", "members", "relationship_manager", "create_time", "update_time", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_MANAGER_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    display_name: str
    members: _containers.RepeatedCompositeFieldContainer[GroupMember]
    relationship_manager: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    etag: str
    def __init__(self, name: _Optional[str] = ..., display_name: _Optional[str] = ..., members: _Optional[_Iterable[_Union[GroupMember, _Mapping]]] = ..., relationship_manager: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class GroupMember(_message.Message):
    __slots__ = ("customer", "role", "parent_customer", "shareholding_percent", "display_name", "restricted")
    class Role(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        ROLE_UNSPECIFIED: _ClassVar[GroupMember.Role]
        ROLE_PARENT: _ClassVar[GroupMember.Role]
        ROLE_SUBSIDIARY: _ClassVar[GroupMember.Role]
        ROLE_AFFILIATE: _ClassVar[GroupMember.Role]
    ROLE_UNSPECIFIED: GroupMember.Role
    ROLE_PARENT: GroupMember.Role
    ROLE_SUBSIDIARY: GroupMember.Role
    ROLE_AFFILIATE: GroupMember.Role
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    PARENT_CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    SHAREHOLDING_PERCENT_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    RESTRICTED_FIELD_NUMBER: _ClassVar[int]
    customer: str
    role: GroupMember.Role
    parent_customer: str
    shareholding_percent: str
    display_name: str
    restricted: bool
    def __init__(self, customer: _Optional[str] = ..., role: _Optional[_Union[GroupMember.Role, str]] = ..., parent_customer: _Optional[str] = ..., shareholding_percent: _Optional[str] = ..., display_name: _Optional[str] = ..., restricted: _Optional[bool] = ...) -> None: ...

class CreditStanding(_message.Message):
    __slots__ = ("name", "rating", "score", "credit_limit", "credit_used", "overdue_count", "overdue_amount", "factors", "assess_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    CREDIT_LIMIT_FIELD_NUMBER: _ClassVar[int]
    CREDIT_USED_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_COUNT_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    FACTORS_FIELD_NUMBER: _ClassVar[int]
    ASSESS_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    rating: str
    score: int
    credit_limit: _money_pb2.Money
    credit_used: _money_pb2.Money
    overdue_count: int
    overdue_amount: _money_pb2.Money
    factors: _containers.RepeatedScalarFieldContainer[str]
    assess_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., rating: _Optional[str] = ..., score: _Optional[int] = ..., credit_limit: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., credit_used: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., overdue_count: _Optional[int] = ..., overdue_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., factors: _Optional[_Iterable[str]] = ..., assess_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CorporateStructure(_message.Message):
    __slots__ = ("name", "parents", "subsidiaries", "group_root")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PARENTS_FIELD_NUMBER: _ClassVar[int]
    SUBSIDIARIES_FIELD_NUMBER: _ClassVar[int]
    GROUP_ROOT_FIELD_NUMBER: _ClassVar[int]
    name: str
    parents: _containers.RepeatedCompositeFieldContainer[GroupMember]
    subsidiaries: _containers.RepeatedCompositeFieldContainer[GroupMember]
    group_root: str
    def __init__(self, name: _Optional[str] = ..., parents: _Optional[_Iterable[_Union[GroupMember, _Mapping]]] = ..., subsidiaries: _Optional[_Iterable[_Union[GroupMember, _Mapping]]] = ..., group_root: _Optional[str] = ...) -> None: ...

class KeyDate(_message.Message):
    __slots__ = ("customer", "customer_display_name", "customer_type", "kind", "date", "account", "amount", "contact", "contact_display_name", "contact_title", "tier", "relationship_manager", "masked")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_TYPE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    CONTACT_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_TITLE_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_MANAGER_FIELD_NUMBER: _ClassVar[int]
    MASKED_FIELD_NUMBER: _ClassVar[int]
    customer: str
    customer_display_name: str
    customer_type: Customer.Type
    kind: KeyDateKind
    date: _date_pb2.Date
    account: str
    amount: _money_pb2.Money
    contact: str
    contact_display_name: str
    contact_title: str
    tier: str
    relationship_manager: str
    masked: bool
    def __init__(self, customer: _Optional[str] = ..., customer_display_name: _Optional[str] = ..., customer_type: _Optional[_Union[Customer.Type, str]] = ..., kind: _Optional[_Union[KeyDateKind, str]] = ..., date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., account: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., contact: _Optional[str] = ..., contact_display_name: _Optional[str] = ..., contact_title: _Optional[str] = ..., tier: _Optional[str] = ..., relationship_manager: _Optional[str] = ..., masked: _Optional[bool] = ...) -> None: ...

class CustomerSummary(_message.Message):
    __slots__ = ("group", "display_name", "customer_count", "key_customer_count", "assets_under_management")
    GROUP_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    KEY_CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    ASSETS_UNDER_MANAGEMENT_FIELD_NUMBER: _ClassVar[int]
    group: str
    display_name: str
    customer_count: int
    key_customer_count: int
    assets_under_management: _money_pb2.Money
    def __init__(self, group: _Optional[str] = ..., display_name: _Optional[str] = ..., customer_count: _Optional[int] = ..., key_customer_count: _Optional[int] = ..., assets_under_management: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...
