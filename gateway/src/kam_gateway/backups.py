"""Backups of every service's database from the control center (``SystemService`` backup methods).

The gateway stores nothing itself: each service keeps its own backups (:mod:`kam_kit.backup`, served as
``kam.api.v1.BackupService`` by every process, the gateway's identity service included) and the gateway asks them
with the caller's own token, so each service checks ``system.backup`` itself. One backup of several services is
their parts under one backup id; listing gathers the parts by id. A restore checks every part first (a dry run on
each) and changes nothing unless all can be restored; then it restores them one after the other, the identity
database (the gateway's) last: the caller's session lives there.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TypeVar

import grpc
from kam.api.v1 import backup_pb2, backup_pb2_grpc
from kam.identity.v1 import system_service_pb2 as pb
from kam_kit import pagination, registry
from kam_kit.auth import METADATA_KEY
from kam_kit.backup import backup_id_for, check_id
from kam_kit.clock import Clock
from kam_kit.errors import (
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Unavailable,
    bounded,
)

from kam_gateway.backends import Channels

CALL_SECONDS = 600.0
#: The gateway process's database is its identity service's: its parts are named ``identity``.
PART_NAMES = {registry.GATEWAY.name: "identity"}
PROCESS_NAMES = {part: process for process, part in PART_NAMES.items()}
NAME_PREFIX = "backups/"

T = TypeVar("T")


def backup_id_from_name(name: str, field_path: str = "name") -> str:
    if not name.startswith(NAME_PREFIX):
        raise InvalidArgument.for_field(field_path, "应为 backups/{backup} (must be backups/{backup})")
    return check_id(name[len(NAME_PREFIX) :], field_path)


def _error(error: grpc.aio.AioRpcError) -> str:
    return bounded(f"{error.code().name}: {error.details()}", 300)


class Backups:
    def __init__(self, *, clock: Clock, page_secret: bytes, channels: Channels) -> None:
        self.clock = clock
        self.page_secret = page_secret
        self.channels = channels
        #: process name → gRPC address, set by the gateway once the addresses are known.
        self.addresses: Mapping[str, str] = {}

    # -- which services --------------------------------------------------------------------------------------

    def services(self) -> list[str]:
        """Every process with a database, in registry order: the services, then the gateway (its identity
        database, where the caller's session lives)."""
        return [e.name for e in registry.processes() if e.name in self.addresses]  # parts: PART_NAMES

    def _chosen(self, requested: Sequence[str], field_path: str) -> list[str]:
        known = self.services()
        chosen = []
        for index, name in enumerate(requested):
            name = PROCESS_NAMES.get(name, name)
            if name not in known:
                raise InvalidArgument.for_field(
                    f"{field_path}[{index}]",
                    f"未知的服务 {name!r}，可选 {', '.join(known)} (unknown service; one of {', '.join(known)})",
                )
            chosen.append(name)
        return [name for name in known if name in chosen] if chosen else known

    async def _call(
        self, service: str, call: Callable[[backup_pb2_grpc.BackupServiceStub], Awaitable[T]]
    ) -> T | grpc.aio.AioRpcError:
        """The reply, or the error the service gave; a refusal of the caller's permission is raised at once."""
        try:
            return await call(backup_pb2_grpc.BackupServiceStub(self.channels.channel(service)))
        except grpc.aio.AioRpcError as error:
            if error.code() == grpc.StatusCode.PERMISSION_DENIED:
                raise _denied(error) from None
            return error

    async def _each(self, services: Sequence[str], method: str, request, metadata: tuple) -> list:
        """Call ``method`` of every service's BackupService in parallel: each reply, or the error it gave."""

        def call(stub: backup_pb2_grpc.BackupServiceStub):
            return getattr(stub, method)(request, metadata=metadata, timeout=CALL_SECONDS)

        return list(await asyncio.gather(*(self._call(s, call) for s in services)))

    # -- the API -----------------------------------------------------------------------------------------------

    async def list(self, request: pb.ListBackupsRequest, metadata: tuple) -> pb.ListBackupsResponse:
        size = pagination.page_size(request.page_size, maximum=200)
        after = pagination.decode_token(request.page_token, bound_to="backups", secret=self.page_secret)
        backups, unreachable = await self._gather(metadata)
        if after is not None:
            key = (after["t"], after["id"])
            backups = [b for b in backups if (b.create_time.ToJsonString(), _id(b)) < key]
        page = backups[:size]
        response = pb.ListBackupsResponse(backups=page, unreachable=unreachable)
        if len(backups) > size:
            last = page[-1]
            response.next_page_token = pagination.encode_token(
                {"t": last.create_time.ToJsonString(), "id": _id(last)},
                bound_to="backups",
                secret=self.page_secret,
            )
        return response

    async def get(self, name: str, metadata: tuple) -> pb.GetBackupResponse:
        backup_id = backup_id_from_name(name)
        backups, unreachable = await self._gather(metadata)
        for found in backups:
            if _id(found) == backup_id:
                return pb.GetBackupResponse(backup=found)
        if unreachable:
            raise Unavailable(
                f"备份 {backup_id} 未找到，且有服务无法访问 (backup not found, and "
                f"{', '.join(u.service for u in unreachable)} could not be asked)"
            )
        raise NotFound(f"备份 {backup_id} 不存在 (backup {backup_id} not found)")

    async def _gather(self, metadata: tuple) -> tuple[list[pb.Backup], list[pb.BackupFailure]]:
        services = self.services()
        replies = await self._each(
            services, "ListServiceBackups", backup_pb2.ListServiceBackupsRequest(), metadata
        )
        by_id: dict[str, list[backup_pb2.ServiceBackup]] = {}
        unreachable = []
        for service, reply in zip(services, replies, strict=True):
            if isinstance(reply, grpc.aio.AioRpcError):
                unreachable.append(_failure(service, reply))
                continue
            for part in reply.backups:
                by_id.setdefault(part.backup_id, []).append(part)
        backups = [_backup(backup_id, parts, services) for backup_id, parts in by_id.items()]
        backups.sort(key=lambda b: (b.create_time.ToJsonString(), _id(b)), reverse=True)
        return backups, unreachable

    async def create(self, request: pb.CreateBackupRequest, metadata: tuple) -> pb.CreateBackupResponse:
        services = self._chosen(request.backup.services, "backup.services")
        backup_id = backup_id_for(self.clock.now(), secrets.token_hex(2))
        replies = await self._each(
            services,
            "CreateServiceBackup",
            backup_pb2.CreateServiceBackupRequest(backup_id=backup_id),
            metadata,
        )
        parts, failures = [], []
        for service, reply in zip(services, replies, strict=True):
            if isinstance(reply, grpc.aio.AioRpcError):
                failures.append(_failure(service, reply))
            else:
                parts.append(reply.backup)
        if not parts:
            raise Unavailable(
                "没有服务完成备份 (no service could be backed up: "
                + "; ".join(f"{f.service}: {f.error}" for f in failures)
                + ")"
            )
        backup = _backup(backup_id, parts, self.services())
        backup.failures.extend(failures)
        return pb.CreateBackupResponse(backup=backup)

    async def restore(self, request: pb.RestoreBackupRequest, metadata: tuple) -> pb.RestoreBackupResponse:
        backup_id = backup_id_from_name(request.name)
        chosen = self._chosen(request.services, "services")
        covered = [PROCESS_NAMES.get(s, s) for s in (await self.get(request.name, metadata)).backup.services]
        services = [s for s in self.services() if s in covered and s in chosen]
        plans: list[backup_pb2.ServiceRestore] = [
            backup_pb2.ServiceRestore(
                service=PART_NAMES.get(s, s),
                backup_id=backup_id,
                problems=[f"备份不含此服务 (the backup has no part for {PART_NAMES.get(s, s)})"],
            )
            for s in chosen
            if request.services and s not in covered
        ]
        for service in services:  # one after the other: a dry run reads the whole database
            reply = await self._call(service, _restore(backup_id, True, metadata))
            if isinstance(reply, grpc.aio.AioRpcError):
                plans.append(
                    backup_pb2.ServiceRestore(
                        service=PART_NAMES.get(service, service),
                        backup_id=backup_id,
                        ok=False,
                        problems=[_error(reply)],
                    )
                )
                continue
            plans.append(reply.restore)
        response = pb.RestoreBackupResponse(name=request.name, ok=all(p.ok for p in plans))
        if request.validate_only or not response.ok:
            response.restores.extend(plans)
            return response
        for plan in plans:
            reply = await self._call(
                PROCESS_NAMES.get(plan.service, plan.service), _restore(backup_id, False, metadata)
            )
            outcome = (
                backup_pb2.ServiceRestore(
                    service=plan.service, backup_id=backup_id, ok=False, problems=[_error(reply)]
                )
                if isinstance(reply, grpc.aio.AioRpcError)
                else reply.restore
            )
            response.restores.append(outcome)
            if not outcome.restored:  # stop at the first failure; what is restored stays so (and is reported)
                response.ok = False
                break
        return response

    async def delete(self, name: str, metadata: tuple) -> None:
        backup_id = backup_id_from_name(name)
        services = self.services()
        replies = await self._each(
            services,
            "DeleteServiceBackup",
            backup_pb2.DeleteServiceBackupRequest(backup_id=backup_id),
            metadata,
        )
        errors = [r for r in replies if isinstance(r, grpc.aio.AioRpcError)]
        if len(errors) == len(replies) and all(e.code() == grpc.StatusCode.NOT_FOUND for e in errors):
            raise NotFound(f"备份 {backup_id} 不存在 (backup {backup_id} not found)")
        failed = [
            (s, e) for s, e in zip(services, replies, strict=True) if isinstance(e, grpc.aio.AioRpcError)
        ]
        unexpected = [f"{s}: {_error(e)}" for s, e in failed if e.code() != grpc.StatusCode.NOT_FOUND]
        if unexpected:
            raise FailedPrecondition(
                "部分服务未能删除备份 (some services could not delete their part: "
                + "; ".join(unexpected)
                + ")"
            )


def _restore(backup_id: str, validate_only: bool, metadata: tuple):
    def call(stub: backup_pb2_grpc.BackupServiceStub):
        return stub.RestoreServiceBackup(
            backup_pb2.RestoreServiceBackupRequest(backup_id=backup_id, validate_only=validate_only),
            metadata=metadata,
            timeout=CALL_SECONDS,
        )

    return call


def _id(backup: pb.Backup) -> str:
    return backup.name[len(NAME_PREFIX) :]


def _backup(backup_id: str, parts: Sequence[backup_pb2.ServiceBackup], order: Sequence[str]) -> pb.Backup:
    rank = {PART_NAMES.get(name, name): index for index, name in enumerate(order)}
    parts = sorted(parts, key=lambda p: (rank.get(p.service, len(rank)), p.service))
    first = min(parts, key=lambda p: p.create_time.ToJsonString())
    backup = pb.Backup(
        name=NAME_PREFIX + backup_id,
        services=[p.service for p in parts],
        size_bytes=sum(p.size_bytes for p in parts),
        parts=parts,
        pre_restore=any(p.pre_restore for p in parts),
    )
    backup.create_time.CopyFrom(first.create_time)
    return backup


def _failure(service: str, error: grpc.aio.AioRpcError) -> pb.BackupFailure:
    return pb.BackupFailure(service=PART_NAMES.get(service, service), error=_error(error))


def _denied(error: grpc.aio.AioRpcError) -> Exception:
    return PermissionDenied(error.details() or "权限不足 (permission denied)")


def caller_metadata(invocation_metadata) -> tuple:
    """The caller's own bearer token, passed on so that each service checks the permission itself."""
    authorization = dict(invocation_metadata or ()).get(METADATA_KEY, "")
    return ((METADATA_KEY, authorization),) if authorization else ()
