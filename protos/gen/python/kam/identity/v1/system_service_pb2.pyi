import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import client_pb2 as _client_pb2
from google.api import field_behavior_pb2 as _field_behavior_pb2
from google.api import resource_pb2 as _resource_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from kam.api.v1 import authorization_pb2 as _authorization_pb2
from kam.api.v1 import backup_pb2 as _backup_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetSystemHealthRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetSystemHealthResponse(_message.Message):
    __slots__ = ("system_health",)
    SYSTEM_HEALTH_FIELD_NUMBER: _ClassVar[int]
    system_health: SystemHealth
    def __init__(self, system_health: _Optional[_Union[SystemHealth, _Mapping]] = ...) -> None: ...

class SystemHealth(_message.Message):
    __slots__ = ("name", "healthy", "services", "consumers", "broker_connected", "check_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HEALTHY_FIELD_NUMBER: _ClassVar[int]
    SERVICES_FIELD_NUMBER: _ClassVar[int]
    CONSUMERS_FIELD_NUMBER: _ClassVar[int]
    BROKER_CONNECTED_FIELD_NUMBER: _ClassVar[int]
    CHECK_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    healthy: bool
    services: _containers.RepeatedCompositeFieldContainer[ServiceHealth]
    consumers: _containers.RepeatedCompositeFieldContainer[ConsumerLag]
    broker_connected: bool
    check_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., healthy: _Optional[bool] = ..., services: _Optional[_Iterable[_Union[ServiceHealth, _Mapping]]] = ..., consumers: _Optional[_Iterable[_Union[ConsumerLag, _Mapping]]] = ..., broker_connected: _Optional[bool] = ..., check_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ServiceHealth(_message.Message):
    __slots__ = ("service", "state", "version", "start_time", "outbox_pending", "oldest_pending_time", "audit_unsealed", "details", "error")
    class DetailsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    OUTBOX_PENDING_FIELD_NUMBER: _ClassVar[int]
    OLDEST_PENDING_TIME_FIELD_NUMBER: _ClassVar[int]
    AUDIT_UNSEALED_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    service: str
    state: str
    version: str
    start_time: _timestamp_pb2.Timestamp
    outbox_pending: int
    oldest_pending_time: _timestamp_pb2.Timestamp
    audit_unsealed: int
    details: _containers.ScalarMap[str, str]
    error: str
    def __init__(self, service: _Optional[str] = ..., state: _Optional[str] = ..., version: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., outbox_pending: _Optional[int] = ..., oldest_pending_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., audit_unsealed: _Optional[int] = ..., details: _Optional[_Mapping[str, str]] = ..., error: _Optional[str] = ...) -> None: ...

class ConsumerLag(_message.Message):
    __slots__ = ("stream", "consumer", "pending", "ack_pending", "redelivered")
    STREAM_FIELD_NUMBER: _ClassVar[int]
    CONSUMER_FIELD_NUMBER: _ClassVar[int]
    PENDING_FIELD_NUMBER: _ClassVar[int]
    ACK_PENDING_FIELD_NUMBER: _ClassVar[int]
    REDELIVERED_FIELD_NUMBER: _ClassVar[int]
    stream: str
    consumer: str
    pending: int
    ack_pending: int
    redelivered: int
    def __init__(self, stream: _Optional[str] = ..., consumer: _Optional[str] = ..., pending: _Optional[int] = ..., ack_pending: _Optional[int] = ..., redelivered: _Optional[int] = ...) -> None: ...

class ListBackupsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListBackupsResponse(_message.Message):
    __slots__ = ("backups", "next_page_token", "unreachable")
    BACKUPS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    UNREACHABLE_FIELD_NUMBER: _ClassVar[int]
    backups: _containers.RepeatedCompositeFieldContainer[Backup]
    next_page_token: str
    unreachable: _containers.RepeatedCompositeFieldContainer[BackupFailure]
    def __init__(self, backups: _Optional[_Iterable[_Union[Backup, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., unreachable: _Optional[_Iterable[_Union[BackupFailure, _Mapping]]] = ...) -> None: ...

class GetBackupRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetBackupResponse(_message.Message):
    __slots__ = ("backup",)
    BACKUP_FIELD_NUMBER: _ClassVar[int]
    backup: Backup
    def __init__(self, backup: _Optional[_Union[Backup, _Mapping]] = ...) -> None: ...

class CreateBackupRequest(_message.Message):
    __slots__ = ("backup",)
    BACKUP_FIELD_NUMBER: _ClassVar[int]
    backup: Backup
    def __init__(self, backup: _Optional[_Union[Backup, _Mapping]] = ...) -> None: ...

class CreateBackupResponse(_message.Message):
    __slots__ = ("backup",)
    BACKUP_FIELD_NUMBER: _ClassVar[int]
    backup: Backup
    def __init__(self, backup: _Optional[_Union[Backup, _Mapping]] = ...) -> None: ...

class RestoreBackupRequest(_message.Message):
    __slots__ = ("name", "services", "validate_only")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SERVICES_FIELD_NUMBER: _ClassVar[int]
    VALIDATE_ONLY_FIELD_NUMBER: _ClassVar[int]
    name: str
    services: _containers.RepeatedScalarFieldContainer[str]
    validate_only: bool
    def __init__(self, name: _Optional[str] = ..., services: _Optional[_Iterable[str]] = ..., validate_only: _Optional[bool] = ...) -> None: ...

class RestoreBackupResponse(_message.Message):
    __slots__ = ("name", "ok", "restores")
    NAME_FIELD_NUMBER: _ClassVar[int]
    OK_FIELD_NUMBER: _ClassVar[int]
    RESTORES_FIELD_NUMBER: _ClassVar[int]
    name: str
    ok: bool
    restores: _containers.RepeatedCompositeFieldContainer[_backup_pb2.ServiceRestore]
    def __init__(self, name: _Optional[str] = ..., ok: _Optional[bool] = ..., restores: _Optional[_Iterable[_Union[_backup_pb2.ServiceRestore, _Mapping]]] = ...) -> None: ...

class DeleteBackupRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteBackupResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Backup(_message.Message):
    __slots__ = ("name", "services", "create_time", "size_bytes", "parts", "failures", "pre_restore")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SERVICES_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    PARTS_FIELD_NUMBER: _ClassVar[int]
    FAILURES_FIELD_NUMBER: _ClassVar[int]
    PRE_RESTORE_FIELD_NUMBER: _ClassVar[int]
    name: str
    services: _containers.RepeatedScalarFieldContainer[str]
    create_time: _timestamp_pb2.Timestamp
    size_bytes: int
    parts: _containers.RepeatedCompositeFieldContainer[_backup_pb2.ServiceBackup]
    failures: _containers.RepeatedCompositeFieldContainer[BackupFailure]
    pre_restore: bool
    def __init__(self, name: _Optional[str] = ..., services: _Optional[_Iterable[str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., size_bytes: _Optional[int] = ..., parts: _Optional[_Iterable[_Union[_backup_pb2.ServiceBackup, _Mapping]]] = ..., failures: _Optional[_Iterable[_Union[BackupFailure, _Mapping]]] = ..., pre_restore: _Optional[bool] = ...) -> None: ...

class BackupFailure(_message.Message):
    __slots__ = ("service", "error")
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    service: str
    error: str
    def __init__(self, service: _Optional[str] = ..., error: _Optional[str] = ...) -> None: ...
