from google.api import annotations_pb2 as _annotations_pb2
from google.api import client_pb2 as _client_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from kam.api.v1 import authorization_pb2 as _authorization_pb2
from kam.task.v1 import automation_pb2 as _automation_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateRecurringTaskRequest(_message.Message):
    __slots__ = ("recurring_task", "request_id")
    RECURRING_TASK_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    recurring_task: _automation_pb2.RecurringTask
    request_id: str
    def __init__(self, recurring_task: _Optional[_Union[_automation_pb2.RecurringTask, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateRecurringTaskResponse(_message.Message):
    __slots__ = ("recurring_task",)
    RECURRING_TASK_FIELD_NUMBER: _ClassVar[int]
    recurring_task: _automation_pb2.RecurringTask
    def __init__(self, recurring_task: _Optional[_Union[_automation_pb2.RecurringTask, _Mapping]] = ...) -> None: ...

class GetRecurringTaskRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetRecurringTaskResponse(_message.Message):
    __slots__ = ("recurring_task",)
    RECURRING_TASK_FIELD_NUMBER: _ClassVar[int]
    recurring_task: _automation_pb2.RecurringTask
    def __init__(self, recurring_task: _Optional[_Union[_automation_pb2.RecurringTask, _Mapping]] = ...) -> None: ...

class ListRecurringTasksRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListRecurringTasksResponse(_message.Message):
    __slots__ = ("recurring_tasks", "next_page_token", "total_size")
    RECURRING_TASKS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    recurring_tasks: _containers.RepeatedCompositeFieldContainer[_automation_pb2.RecurringTask]
    next_page_token: str
    total_size: int
    def __init__(self, recurring_tasks: _Optional[_Iterable[_Union[_automation_pb2.RecurringTask, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class UpdateRecurringTaskRequest(_message.Message):
    __slots__ = ("recurring_task", "update_mask")
    RECURRING_TASK_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    recurring_task: _automation_pb2.RecurringTask
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, recurring_task: _Optional[_Union[_automation_pb2.RecurringTask, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateRecurringTaskResponse(_message.Message):
    __slots__ = ("recurring_task",)
    RECURRING_TASK_FIELD_NUMBER: _ClassVar[int]
    recurring_task: _automation_pb2.RecurringTask
    def __init__(self, recurring_task: _Optional[_Union[_automation_pb2.RecurringTask, _Mapping]] = ...) -> None: ...

class DeleteRecurringTaskRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class DeleteRecurringTaskResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CreatePlaybookRequest(_message.Message):
    __slots__ = ("playbook", "request_id")
    PLAYBOOK_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    playbook: _automation_pb2.Playbook
    request_id: str
    def __init__(self, playbook: _Optional[_Union[_automation_pb2.Playbook, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreatePlaybookResponse(_message.Message):
    __slots__ = ("playbook",)
    PLAYBOOK_FIELD_NUMBER: _ClassVar[int]
    playbook: _automation_pb2.Playbook
    def __init__(self, playbook: _Optional[_Union[_automation_pb2.Playbook, _Mapping]] = ...) -> None: ...

class GetPlaybookRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetPlaybookResponse(_message.Message):
    __slots__ = ("playbook",)
    PLAYBOOK_FIELD_NUMBER: _ClassVar[int]
    playbook: _automation_pb2.Playbook
    def __init__(self, playbook: _Optional[_Union[_automation_pb2.Playbook, _Mapping]] = ...) -> None: ...

class ListPlaybooksRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ...) -> None: ...

class ListPlaybooksResponse(_message.Message):
    __slots__ = ("playbooks", "next_page_token", "total_size")
    PLAYBOOKS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    playbooks: _containers.RepeatedCompositeFieldContainer[_automation_pb2.Playbook]
    next_page_token: str
    total_size: int
    def __init__(self, playbooks: _Optional[_Iterable[_Union[_automation_pb2.Playbook, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class UpdatePlaybookRequest(_message.Message):
    __slots__ = ("playbook", "update_mask")
    PLAYBOOK_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    playbook: _automation_pb2.Playbook
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, playbook: _Optional[_Union[_automation_pb2.Playbook, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdatePlaybookResponse(_message.Message):
    __slots__ = ("playbook",)
    PLAYBOOK_FIELD_NUMBER: _ClassVar[int]
    playbook: _automation_pb2.Playbook
    def __init__(self, playbook: _Optional[_Union[_automation_pb2.Playbook, _Mapping]] = ...) -> None: ...

class DeletePlaybookRequest(_message.Message):
    __slots__ = ("name", "etag")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    name: str
    etag: str
    def __init__(self, name: _Optional[str] = ..., etag: _Optional[str] = ...) -> None: ...

class DeletePlaybookResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
