from google.api import annotations_pb2 as _annotations_pb2
from google.api import client_pb2 as _client_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from kam.api.v1 import authorization_pb2 as _authorization_pb2
from kam.customer.v1 import tier_pb2 as _tier_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetCustomerTierRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetCustomerTierResponse(_message.Message):
    __slots__ = ("customer_tier",)
    CUSTOMER_TIER_FIELD_NUMBER: _ClassVar[int]
    customer_tier: _tier_pb2.CustomerTier
    def __init__(self, customer_tier: _Optional[_Union[_tier_pb2.CustomerTier, _Mapping]] = ...) -> None: ...

class CreateTierOverrideRequest(_message.Message):
    __slots__ = ("parent", "tier_override")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    TIER_OVERRIDE_FIELD_NUMBER: _ClassVar[int]
    parent: str
    tier_override: _tier_pb2.TierOverride
    def __init__(self, parent: _Optional[str] = ..., tier_override: _Optional[_Union[_tier_pb2.TierOverride, _Mapping]] = ...) -> None: ...

class CreateTierOverrideResponse(_message.Message):
    __slots__ = ("tier_override",)
    TIER_OVERRIDE_FIELD_NUMBER: _ClassVar[int]
    tier_override: _tier_pb2.TierOverride
    def __init__(self, tier_override: _Optional[_Union[_tier_pb2.TierOverride, _Mapping]] = ...) -> None: ...

class DeleteTierOverrideRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteTierOverrideResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreateTierRequest(_message.Message):
    __slots__ = ("tier", "tier_id")
    TIER_FIELD_NUMBER: _ClassVar[int]
    TIER_ID_FIELD_NUMBER: _ClassVar[int]
    tier: _tier_pb2.Tier
    tier_id: str
    def __init__(self, tier: _Optional[_Union[_tier_pb2.Tier, _Mapping]] = ..., tier_id: _Optional[str] = ...) -> None: ...

class CreateTierResponse(_message.Message):
    __slots__ = ("tier",)
    TIER_FIELD_NUMBER: _ClassVar[int]
    tier: _tier_pb2.Tier
    def __init__(self, tier: _Optional[_Union[_tier_pb2.Tier, _Mapping]] = ...) -> None: ...

class GetTierRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetTierResponse(_message.Message):
    __slots__ = ("tier",)
    TIER_FIELD_NUMBER: _ClassVar[int]
    tier: _tier_pb2.Tier
    def __init__(self, tier: _Optional[_Union[_tier_pb2.Tier, _Mapping]] = ...) -> None: ...

class ListTiersRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListTiersResponse(_message.Message):
    __slots__ = ("tiers",)
    TIERS_FIELD_NUMBER: _ClassVar[int]
    tiers: _containers.RepeatedCompositeFieldContainer[_tier_pb2.Tier]
    def __init__(self, tiers: _Optional[_Iterable[_Union[_tier_pb2.Tier, _Mapping]]] = ...) -> None: ...

