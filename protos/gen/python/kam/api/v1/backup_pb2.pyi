import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from kam.api.v1 import authorization_pb2 as _authorization_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateServiceBackupRequest(_message.Message):
    __slots__ = ("backup_id",)
    BACKUP_ID_FIELD_NUMBER: _ClassVar[int]
    backup_id: str
    def __init__(self, backup_id: _Optional[str] = ...) -> None: ...

class CreateServiceBackupResponse(_message.Message):
    __slots__ = ("backup",)
    BACKUP_FIELD_NUMBER: _ClassVar[int]
    backup: ServiceBackup
    def __init__(self, backup: _Optional[_Union[ServiceBackup, _Mapping]] = ...) -> None: ...

class ListServiceBackupsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListServiceBackupsResponse(_message.Message):
    __slots__ = ("backups",)
    BACKUPS_FIELD_NUMBER: _ClassVar[int]
    backups: _containers.RepeatedCompositeFieldContainer[ServiceBackup]
    def __init__(self, backups: _Optional[_Iterable[_Union[ServiceBackup, _Mapping]]] = ...) -> None: ...

class RestoreServiceBackupRequest(_message.Message):
    __slots__ = ("backup_id", "validate_only")
    BACKUP_ID_FIELD_NUMBER: _ClassVar[int]
    VALIDATE_ONLY_FIELD_NUMBER: _ClassVar[int]
    backup_id: str
    validate_only: bool
    def __init__(self, backup_id: _Optional[str] = ..., validate_only: _Optional[bool] = ...) -> None: ...

class RestoreServiceBackupResponse(_message.Message):
    __slots__ = ("restore",)
    RESTORE_FIELD_NUMBER: _ClassVar[int]
    restore: ServiceRestore
    def __init__(self, restore: _Optional[_Union[ServiceRestore, _Mapping]] = ...) -> None: ...

class DeleteServiceBackupRequest(_message.Message):
    __slots__ = ("backup_id",)
    BACKUP_ID_FIELD_NUMBER: _ClassVar[int]
    backup_id: str
    def __init__(self, backup_id: _Optional[str] = ...) -> None: ...

class DeleteServiceBackupResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ServiceBackup(_message.Message):
    __slots__ = ("backup_id", "service", "create_time", "engine", "size_bytes", "sha256", "schema_revisions", "table_rows", "consumer_positions", "creator", "pre_restore", "stream_sequence", "stream_known")
    class TableRowsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    BACKUP_ID_FIELD_NUMBER: _ClassVar[int]
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_REVISIONS_FIELD_NUMBER: _ClassVar[int]
    TABLE_ROWS_FIELD_NUMBER: _ClassVar[int]
    CONSUMER_POSITIONS_FIELD_NUMBER: _ClassVar[int]
    CREATOR_FIELD_NUMBER: _ClassVar[int]
    PRE_RESTORE_FIELD_NUMBER: _ClassVar[int]
    STREAM_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    STREAM_KNOWN_FIELD_NUMBER: _ClassVar[int]
    backup_id: str
    service: str
    create_time: _timestamp_pb2.Timestamp
    engine: str
    size_bytes: int
    sha256: str
    schema_revisions: _containers.RepeatedScalarFieldContainer[str]
    table_rows: _containers.ScalarMap[str, int]
    consumer_positions: _containers.RepeatedCompositeFieldContainer[ConsumerPosition]
    creator: str
    pre_restore: bool
    stream_sequence: int
    stream_known: bool
    def __init__(self, backup_id: _Optional[str] = ..., service: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., engine: _Optional[str] = ..., size_bytes: _Optional[int] = ..., sha256: _Optional[str] = ..., schema_revisions: _Optional[_Iterable[str]] = ..., table_rows: _Optional[_Mapping[str, int]] = ..., consumer_positions: _Optional[_Iterable[_Union[ConsumerPosition, _Mapping]]] = ..., creator: _Optional[str] = ..., pre_restore: _Optional[bool] = ..., stream_sequence: _Optional[int] = ..., stream_known: _Optional[bool] = ...) -> None: ...

class ConsumerPosition(_message.Message):
    __slots__ = ("consumer", "stream", "stream_sequence", "known")
    CONSUMER_FIELD_NUMBER: _ClassVar[int]
    STREAM_FIELD_NUMBER: _ClassVar[int]
    STREAM_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    KNOWN_FIELD_NUMBER: _ClassVar[int]
    consumer: str
    stream: str
    stream_sequence: int
    known: bool
    def __init__(self, consumer: _Optional[str] = ..., stream: _Optional[str] = ..., stream_sequence: _Optional[int] = ..., known: _Optional[bool] = ...) -> None: ...

class ServiceRestore(_message.Message):
    __slots__ = ("service", "backup_id", "ok", "problems", "restored", "current_rows", "backup_rows", "consumer_positions", "pre_restore_backup_id", "events_withdrawn")
    class CurrentRowsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    class BackupRowsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    BACKUP_ID_FIELD_NUMBER: _ClassVar[int]
    OK_FIELD_NUMBER: _ClassVar[int]
    PROBLEMS_FIELD_NUMBER: _ClassVar[int]
    RESTORED_FIELD_NUMBER: _ClassVar[int]
    CURRENT_ROWS_FIELD_NUMBER: _ClassVar[int]
    BACKUP_ROWS_FIELD_NUMBER: _ClassVar[int]
    CONSUMER_POSITIONS_FIELD_NUMBER: _ClassVar[int]
    PRE_RESTORE_BACKUP_ID_FIELD_NUMBER: _ClassVar[int]
    EVENTS_WITHDRAWN_FIELD_NUMBER: _ClassVar[int]
    service: str
    backup_id: str
    ok: bool
    problems: _containers.RepeatedScalarFieldContainer[str]
    restored: bool
    current_rows: _containers.ScalarMap[str, int]
    backup_rows: _containers.ScalarMap[str, int]
    consumer_positions: _containers.RepeatedCompositeFieldContainer[ConsumerPosition]
    pre_restore_backup_id: str
    events_withdrawn: int
    def __init__(self, service: _Optional[str] = ..., backup_id: _Optional[str] = ..., ok: _Optional[bool] = ..., problems: _Optional[_Iterable[str]] = ..., restored: _Optional[bool] = ..., current_rows: _Optional[_Mapping[str, int]] = ..., backup_rows: _Optional[_Mapping[str, int]] = ..., consumer_positions: _Optional[_Iterable[_Union[ConsumerPosition, _Mapping]]] = ..., pre_restore_backup_id: _Optional[str] = ..., events_withdrawn: _Optional[int] = ...) -> None: ...
