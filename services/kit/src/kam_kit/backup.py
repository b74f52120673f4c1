"""Backup and restore of one service's database (``kam.api.v1.BackupService``, served by every ServiceApp).

A backup is a consistent copy of the whole database in the service's backup directory
(``KAM_<SVC>_BACKUP_DIR``, default ``var/backups/<svc>``):

- SQLite: ``<id>.sqlite3``, taken with SQLite's online backup API (one read transaction: a consistent snapshot
  while the service keeps serving);
- PostgreSQL: ``<id>.pgdump``, ``pg_dump --format=custom`` run on a snapshot exported by a repeatable-read
  transaction, in which the table row counts of the manifest are taken too;

and ``<id>.json``, its manifest: time, size, SHA-256, schema revisions (Alembic heads), rows per table, creator,
and the acknowledgement floor of each of the service's durable event consumers, read from JetStream *before* the
copy (every event up to that stream sequence was applied, in its own committed transaction, before it was acked).

Restoring (see :meth:`kam_kit.runtime.ServiceApp.restore_backup`) replaces the database with the copy
(SQLite: the backup API into the live file; PostgreSQL: ``pg_restore`` piped into ``psql --single-transaction``
after dropping the schema, all in one transaction), migrates it to the current schema, and moves each durable
consumer back to ``floor + 1``: the events after the copy are delivered again, and those the copy had already
applied are skipped by the consumer's processed-event ids (``kam_processed_events``, restored with the data). So
after a restore no event is missed and none is applied twice. The audit trail survives the restore: records
written after the backup are carried over into the restored database (an audit trail is evidence, not data to roll
back), so the hash chain continues without a gap.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from kam.api.v1 import backup_pb2, backup_pb2_grpc
from sqlalchemy import Connection, delete, insert, inspect, or_, select, text
from sqlalchemy.engine import make_url

from kam_kit.auth import Identity
from kam_kit.db import Database, audit_table
from kam_kit.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from kam_kit.grpcserver import current_identity
from kam_kit.timeconv import to_timestamp

#: A backup id: lower-case letters, digits and ``-`` (it names files).
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
SQLITE_SUFFIX, POSTGRES_SUFFIX, MANIFEST_SUFFIX = ".sqlite3", ".pgdump", ".json"
CHUNK = 1024 * 1024


def backup_id_for(moment: datetime, token: str) -> str:
    """A sortable backup id, e.g. ``20261204-173000-a1b2`` (UTC time and a random suffix)."""
    return f"{moment.strftime('%Y%m%d-%H%M%S')}-{token}"


def check_id(backup_id: str, field_path: str = "backup_id") -> str:
    if not ID_PATTERN.match(backup_id or ""):
        raise InvalidArgument.for_field(
            field_path, "应为小写字母、数字和 - 组成的备份编号 (must be a backup id: a-z, 0-9 and -)"
        )
    return backup_id


@dataclass
class Position:
    """A durable consumer's acknowledgement floor on its stream (``known`` False: the broker was not asked)."""

    consumer: str
    stream: str
    stream_sequence: int = 0
    known: bool = False
    #: Every event it had been delivered was acknowledged and none was waiting: it needed nothing of the stream
    #: from before the copy.
    caught_up: bool = False


@dataclass
class Manifest:
    backup_id: str
    service: str
    create_time: datetime
    engine: str
    file: str
    size_bytes: int = 0
    sha256: str = ""
    schema_revisions: list[str] = field(default_factory=list)
    table_rows: dict[str, int] = field(default_factory=dict)
    consumer_positions: list[Position] = field(default_factory=list)
    creator: str = ""
    pre_restore: bool = False
    #: The highest sealed audit sequence in the copy (records after it are carried over by a restore).
    audit_sequence: int = 0
    #: The last sequence of the service's own stream right after the copy (``stream_known``).
    stream_sequence: int = 0
    stream_known: bool = False

    def to_json(self) -> str:
        data = asdict(self)
        data["create_time"] = self.create_time.isoformat()
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> Manifest:
        data = json.loads(raw)
        data["create_time"] = datetime.fromisoformat(data["create_time"])
        data["consumer_positions"] = [Position(**p) for p in data.get("consumer_positions", [])]
        return cls(**data)

    def to_proto(self) -> backup_pb2.ServiceBackup:
        return backup_pb2.ServiceBackup(
            backup_id=self.backup_id,
            service=self.service,
            create_time=to_timestamp(self.create_time),
            engine=self.engine,
            size_bytes=self.size_bytes,
            sha256=self.sha256,
            schema_revisions=self.schema_revisions,
            table_rows=self.table_rows,
            consumer_positions=[positions_proto(p) for p in self.consumer_positions],
            creator=self.creator,
            pre_restore=self.pre_restore,
            stream_sequence=self.stream_sequence,
            stream_known=self.stream_known,
        )


