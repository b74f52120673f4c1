from google.api import annotations_pb2 as _annotations_pb2
from google.api import client_pb2 as _client_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from kam.api.v1 import authorization_pb2 as _authorization_pb2
from kam.customer.v1 import customer_pb2 as _customer_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateCustomerRequest(_message.Message):
    __slots__ = ("customer", "customer_id", "request_id")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    CUSTOMER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    customer: _customer_pb2.Customer
    customer_id: str
    request_id: str
    def __init__(self, customer: _Optional[_Union[_customer_pb2.Customer, _Mapping]] = ..., customer_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateCustomerResponse(_message.Message):
    __slots__ = ("customer",)
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    customer: _customer_pb2.Customer
    def __init__(self, customer: _Optional[_Union[_customer_pb2.Customer, _Mapping]] = ...) -> None: ...

class GetCustomerRequest(_message.Message):
    __slots__ = ("name", "pii_view", "pii_reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PII_VIEW_FIELD_NUMBER: _ClassVar[int]
    PII_REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    pii_view: _customer_pb2.PiiView
    pii_reason: str
    def __init__(self, name: _Optional[str] = ..., pii_view: _Optional[_Union[_customer_pb2.PiiView, str]] = ..., pii_reason: _Optional[str] = ...) -> None: ...

class GetCustomerResponse(_message.Message):
    __slots__ = ("customer",)
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    customer: _customer_pb2.Customer
    def __init__(self, customer: _Optional[_Union[_customer_pb2.Customer, _Mapping]] = ...) -> None: ...

class ListCustomersRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter", "order_by", "pii_view", "pii_reason")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    PII_VIEW_FIELD_NUMBER: _ClassVar[int]
    PII_REASON_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    order_by: str
    pii_view: _customer_pb2.PiiView
    pii_reason: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ..., order_by: _Optional[str] = ..., pii_view: _Optional[_Union[_customer_pb2.PiiView, str]] = ..., pii_reason: _Optional[str] = ...) -> None: ...

class ListCustomersResponse(_message.Message):
    __slots__ = ("customers", "next_page_token", "total_size")
    CUSTOMERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    customers: _containers.RepeatedCompositeFieldContainer[_customer_pb2.Customer]
    next_page_token: str
    total_size: int
    def __init__(self, customers: _Optional[_Iterable[_Union[_customer_pb2.Customer, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class UpdateCustomerRequest(_message.Message):
    __slots__ = ("customer", "update_mask")
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    customer: _customer_pb2.Customer
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, customer: _Optional[_Union[_customer_pb2.Customer, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateCustomerResponse(_message.Message):
    __slots__ = ("customer",)
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    customer: _customer_pb2.Customer
    def __init__(self, customer: _Optional[_Union[_customer_pb2.Customer, _Mapping]] = ...) -> None: ...

class DeleteCustomerRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class DeleteCustomerResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SearchCustomersRequest(_message.Message):
    __slots__ = ("query", "page_size", "page_token", "filter", "pii_view", "pii_reason")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PII_VIEW_FIELD_NUMBER: _ClassVar[int]
    PII_REASON_FIELD_NUMBER: _ClassVar[int]
    query: str
    page_size: int
    page_token: str
    filter: str
    pii_view: _customer_pb2.PiiView
    pii_reason: str
    def __init__(self, query: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ..., pii_view: _Optional[_Union[_customer_pb2.PiiView, str]] = ..., pii_reason: _Optional[str] = ...) -> None: ...

class SearchCustomersResponse(_message.Message):
    __slots__ = ("results", "next_page_token")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[CustomerSearchResult]
    next_page_token: str
    def __init__(self, results: _Optional[_Iterable[_Union[CustomerSearchResult, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CustomerSearchResult(_message.Message):
    __slots__ = ("customer", "match_field", "score", "match_kind", "matched_value")
    class MatchField(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        MATCH_FIELD_UNSPECIFIED: _ClassVar[CustomerSearchResult.MatchField]
        MATCH_FIELD_DISPLAY_NAME: _ClassVar[CustomerSearchResult.MatchField]
        MATCH_FIELD_PINYIN: _ClassVar[CustomerSearchResult.MatchField]
        MATCH_FIELD_PINYIN_INITIALS: _ClassVar[CustomerSearchResult.MatchField]
        MATCH_FIELD_ID_NUMBER: _ClassVar[CustomerSearchResult.MatchField]
        MATCH_FIELD_PHONE: _ClassVar[CustomerSearchResult.MatchField]
        MATCH_FIELD_ACCOUNT_NUMBER: _ClassVar[CustomerSearchResult.MatchField]
        MATCH_FIELD_CREDIT_CODE: _ClassVar[CustomerSearchResult.MatchField]
    MATCH_FIELD_UNSPECIFIED: CustomerSearchResult.MatchField
    MATCH_FIELD_DISPLAY_NAME: CustomerSearchResult.MatchField
    MATCH_FIELD_PINYIN: CustomerSearchResult.MatchField
    MATCH_FIELD_PINYIN_INITIALS: CustomerSearchResult.MatchField
    MATCH_FIELD_ID_NUMBER: CustomerSearchResult.MatchField
    MATCH_FIELD_PHONE: CustomerSearchResult.MatchField
    MATCH_FIELD_ACCOUNT_NUMBER: CustomerSearchResult.MatchField
    MATCH_FIELD_CREDIT_CODE: CustomerSearchResult.MatchField
    class MatchKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        MATCH_KIND_UNSPECIFIED: _ClassVar[CustomerSearchResult.MatchKind]
        MATCH_KIND_EXACT: _ClassVar[CustomerSearchResult.MatchKind]
        MATCH_KIND_PREFIX: _ClassVar[CustomerSearchResult.MatchKind]
        MATCH_KIND_FUZZY: _ClassVar[CustomerSearchResult.MatchKind]
    MATCH_KIND_UNSPECIFIED: CustomerSearchResult.MatchKind
    MATCH_KIND_EXACT: CustomerSearchResult.MatchKind
    MATCH_KIND_PREFIX: CustomerSearchResult.MatchKind
    MATCH_KIND_FUZZY: CustomerSearchResult.MatchKind
    CUSTOMER_FIELD_NUMBER: _ClassVar[int]
    MATCH_FIELD_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    MATCH_KIND_FIELD_NUMBER: _ClassVar[int]
    MATCHED_VALUE_FIELD_NUMBER: _ClassVar[int]
    customer: _customer_pb2.Customer
    match_field: CustomerSearchResult.MatchField
    score: float
    match_kind: CustomerSearchResult.MatchKind
    matched_value: str
    def __init__(self, customer: _Optional[_Union[_customer_pb2.Customer, _Mapping]] = ..., match_field: _Optional[_Union[CustomerSearchResult.MatchField, str]] = ..., score: _Optional[float] = ..., match_kind: _Optional[_Union[CustomerSearchResult.MatchKind, str]] = ..., matched_value: _Optional[str] = ...) -> None: ...

class ListAccountsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "filter", "order_by", "pii_view", "pii_reason")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    PII_VIEW_FIELD_NUMBER: _ClassVar[int]
    PII_REASON_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    filter: str
    order_by: str
    pii_view: _customer_pb2.PiiView
    pii_reason: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ..., order_by: _Optional[str] = ..., pii_view: _Optional[_Union[_customer_pb2.PiiView, str]] = ..., pii_reason: _Optional[str] = ...) -> None: ...

class ListAccountsResponse(_message.Message):
    __slots__ = ("accounts", "next_page_token", "total_size")
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    accounts: _containers.RepeatedCompositeFieldContainer[_customer_pb2.Account]
    next_page_token: str
    total_size: int
    def __init__(self, accounts: _Optional[_Iterable[_Union[_customer_pb2.Account, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class GetAccountRequest(_message.Message):
    __slots__ = ("name", "pii_view", "pii_reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PII_VIEW_FIELD_NUMBER: _ClassVar[int]
    PII_REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    pii_view: _customer_pb2.PiiView
    pii_reason: str
    def __init__(self, name: _Optional[str] = ..., pii_view: _Optional[_Union[_customer_pb2.PiiView, str]] = ..., pii_reason: _Optional[str] = ...) -> None: ...

class GetAccountResponse(_message.Message):
    __slots__ = ("account",)
    ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    account: _customer_pb2.Account
    def __init__(self, account: _Optional[_Union[_customer_pb2.Account, _Mapping]] = ...) -> None: ...

class ListTransactionsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "filter", "pii_view", "pii_reason")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PII_VIEW_FIELD_NUMBER: _ClassVar[int]
    PII_REASON_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    filter: str
    pii_view: _customer_pb2.PiiView
    pii_reason: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ..., pii_view: _Optional[_Union[_customer_pb2.PiiView, str]] = ..., pii_reason: _Optional[str] = ...) -> None: ...

class ListTransactionsResponse(_message.Message):
    __slots__ = ("transactions", "next_page_token")
    TRANSACTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    transactions: _containers.RepeatedCompositeFieldContainer[_customer_pb2.Transaction]
    next_page_token: str
    def __init__(self, transactions: _Optional[_Iterable[_Union[_customer_pb2.Transaction, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SummarizeCustomersRequest(_message.Message):
    __slots__ = ("group_by",)
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    group_by: str
    def __init__(self, group_by: _Optional[str] = ...) -> None: ...

class SummarizeCustomersResponse(_message.Message):
    __slots__ = ("summaries",)
    SUMMARIES_FIELD_NUMBER: _ClassVar[int]
    summaries: _containers.RepeatedCompositeFieldContainer[_customer_pb2.CustomerSummary]
    def __init__(self, summaries: _Optional[_Iterable[_Union[_customer_pb2.CustomerSummary, _Mapping]]] = ...) -> None: ...

class ListKeyDatesRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "filter")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    filter: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListKeyDatesResponse(_message.Message):
    __slots__ = ("key_dates", "next_page_token")
    KEY_DATES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    key_dates: _containers.RepeatedCompositeFieldContainer[_customer_pb2.KeyDate]
    next_page_token: str
    def __init__(self, key_dates: _Optional[_Iterable[_Union[_customer_pb2.KeyDate, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreateTransactionRequest(_message.Message):
    __slots__ = ("parent", "transaction", "transaction_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    transaction: _customer_pb2.Transaction
    transaction_id: str
    def __init__(self, parent: _Optional[str] = ..., transaction: _Optional[_Union[_customer_pb2.Transaction, _Mapping]] = ..., transaction_id: _Optional[str] = ...) -> None: ...

class CreateTransactionResponse(_message.Message):
    __slots__ = ("transaction",)
    TRANSACTION_FIELD_NUMBER: _ClassVar[int]
    transaction: _customer_pb2.Transaction
    def __init__(self, transaction: _Optional[_Union[_customer_pb2.Transaction, _Mapping]] = ...) -> None: ...

class CreateContactRequest(_message.Message):
    __slots__ = ("parent", "contact", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    contact: _customer_pb2.Contact
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., contact: _Optional[_Union[_customer_pb2.Contact, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateContactResponse(_message.Message):
    __slots__ = ("contact",)
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    contact: _customer_pb2.Contact
    def __init__(self, contact: _Optional[_Union[_customer_pb2.Contact, _Mapping]] = ...) -> None: ...

class GetContactRequest(_message.Message):
    __slots__ = ("name", "pii_view", "pii_reason")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PII_VIEW_FIELD_NUMBER: _ClassVar[int]
    PII_REASON_FIELD_NUMBER: _ClassVar[int]
    name: str
    pii_view: _customer_pb2.PiiView
    pii_reason: str
    def __init__(self, name: _Optional[str] = ..., pii_view: _Optional[_Union[_customer_pb2.PiiView, str]] = ..., pii_reason: _Optional[str] = ...) -> None: ...

class GetContactResponse(_message.Message):
    __slots__ = ("contact",)
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    contact: _customer_pb2.Contact
    def __init__(self, contact: _Optional[_Union[_customer_pb2.Contact, _Mapping]] = ...) -> None: ...

class ListContactsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "pii_view", "pii_reason")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    PII_VIEW_FIELD_NUMBER: _ClassVar[int]
    PII_REASON_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    pii_view: _customer_pb2.PiiView
    pii_reason: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., pii_view: _Optional[_Union[_customer_pb2.PiiView, str]] = ..., pii_reason: _Optional[str] = ...) -> None: ...

class ListContactsResponse(_message.Message):
    __slots__ = ("contacts", "next_page_token")
    CONTACTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    contacts: _containers.RepeatedCompositeFieldContainer[_customer_pb2.Contact]
    next_page_token: str
    def __init__(self, contacts: _Optional[_Iterable[_Union[_customer_pb2.Contact, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateContactRequest(_message.Message):
    __slots__ = ("contact", "update_mask")
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    contact: _customer_pb2.Contact
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, contact: _Optional[_Union[_customer_pb2.Contact, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateContactResponse(_message.Message):
    __slots__ = ("contact",)
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    contact: _customer_pb2.Contact
    def __init__(self, contact: _Optional[_Union[_customer_pb2.Contact, _Mapping]] = ...) -> None: ...

class DeleteContactRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class DeleteContactResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreateInteractionRequest(_message.Message):
    __slots__ = ("parent", "interaction", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    INTERACTION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    interaction: _customer_pb2.Interaction
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., interaction: _Optional[_Union[_customer_pb2.Interaction, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateInteractionResponse(_message.Message):
    __slots__ = ("interaction",)
    INTERACTION_FIELD_NUMBER: _ClassVar[int]
    interaction: _customer_pb2.Interaction
    def __init__(self, interaction: _Optional[_Union[_customer_pb2.Interaction, _Mapping]] = ...) -> None: ...

class ListInteractionsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token", "filter")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    filter: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListInteractionsResponse(_message.Message):
    __slots__ = ("interactions", "next_page_token")
    INTERACTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    interactions: _containers.RepeatedCompositeFieldContainer[_customer_pb2.Interaction]
    next_page_token: str
    def __init__(self, interactions: _Optional[_Iterable[_Union[_customer_pb2.Interaction, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreateCustomerGroupRequest(_message.Message):
    __slots__ = ("customer_group", "request_id")
    CUSTOMER_GROUP_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    customer_group: _customer_pb2.CustomerGroup
    request_id: str
    def __init__(self, customer_group: _Optional[_Union[_customer_pb2.CustomerGroup, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateCustomerGroupResponse(_message.Message):
    __slots__ = ("customer_group",)
    CUSTOMER_GROUP_FIELD_NUMBER: _ClassVar[int]
    customer_group: _customer_pb2.CustomerGroup
    def __init__(self, customer_group: _Optional[_Union[_customer_pb2.CustomerGroup, _Mapping]] = ...) -> None: ...

class GetCustomerGroupRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetCustomerGroupResponse(_message.Message):
    __slots__ = ("customer_group",)
    CUSTOMER_GROUP_FIELD_NUMBER: _ClassVar[int]
    customer_group: _customer_pb2.CustomerGroup
    def __init__(self, customer_group: _Optional[_Union[_customer_pb2.CustomerGroup, _Mapping]] = ...) -> None: ...

class ListCustomerGroupsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListCustomerGroupsResponse(_message.Message):
    __slots__ = ("customer_groups", "next_page_token")
    CUSTOMER_GROUPS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    customer_groups: _containers.RepeatedCompositeFieldContainer[_customer_pb2.CustomerGroup]
    next_page_token: str
    def __init__(self, customer_groups: _Optional[_Iterable[_Union[_customer_pb2.CustomerGroup, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateCustomerGroupRequest(_message.Message):
    __slots__ = ("customer_group", "update_mask")
    CUSTOMER_GROUP_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    customer_group: _customer_pb2.CustomerGroup
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, customer_group: _Optional[_Union[_customer_pb2.CustomerGroup, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateCustomerGroupResponse(_message.Message):
    __slots__ = ("customer_group",)
    CUSTOMER_GROUP_FIELD_NUMBER: _ClassVar[int]
    customer_group: _customer_pb2.CustomerGroup
    def __init__(self, customer_group: _Optional[_Union[_customer_pb2.CustomerGroup, _Mapping]] = ...) -> None: ...

class DeleteCustomerGroupRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class DeleteCustomerGroupResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetCorporateStructureRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetCorporateStructureResponse(_message.Message):
    __slots__ = ("corporate_structure",)
    CORPORATE_STRUCTURE_FIELD_NUMBER: _ClassVar[int]
    corporate_structure: _customer_pb2.CorporateStructure
    def __init__(self, corporate_structure: _Optional[_Union[_customer_pb2.CorporateStructure, _Mapping]] = ...) -> None: ...

class GetCreditStandingRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetCreditStandingResponse(_message.Message):
    __slots__ = ("credit_standing",)
    CREDIT_STANDING_FIELD_NUMBER: _ClassVar[int]
    credit_standing: _customer_pb2.CreditStanding
    def __init__(self, credit_standing: _Optional[_Union[_customer_pb2.CreditStanding, _Mapping]] = ...) -> None: ...
