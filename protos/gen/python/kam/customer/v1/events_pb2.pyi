import datetime

from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.type import date_pb2 as _date_pb2
from google.type import money_pb2 as _money_pb2
from kam.customer.v1 import audit_pb2 as _audit_pb2
from kam.customer.v1 import customer_pb2 as _customer_pb2
from kam.customer.v1 import scan_pb2 as _scan_pb2
from kam.customer.v1 import tier_pb2 as _tier_pb2
from kam.identity.v1 import identity_pb2 as _identity_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CustomerCreated(_message.Message):
    __slots__ = ("customer",)
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    customer: _customer_pb2.Customer
    def __init__(self, customer: _Optional[_Union[_customer_pb2.Customer, _Mapping]] = ...) -> None: ...

class CustomerUpdated(_message.Message):
    __slots__ = ("customer", "update_mask")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    customer: _customer_pb2.Customer
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, customer: _Optional[_Union[_customer_pb2.Customer, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class CustomerDeleted(_message.Message):
    __slots__ = ("customer",)
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    customer: str
    def __init__(self, customer: _Optional[str] = ...) -> None: ...

class TierChanged(_message.Message):
    __slots__ = ("customer", "previous_tier", "tier", "assignment", "branch", "relationship_manager")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_TIER_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    ASSIGNMENT_FIELD_NUMBER: _ClassVar[int]
    BRANCH_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_MANAGER_FIELD_NUMBER: _ClassVar[int]
    customer: str
    previous_tier: str
    tier: str
    assignment: _tier_pb2.TierAssignment
    branch: str
    relationship_manager: str
    def __init__(self, customer: _Optional[str] = ..., previous_tier: _Optional[str] = ..., tier: _Optional[str] = ..., assignment: _Optional[_Union[_tier_pb2.TierAssignment, _Mapping]] = ..., branch: _Optional[str] = ..., relationship_manager: _Optional[str] = ...) -> None: ...

class AccountOpened(_message.Message):
    __slots__ = ("account", "relationship_manager")
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_MANAGER_FIELD_NUMBER: _ClassVar[int]
    account: _customer_pb2.Account
    relationship_manager: str
    def __init__(self, account: _Optional[_Union[_customer_pb2.Account, _Mapping]] = ..., relationship_manager: _Optional[str] = ...) -> None: ...

class AccountUpdated(_message.Message):
    __slots__ = ("account", "relationship_manager", "update_mask")
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_MANAGER_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    account: _customer_pb2.Account
    relationship_manager: str
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, account: _Optional[_Union[_customer_pb2.Account, _Mapping]] = ..., relationship_manager: _Optional[str] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class TransactionPosted(_message.Message):
    __slots__ = ("transaction", "account_type", "tier", "branch", "relationship_manager")
    TRANSACTION_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_TYPE_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    BRANCH_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_MANAGER_FIELD_NUMBER: _ClassVar[int]
    transaction: _customer_pb2.Transaction
    account_type: _customer_pb2.Account.Type
    tier: str
    branch: str
    relationship_manager: str
    def __init__(self, transaction: _Optional[_Union[_customer_pb2.Transaction, _Mapping]] = ..., account_type: _Optional[_Union[_customer_pb2.Account.Type, str]] = ..., tier: _Optional[str] = ..., branch: _Optional[str] = ..., relationship_manager: _Optional[str] = ...) -> None: ...

class BalanceSnapshot(_message.Message):
    __slots__ = ("account", "account_type", "balance", "snapshot_time", "customer_assets_under_management")
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_TYPE_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_TIME_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ASSETS_UNDER_MANAGEMENT_FIELD_NUMBER: _ClassVar[int]
    account: str
    account_type: _customer_pb2.Account.Type
    balance: _money_pb2.Money
    snapshot_time: _timestamp_pb2.Timestamp
    customer_assets_under_management: _money_pb2.Money
    def __init__(self, account: _Optional[str] = ..., account_type: _Optional[_Union[_customer_pb2.Account.Type, str]] = ..., balance: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., snapshot_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., customer_assets_under_management: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class KeyDateApproaching(_message.Message):
    __slots__ = ("customer", "kind", "date", "account", "contact", "amount", "customer_display_name", "tier", "relationship_manager", "branch", "detect_time", "contact_display_name", "contact_title")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    TIER_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_MANAGER_FIELD_NUMBER: _ClassVar[int]
    BRANCH_FIELD_NUMBER: _ClassVar[int]
    DETECT_TIME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    CONTACT_TITLE_FIELD_NUMBER: _ClassVar[int]
    customer: str
    kind: _customer_pb2.KeyDateKind
    date: _date_pb2.Date
    account: str
    contact: str
    amount: _money_pb2.Money
    customer_display_name: str
    tier: str
    relationship_manager: str
    branch: str
    detect_time: _timestamp_pb2.Timestamp
    contact_display_name: str
    contact_title: str
    def __init__(self, customer: _Optional[str] = ..., kind: _Optional[_Union[_customer_pb2.KeyDateKind, str]] = ..., date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., account: _Optional[str] = ..., contact: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., customer_display_name: _Optional[str] = ..., tier: _Optional[str] = ..., relationship_manager: _Optional[str] = ..., branch: _Optional[str] = ..., detect_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., contact_display_name: _Optional[str] = ..., contact_title: _Optional[str] = ...) -> None: ...

class ScanCompleted(_message.Message):
    __slots__ = ("scan_job",)
    SCAN_JOB_FIELD_NUMBER: _ClassVar[int]
    scan_job: _scan_pb2.ScanJob
    def __init__(self, scan_job: _Optional[_Union[_scan_pb2.ScanJob, _Mapping]] = ...) -> None: ...

class TierRuleSetActivated(_message.Message):
    __slots__ = ("rule_set", "previous_rule_set")
    RULE_SET_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_RULE_SET_FIELD_NUMBER: _ClassVar[int]
    rule_set: _tier_pb2.TierRuleSet
    previous_rule_set: str
    def __init__(self, rule_set: _Optional[_Union[_tier_pb2.TierRuleSet, _Mapping]] = ..., previous_rule_set: _Optional[str] = ...) -> None: ...

class CustomerGroupCreated(_message.Message):
    __slots__ = ("customer_group",)
    CUSTOMER_GROUP_FIELD_NUMBER: _ClassVar[int]
    customer_group: _customer_pb2.CustomerGroup
    def __init__(self, customer_group: _Optional[_Union[_customer_pb2.CustomerGroup, _Mapping]] = ...) -> None: ...

class CustomerGroupUpdated(_message.Message):
    __slots__ = ("customer_group", "update_mask")
    CUSTOMER_GROUP_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    customer_group: _customer_pb2.CustomerGroup
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, customer_group: _Optional[_Union[_customer_pb2.CustomerGroup, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class CustomerGroupDeleted(_message.Message):
    __slots__ = ("customer_group",)
    CUSTOMER_GROUP_FIELD_NUMBER: _ClassVar[int]
    customer_group: str
    def __init__(self, customer_group: _Optional[str] = ...) -> None: ...

class PersonalDataAccessed(_message.Message):
    __slots__ = ("access_record",)
    ACCESS_RECORD_FIELD_NUMBER: _ClassVar[int]
    access_record: _audit_pb2.AccessRecord
    def __init__(self, access_record: _Optional[_Union[_audit_pb2.AccessRecord, _Mapping]] = ...) -> None: ...

class SourceOrgUnitUpdated(_message.Message):
    __slots__ = ("org_unit",)
    ORG_UNIT_FIELD_NUMBER: _ClassVar[int]
    org_unit: _identity_pb2.OrgUnit
    def __init__(self, org_unit: _Optional[_Union[_identity_pb2.OrgUnit, _Mapping]] = ...) -> None: ...

class SourceStaffUpdated(_message.Message):
    __slots__ = ("staff_code", "display_name", "org_unit", "position", "active", "phone")
    STAFF_CODE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    ORG_UNIT_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    staff_code: str
    display_name: str
    org_unit: str
    position: str
    active: bool
    phone: str
    def __init__(self, staff_code: _Optional[str] = ..., display_name: _Optional[str] = ..., org_unit: _Optional[str] = ..., position: _Optional[str] = ..., active: _Optional[bool] = ..., phone: _Optional[str] = ...) -> None: ...

class CustomerHistoryCopied(_message.Message):
    __slots__ = ("customer", "accounts")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    customer: str
    accounts: _containers.RepeatedCompositeFieldContainer[AccountHistory]
    def __init__(self, customer: _Optional[str] = ..., accounts: _Optional[_Iterable[_Union[AccountHistory, _Mapping]]] = ...) -> None: ...

class AccountHistory(_message.Message):
    __slots__ = ("account", "account_type", "balance_window_start", "balances", "transaction_days")
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_TYPE_FIELD_NUMBER: _ClassVar[int]
    BALANCE_WINDOW_START_FIELD_NUMBER: _ClassVar[int]
    BALANCES_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_DAYS_FIELD_NUMBER: _ClassVar[int]
    account: str
    account_type: _customer_pb2.Account.Type
    balance_window_start: _date_pb2.Date
    balances: _containers.RepeatedCompositeFieldContainer[_customer_pb2.BalancePoint]
    transaction_days: _containers.RepeatedCompositeFieldContainer[TransactionDay]
    def __init__(self, account: _Optional[str] = ..., account_type: _Optional[_Union[_customer_pb2.Account.Type, str]] = ..., balance_window_start: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., balances: _Optional[_Iterable[_Union[_customer_pb2.BalancePoint, _Mapping]]] = ..., transaction_days: _Optional[_Iterable[_Union[TransactionDay, _Mapping]]] = ...) -> None: ...

class TransactionDay(_message.Message):
    __slots__ = ("date", "credit_count", "credit_amount", "debit_count", "debit_amount")
    DATE_FIELD_NUMBER: _ClassVar[int]
    CREDIT_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREDIT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    DEBIT_COUNT_FIELD_NUMBER: _ClassVar[int]
    DEBIT_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    date: _date_pb2.Date
    credit_count: int
    credit_amount: _money_pb2.Money
    debit_count: int
    debit_amount: _money_pb2.Money
    def __init__(self, date: _Optional[_Union[_date_pb2.Date, _Mapping]] = ..., credit_count: _Optional[int] = ..., credit_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., debit_count: _Optional[int] = ..., debit_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...
