from google.api import annotations_pb2 as _annotations_pb2
from google.api import client_pb2 as _client_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from kam.api.v1 import authorization_pb2 as _authorization_pb2
from kam.task.v1 import task_pb2 as _task_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CampaignView(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CAMPAIGN_VIEW_UNSPECIFIED: _ClassVar[CampaignView]
    CAMPAIGN_VIEW_BASIC: _ClassVar[CampaignView]
    CAMPAIGN_VIEW_FULL: _ClassVar[CampaignView]
CAMPAIGN_VIEW_UNSPECIFIED: CampaignView
CAMPAIGN_VIEW_BASIC: CampaignView
CAMPAIGN_VIEW_FULL: CampaignView

class CreateCampaignRequest(_message.Message):
    __slots__ = ("campaign", "request_id")
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    campaign: _task_pb2.Campaign
    request_id: str
    def __init__(self, campaign: _Optional[_Union[_task_pb2.Campaign, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateCampaignResponse(_message.Message):
    __slots__ = ("campaign",)
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    campaign: _task_pb2.Campaign
    def __init__(self, campaign: _Optional[_Union[_task_pb2.Campaign, _Mapping]] = ...) -> None: ...

class GetCampaignRequest(_message.Message):
    __slots__ = ("name", "view")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    name: str
    view: CampaignView
    def __init__(self, name: _Optional[str] = ..., view: _Optional[_Union[CampaignView, str]] = ...) -> None: ...

class GetCampaignResponse(_message.Message):
    __slots__ = ("campaign",)
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    campaign: _task_pb2.Campaign
    def __init__(self, campaign: _Optional[_Union[_task_pb2.Campaign, _Mapping]] = ...) -> None: ...

class ListCampaignsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter", "order_by", "view")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    order_by: str
    view: CampaignView
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ..., order_by: _Optional[str] = ..., view: _Optional[_Union[CampaignView, str]] = ...) -> None: ...

class ListCampaignsResponse(_message.Message):
    __slots__ = ("campaigns", "next_page_token", "total_size")
    CAMPAIGNS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    campaigns: _containers.RepeatedCompositeFieldContainer[_task_pb2.Campaign]
    next_page_token: str
    total_size: int
    def __init__(self, campaigns: _Optional[_Iterable[_Union[_task_pb2.Campaign, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class UpdateCampaignRequest(_message.Message):
    __slots__ = ("campaign", "update_mask")
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    campaign: _task_pb2.Campaign
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, campaign: _Optional[_Union[_task_pb2.Campaign, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateCampaignResponse(_message.Message):
    __slots__ = ("campaign",)
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    campaign: _task_pb2.Campaign
    def __init__(self, campaign: _Optional[_Union[_task_pb2.Campaign, _Mapping]] = ...) -> None: ...

class LaunchCampaignRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class LaunchCampaignResponse(_message.Message):
    __slots__ = ("campaign",)
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    campaign: _task_pb2.Campaign
    def __init__(self, campaign: _Optional[_Union[_task_pb2.Campaign, _Mapping]] = ...) -> None: ...

class CompleteCampaignRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class CompleteCampaignResponse(_message.Message):
    __slots__ = ("campaign",)
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    campaign: _task_pb2.Campaign
    def __init__(self, campaign: _Optional[_Union[_task_pb2.Campaign, _Mapping]] = ...) -> None: ...

class CancelCampaignRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class CancelCampaignResponse(_message.Message):
    __slots__ = ("campaign",)
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    campaign: _task_pb2.Campaign
    def __init__(self, campaign: _Optional[_Union[_task_pb2.Campaign, _Mapping]] = ...) -> None: ...

class CreateCampaignActivityRequest(_message.Message):
    __slots__ = ("parent", "campaign_activity", "request_id")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    CAMPAIGN_ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    parent: str
    campaign_activity: _task_pb2.CampaignActivity
    request_id: str
    def __init__(self, parent: _Optional[str] = ..., campaign_activity: _Optional[_Union[_task_pb2.CampaignActivity, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateCampaignActivityResponse(_message.Message):
    __slots__ = ("campaign_activity",)
    CAMPAIGN_ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    campaign_activity: _task_pb2.CampaignActivity
    def __init__(self, campaign_activity: _Optional[_Union[_task_pb2.CampaignActivity, _Mapping]] = ...) -> None: ...

class ListCampaignActivitiesRequest(_message.Message):
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

class ListCampaignActivitiesResponse(_message.Message):
    __slots__ = ("campaign_activities", "next_page_token", "total_size")
    CAMPAIGN_ACTIVITIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    campaign_activities: _containers.RepeatedCompositeFieldContainer[_task_pb2.CampaignActivity]
    next_page_token: str
    total_size: int
    def __init__(self, campaign_activities: _Optional[_Iterable[_Union[_task_pb2.CampaignActivity, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class PreviewCampaignTargetsRequest(_message.Message):
    __slots__ = ("campaign", "sample_size")
    CAMPAIGN_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_SIZE_FIELD_NUMBER: _ClassVar[int]
    campaign: _task_pb2.Campaign
    sample_size: int
    def __init__(self, campaign: _Optional[_Union[_task_pb2.Campaign, _Mapping]] = ..., sample_size: _Optional[int] = ...) -> None: ...

class PreviewCampaignTargetsResponse(_message.Message):
    __slots__ = ("target_customer_count", "holdout_customer_count", "units", "sample")
    TARGET_CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    HOLDOUT_CUSTOMER_COUNT_FIELD_NUMBER: _ClassVar[int]
    UNITS_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_FIELD_NUMBER: _ClassVar[int]
    target_customer_count: int
    holdout_customer_count: int
    units: _containers.RepeatedCompositeFieldContainer[_task_pb2.CampaignQuota]
    sample: _containers.RepeatedCompositeFieldContainer[_task_pb2.CampaignTarget]
    def __init__(self, target_customer_count: _Optional[int] = ..., holdout_customer_count: _Optional[int] = ..., units: _Optional[_Iterable[_Union[_task_pb2.CampaignQuota, _Mapping]]] = ..., sample: _Optional[_Iterable[_Union[_task_pb2.CampaignTarget, _Mapping]]] = ...) -> None: ...

class ListCampaignTargetsRequest(_message.Message):
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

class ListCampaignTargetsResponse(_message.Message):
    __slots__ = ("campaign_targets", "next_page_token", "total_size")
    CAMPAIGN_TARGETS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    campaign_targets: _containers.RepeatedCompositeFieldContainer[_task_pb2.CampaignTarget]
    next_page_token: str
    total_size: int
    def __init__(self, campaign_targets: _Optional[_Iterable[_Union[_task_pb2.CampaignTarget, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class AssignCampaignTargetsRequest(_message.Message):
    __slots__ = ("parent", "targets", "relationship_manager")
    PARENT_FIELD_NUMBER: _ClassVar[int]
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    RELATIONSHIP_MANAGER_FIELD_NUMBER: _ClassVar[int]
    parent: str
    targets: _containers.RepeatedScalarFieldContainer[str]
    relationship_manager: str
    def __init__(self, parent: _Optional[str] = ..., targets: _Optional[_Iterable[str]] = ..., relationship_manager: _Optional[str] = ...) -> None: ...

class AssignCampaignTargetsResponse(_message.Message):
    __slots__ = ("campaign_targets",)
    CAMPAIGN_TARGETS_FIELD_NUMBER: _ClassVar[int]
    campaign_targets: _containers.RepeatedCompositeFieldContainer[_task_pb2.CampaignTarget]
    def __init__(self, campaign_targets: _Optional[_Iterable[_Union[_task_pb2.CampaignTarget, _Mapping]]] = ...) -> None: ...

class GetCampaignResultsRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetCampaignResultsResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _task_pb2.CampaignResults
    def __init__(self, results: _Optional[_Union[_task_pb2.CampaignResults, _Mapping]] = ...) -> None: ...

class ListCampaignRevisionsRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListCampaignRevisionsResponse(_message.Message):
    __slots__ = ("revisions",)
    REVISIONS_FIELD_NUMBER: _ClassVar[int]
    revisions: _containers.RepeatedCompositeFieldContainer[_task_pb2.CampaignRevision]
    def __init__(self, revisions: _Optional[_Iterable[_Union[_task_pb2.CampaignRevision, _Mapping]]] = ...) -> None: ...