def positions_proto(position: Position) -> backup_pb2.ConsumerPosition:
    return backup_pb2.ConsumerPosition(
        consumer=position.consumer,
        stream=position.stream,
        stream_sequence=position.stream_sequence,
        known=position.known,
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL for pg_dump/psql (the password goes into the environment, never onto a command line)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise FailedPrecondition(
            f"找不到 PostgreSQL 工具 {name} (the PostgreSQL client tool {name} is not installed)",
            reason="BACKUP_TOOL_MISSING",
        )
    return found


def _sqlite_tables(connection: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {name: int(connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]) for name in names}


def _sqlite_revisions(connection: sqlite3.Connection) -> list[str]:
    try:
        return sorted(row[0] for row in connection.execute("SELECT version_num FROM alembic_version"))
    except sqlite3.DatabaseError:
        return []


def _sqlite_audit_sequence(connection: sqlite3.Connection) -> int:
    try:
        return int(connection.execute("SELECT max(sequence) FROM kam_audit_records").fetchone()[0] or 0)
    except sqlite3.DatabaseError:
        return 0


def _open_readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


class BackupStore:
    """One service's backups: taking, listing, checking, deleting, and replacing its database with one."""

    def __init__(self, db: Database, *, service: str, directory: str | Path) -> None:
        self.db = db
        self.service = service
        self.directory = Path(directory) if directory else None

    # -- files -------------------------------------------------------------------------------------------------

    def _dir(self) -> Path:
        if self.directory is None:
            raise FailedPrecondition(
                "未配置备份目录 (no backup directory is configured for this service)",
                reason="BACKUP_DISABLED",
            )
        self.directory.mkdir(parents=True, exist_ok=True)
        return self.directory

    @property
    def engine(self) -> str:
        return "sqlite" if self.db.is_sqlite else "postgresql"

    def _data_path(self, backup_id: str) -> Path:
        return self._dir() / f"{backup_id}{SQLITE_SUFFIX if self.db.is_sqlite else POSTGRES_SUFFIX}"

    def _manifest_path(self, backup_id: str) -> Path:
        return self._dir() / f"{backup_id}{MANIFEST_SUFFIX}"

    def listing(self) -> list[Manifest]:
        if self.directory is None or not self.directory.exists():
            return []
        found = []
        for path in self.directory.glob(f"*{MANIFEST_SUFFIX}"):
            try:
                found.append(Manifest.from_json(path.read_text(encoding="utf-8")))
            except (ValueError, KeyError, TypeError):
                continue  # a manifest being written or damaged: not a usable backup
        return sorted(found, key=lambda m: (m.create_time, m.backup_id), reverse=True)

    def get(self, backup_id: str) -> Manifest:
        check_id(backup_id)
        path = self._manifest_path(backup_id)
        if not path.exists():
            raise NotFound(f"备份 {backup_id} 不存在 (backup {backup_id} of {self.service} not found)")
        return Manifest.from_json(path.read_text(encoding="utf-8"))

    def delete(self, backup_id: str) -> None:
        manifest = self.get(backup_id)
        self._manifest_path(backup_id).unlink(missing_ok=True)  # the manifest first: no half-listed backup
        (self._dir() / manifest.file).unlink(missing_ok=True)

    # -- taking ------------------------------------------------------------------------------------------------

    async def create(
        self,
        backup_id: str,
        *,
        moment: datetime,
        creator: str,
        positions: Sequence[Position] = (),
        pre_restore: bool = False,
        stream_sequence: Callable[[], Awaitable[int | None]] | None = None,
    ) -> Manifest:
        """Copy the database. ``positions``: the consumers' floors, read before the copy; ``stream_sequence``:
        asked right after it, the last sequence of the service's own stream."""
        check_id(backup_id)
        if self._manifest_path(backup_id).exists():
            raise AlreadyExists(f"备份 {backup_id} 已存在 (backup {backup_id} already exists)")
        data = self._data_path(backup_id)
        partial = data.with_name(data.name + ".partial")
        if self.db.is_sqlite:
            rows, revisions, audit_sequence = await asyncio.to_thread(self._copy_sqlite, partial)
        else:
            rows, revisions, audit_sequence = await self._dump_postgres(partial)
        partial.replace(data)
        last = await stream_sequence() if stream_sequence is not None else None
        manifest = Manifest(
            backup_id=backup_id,
            service=self.service,
            create_time=moment,
            engine=self.engine,
            file=data.name,
            size_bytes=data.stat().st_size,
            sha256=await asyncio.to_thread(sha256_of, data),
            schema_revisions=revisions,
            table_rows=rows,
            consumer_positions=list(positions),
            creator=creator,
            pre_restore=pre_restore,
            audit_sequence=audit_sequence,
            stream_sequence=last or 0,
            stream_known=last is not None,
        )
        path = self._manifest_path(backup_id)
        path.with_name(path.name + ".partial").write_text(manifest.to_json(), encoding="utf-8")
        path.with_name(path.name + ".partial").replace(
            path
        )  # the manifest appears only when the copy is whole
        return manifest

    def _sqlite_path(self) -> Path:
        database = make_url(self.db.url).database
        if not database or database == ":memory:":
            raise FailedPrecondition("内存数据库无法备份 (an in-memory database cannot be backed up)")
        return Path(database)

    def _copy_sqlite(self, target: Path) -> tuple[dict[str, int], list[str], int]:
        target.unlink(missing_ok=True)
        source = sqlite3.connect(self._sqlite_path(), timeout=30)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # all pages in one step: one consistent snapshot
        finally:
            source.close()
        try:
            return _sqlite_tables(copy), _sqlite_revisions(copy), _sqlite_audit_sequence(copy)
        finally:
            copy.close()

    async def _dump_postgres(self, target: Path) -> tuple[dict[str, int], list[str], int]:
        url, env = _libpq(self.db.url)
        pg_dump = _tool("pg_dump")
        async with self.db.engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="REPEATABLE READ")
            async with connection.begin():
                snapshot = await connection.scalar(text("SELECT pg_export_snapshot()"))
                rows, revisions, audit_sequence = await connection.run_sync(_postgres_facts)
                process = await asyncio.create_subprocess_exec(
                    pg_dump,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    f"--dbname={url}",
                    env=env,
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=asyncio.subprocess.PIPE,
                )
                _, stderr = await process.communicate()
        if process.returncode != 0:
            target.unlink(missing_ok=True)
            raise RuntimeError(f"pg_dump failed: {stderr.decode(errors='replace')[-500:]}")
        return rows, revisions, audit_sequence

    # -- checking and restoring --------------------------------------------------------------------------------

    async def current_rows(self) -> dict[str, int]:
        if self.db.is_sqlite:
            return await asyncio.to_thread(self._live_sqlite_rows)
        async with self.db.engine.connect() as connection:
            return (await connection.run_sync(_postgres_facts))[0]

    def _live_sqlite_rows(self) -> dict[str, int]:
        connection = sqlite3.connect(self._sqlite_path(), timeout=30)
        try:
            return _sqlite_tables(connection)
        finally:
            connection.close()

    async def problems(self, manifest: Manifest, known_revisions: Iterable[str]) -> list[str]:
        """Why this backup cannot be restored here (empty: it can)."""
        found: list[str] = []
        if manifest.service != self.service:
            found.append(
                f"备份属于服务 {manifest.service} (the backup is of {manifest.service}, not {self.service})"
            )
        if manifest.engine != self.engine:
            found.append(
                f"备份来自 {manifest.engine} 数据库 (the backup is of a {manifest.engine} database, "
                f"this service runs on {self.engine})"
            )
        path = self._dir() / manifest.file
        if not path.exists():
            return [*found, f"备份文件缺失 (the backup file {manifest.file} is missing)"]
        if await asyncio.to_thread(sha256_of, path) != manifest.sha256:
            found.append(
                "备份文件校验和不符，文件已损坏或被改动 (the file's SHA-256 does not match the manifest)"
            )
            return found
        unknown = sorted(set(manifest.schema_revisions) - set(known_revisions))
        if unknown:
            found.append(
                f"备份的数据库结构版本比本服务新 (the backup's schema revisions {', '.join(unknown)} are unknown "
                "to this version of the service: restore it with the version that took it)"
            )
        readable = await asyncio.to_thread(self._readable, path) if not found else ""
        if readable:
            found.append(readable)
        return found

    def _readable(self, path: Path) -> str:
        if self.db.is_sqlite:
            try:
                connection = _open_readonly(path)
                try:
                    result = connection.execute("PRAGMA quick_check").fetchone()
                finally:
                    connection.close()
            except sqlite3.DatabaseError as exc:
                return f"备份文件无法读取 (the backup file cannot be read: {exc})"
            return "" if result and result[0] == "ok" else f"备份文件不完整 (quick_check: {result})"
        listing = subprocess.run(
            [_tool("pg_restore"), "--list", str(path)], capture_output=True, check=False, timeout=300
        )
        if listing.returncode != 0:
            return f"备份文件无法读取 (pg_restore --list: {listing.stderr.decode(errors='replace')[-300:]})"
        return ""

    async def replace_database(self, manifest: Manifest) -> None:
        """Replace the live database's content with the backup's (the caller has paused the service's work and
        disposed of its connections)."""
        path = self._dir() / manifest.file
        if self.db.is_sqlite:
            await asyncio.to_thread(self._restore_sqlite, path)
        else:
            await asyncio.to_thread(self._restore_postgres, path)

    def _restore_sqlite(self, path: Path) -> None:
        source = _open_readonly(path)
        target = sqlite3.connect(self._sqlite_path(), timeout=30)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()

    def _restore_postgres(self, path: Path) -> None:
        url, env = _libpq(self.db.url)
        preamble = (
            b"SET lock_timeout = '30s';\nDROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"
        )
        with tempfile.TemporaryFile() as errors:
            script = subprocess.Popen(
                [_tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(path)],
                stdout=subprocess.PIPE,
                stderr=errors,
            )
            psql = subprocess.Popen(
                [
                    _tool("psql"),
                    "--single-transaction",
                    "--quiet",
                    "-v",
                    "ON_ERROR_STOP=1",
                    f"--dbname={url}",
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                env=env,
            )
            assert script.stdout is not None and psql.stdin is not None
            try:
                psql.stdin.write(preamble)
                shutil.copyfileobj(script.stdout, psql.stdin, CHUNK)
            except BrokenPipeError:
                pass  # psql stopped on an error: its exit status says so
            finally:
                psql.stdin.close()
            script.wait(timeout=600)
            psql.wait(timeout=600)
            if script.returncode != 0 or psql.returncode != 0:
                errors.seek(0)
                raise RuntimeError(f"restore failed: {errors.read().decode(errors='replace')[-500:]}")


def _postgres_facts(connection: Connection) -> tuple[dict[str, int], list[str], int]:
    names = sorted(inspect(connection).get_table_names())
    rows = {
        name: int(connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()) for name in names
    }
    revisions = (
        sorted(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
        if "alembic_version" in names
        else []
    )
    audit_sequence = (
        int(connection.execute(text("SELECT max(sequence) FROM kam_audit_records")).scalar() or 0)
        if "kam_audit_records" in names
        else 0
    )
    return rows, revisions, audit_sequence


async def audit_since(db: Database, manifest: Manifest) -> list[dict[str, Any]]:
    """The audit records a restore of ``manifest`` would lose: sealed after the copy's last one, or not sealed."""
    async with db.read() as session:
        rows = await session.execute(
            select(audit_table)
            .where(or_(audit_table.c.sequence > manifest.audit_sequence, audit_table.c.sequence.is_(None)))
            .order_by(audit_table.c.sequence.is_(None), audit_table.c.sequence, audit_table.c.id)
        )
        return [{k: v for k, v in row._mapping.items() if k != "id"} for row in rows]


async def carry_over_audit(db: Database, records: Sequence[dict[str, Any]]) -> None:
    """Put ``records`` (from :func:`audit_since`) into the restored database, replacing the copy's unsealed rows
    of the same records, so the hash chain continues where the live one stood."""
    if not records:
        return
    async with db.writing() as session:
        ids = [r["record_id"] for r in records]
        for start in range(0, len(ids), 500):
            await session.execute(
                delete(audit_table).where(audit_table.c.record_id.in_(ids[start : start + 500]))
            )
        for start in range(0, len(records), 500):
            await session.execute(insert(audit_table), list(records[start : start + 500]))


class BackupHost(Protocol):
    """What the servicer needs of the running service (:class:`kam_kit.runtime.ServiceApp`)."""

    backups: BackupStore

    async def take_backup(self, backup_id: str, *, actor: Identity | None) -> Manifest: ...

    async def restore_backup(
        self, manifest: Manifest, *, validate_only: bool, actor: Identity | None
    ) -> backup_pb2.ServiceRestore: ...

    async def delete_backup(self, backup_id: str, *, actor: Identity | None) -> None: ...


class BackupServicer(backup_pb2_grpc.BackupServiceServicer):
    def __init__(self, host: BackupHost) -> None:
        self.host = host

    async def CreateServiceBackup(self, request, context) -> backup_pb2.CreateServiceBackupResponse:
        manifest = await self.host.take_backup(check_id(request.backup_id), actor=current_identity())
        return backup_pb2.CreateServiceBackupResponse(backup=manifest.to_proto())

    async def ListServiceBackups(self, request, context) -> backup_pb2.ListServiceBackupsResponse:
        return backup_pb2.ListServiceBackupsResponse(
            backups=[m.to_proto() for m in self.host.backups.listing()]
        )

    async def RestoreServiceBackup(self, request, context) -> backup_pb2.RestoreServiceBackupResponse:
        manifest = self.host.backups.get(check_id(request.backup_id))
        restore = await self.host.restore_backup(
            manifest, validate_only=request.validate_only, actor=current_identity()
        )
        return backup_pb2.RestoreServiceBackupResponse(restore=restore)

    async def DeleteServiceBackup(self, request, context) -> backup_pb2.DeleteServiceBackupResponse:
        await self.host.delete_backup(check_id(request.backup_id), actor=current_identity())
        return backup_pb2.DeleteServiceBackupResponse()