class UpdateTierRequest(_message.Message):
    __slots__ = ("tier", "update_mask")
    TIER_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    tier: _tier_pb2.Tier
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, tier: _Optional[_Union[_tier_pb2.Tier, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateTierResponse(_message.Message):
    __slots__ = ("tier",)
    TIER_FIELD_NUMBER: _ClassVar[int]
    tier: _tier_pb2.Tier
    def __init__(self, tier: _Optional[_Union[_tier_pb2.Tier, _Mapping]] = ...) -> None: ...

class DeleteTierRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteTierResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreateTierRuleSetRequest(_message.Message):
    __slots__ = ("tier_rule_set", "request_id")
    TIER_RULE_SET_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    tier_rule_set: _tier_pb2.TierRuleSet
    request_id: str
    def __init__(self, tier_rule_set: _Optional[_Union[_tier_pb2.TierRuleSet, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateTierRuleSetResponse(_message.Message):
    __slots__ = ("tier_rule_set",)
    TIER_RULE_SET_FIELD_NUMBER: _ClassVar[int]
    tier_rule_set: _tier_pb2.TierRuleSet
    def __init__(self, tier_rule_set: _Optional[_Union[_tier_pb2.TierRuleSet, _Mapping]] = ...) -> None: ...

class GetTierRuleSetRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetTierRuleSetResponse(_message.Message):
    __slots__ = ("tier_rule_set",)
    TIER_RULE_SET_FIELD_NUMBER: _ClassVar[int]
    tier_rule_set: _tier_pb2.TierRuleSet
    def __init__(self, tier_rule_set: _Optional[_Union[_tier_pb2.TierRuleSet, _Mapping]] = ...) -> None: ...

class ListTierRuleSetsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListTierRuleSetsResponse(_message.Message):
    __slots__ = ("tier_rule_sets", "next_page_token")
    TIER_RULE_SETS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tier_rule_sets: _containers.RepeatedCompositeFieldContainer[_tier_pb2.TierRuleSet]
    next_page_token: str
    def __init__(self, tier_rule_sets: _Optional[_Iterable[_Union[_tier_pb2.TierRuleSet, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateTierRuleSetRequest(_message.Message):
    __slots__ = ("tier_rule_set", "update_mask")
    TIER_RULE_SET_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    tier_rule_set: _tier_pb2.TierRuleSet
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, tier_rule_set: _Optional[_Union[_tier_pb2.TierRuleSet, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateTierRuleSetResponse(_message.Message):
    __slots__ = ("tier_rule_set",)
    TIER_RULE_SET_FIELD_NUMBER: _ClassVar[int]
    tier_rule_set: _tier_pb2.TierRuleSet
    def __init__(self, tier_rule_set: _Optional[_Union[_tier_pb2.TierRuleSet, _Mapping]] = ...) -> None: ...

class SimulateTierRuleSetRequest(_message.Message):
    __slots__ = ("name", "sample_size", "tier_rule_set")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_SIZE_FIELD_NUMBER: _ClassVar[int]
    TIER_RULE_SET_FIELD_NUMBER: _ClassVar[int]
    name: str
    sample_size: int
    tier_rule_set: _tier_pb2.TierRuleSet
    def __init__(self, name: _Optional[str] = ..., sample_size: _Optional[int] = ..., tier_rule_set: _Optional[_Union[_tier_pb2.TierRuleSet, _Mapping]] = ...) -> None: ...

class SimulateTierRuleSetResponse(_message.Message):
    __slots__ = ("transitions", "evaluated_count", "changed_count", "samples", "tier_counts")
    TRANSITIONS_FIELD_NUMBER: _ClassVar[int]
    EVALUATED_COUNT_FIELD_NUMBER: _ClassVar[int]
    CHANGED_COUNT_FIELD_NUMBER: _ClassVar[int]
    SAMPLES_FIELD_NUMBER: _ClassVar[int]
    TIER_COUNTS_FIELD_NUMBER: _ClassVar[int]
    transitions: _containers.RepeatedCompositeFieldContainer[_tier_pb2.TierTransition]
    evaluated_count: int
    changed_count: int
    samples: _containers.RepeatedCompositeFieldContainer[TransitionSample]
    tier_counts: _containers.RepeatedCompositeFieldContainer[_tier_pb2.TierCount]
    def __init__(self, transitions: _Optional[_Iterable[_Union[_tier_pb2.TierTransition, _Mapping]]] = ..., evaluated_count: _Optional[int] = ..., changed_count: _Optional[int] = ..., samples: _Optional[_Iterable[_Union[TransitionSample, _Mapping]]] = ..., tier_counts: _Optional[_Iterable[_Union[_tier_pb2.TierCount, _Mapping]]] = ...) -> None: ...

class TransitionSample(_message.Message):
    __slots__ = ("from_tier", "to_tier", "customers")
    FROM_TIER_FIELD_NUMBER: _ClassVar[int]
    TO_TIER_FIELD_NUMBER: _ClassVar[int]
    CUSTOMERS_FIELD_NUMBER: _ClassVar[int]
    from_tier: str
    to_tier: str
    customers: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, from_tier: _Optional[str] = ..., to_tier: _Optional[str] = ..., customers: _Optional[_Iterable[str]] = ...) -> None: ...

class ActivateTierRuleSetRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class ActivateTierRuleSetResponse(_message.Message):
    __slots__ = ("tier_rule_set",)
    TIER_RULE_SET_FIELD_NUMBER: _ClassVar[int]
    tier_rule_set: _tier_pb2.TierRuleSet
    def __init__(self, tier_rule_set: _Optional[_Union[_tier_pb2.TierRuleSet, _Mapping]] = ...) -> None: ...

class ListTierAssignmentsRequest(_message.Message):
    __slots__ = ("parent", "page_size", "page_token")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    parent: str
    page_size: int
    page_token: str
    def __init__(self, parent: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListTierAssignmentsResponse(_message.Message):
    __slots__ = ("tier_assignments", "next_page_token")
    TIER_ASSIGNMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tier_assignments: _containers.RepeatedCompositeFieldContainer[_tier_pb2.TierAssignment]
    next_page_token: str
    def __init__(self, tier_assignments: _Optional[_Iterable[_Union[_tier_pb2.TierAssignment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
