"""The org tree (机构) and roles (角色): CRUD with events, the built-in roles kept equal to the kit's catalogue,
and the import of the core-banking system's branches and staff (from the customer service's scan events).

Import rule (documented in docs/architecture.md): an org unit or user that came from the core is updated by each
later import — the core is the bank's record of its branches and staff — unless an administrator set
``keep_kam_changes`` on it, in which case the import leaves its name, place in the tree and state as KAM has them.
Users the import creates are *pending activation*: they cannot sign in until an administrator enables them and
gives them a password. A staff member the core marks inactive is disabled (their sessions end) unless kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kam.identity.v1 import events_pb2
from kam_kit import etags, outbox, permissions
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound, Validator
from kam_kit.filtering import parse_equalities
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_gateway.identity.adapters.orm import CORE_BANKING, KAM, OrgUnitRow, RoleRow, UserRoleRow, UserRow
from kam_gateway.identity.adapters.protomap import ORG_TYPES, org_unit_to_proto, user_to_proto
from kam_gateway.identity.service_layer.paging import check_mask, page_by_id
from kam_gateway.identity.service_layer.sign_in import SERVICE, SignIn, roles_of
from kam_gateway.identity.service_layer.trail import actor, org_values, role_values, trail, user_values

_ORG_BEFORE = "kam_identity_org_before"

ORG_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
ROLE_ID = re.compile(r"^[a-z][a-z0-9_-]{1,62}$")


@dataclass
class OrgUnitDraft:
    display_name: str = ""
    type: str = ""  # HEAD_OFFICE | BRANCH | SUB_BRANCH | DEPARTMENT
    parent: str = ""
    region: str = ""
    keep_kam_changes: bool = False


@dataclass
class RoleDraft:
    display_name: str = ""
    permissions: list[str] = field(default_factory=list)
    data_scope: str = ""


ORG_UPDATABLE = frozenset({"display_name", "type", "parent", "region", "keep_kam_changes"})
ROLE_UPDATABLE = frozenset({"display_name", "permissions", "data_scope"})


class Directory:
    def __init__(
        self, db: Database, clock: Clock, *, sign_in: SignIn, page_secret: bytes = b"identity"
    ) -> None:
        self.db = db
        self.clock = clock
        self.sign_in = sign_in
        self.page_secret = page_secret
        self.events = outbox.Recorder(SERVICE, clock)
        self.audit = trail(clock)

    # ---- org units

    async def get_org_unit(self, org_id: str) -> OrgUnitRow:
        async with self.db.read() as session:
            row = await session.get(OrgUnitRow, org_id)
        if row is None:
            raise NotFound(
                f"机构 orgUnits/{org_id} 不存在 (not found)", metadata={"name": f"orgUnits/{org_id}"}
            )
        return row

    async def list_org_units(
        self, filter_text: str, page_size: int, page_token: str
    ) -> tuple[list[OrgUnitRow], str, int]:
        terms = parse_equalities(
            filter_text,
            {"parent": lambda v: v.removeprefix("orgUnits/"), "type": _org_type_filter, "region": str},
        )
        query = select(OrgUnitRow)
        for name, value in terms.items():
            column = {"parent": OrgUnitRow.parent_id, "type": OrgUnitRow.type, "region": OrgUnitRow.region}[
                name
            ]
            query = query.where(column == value) if value != "" else query.where(column.is_(None))
        return await page_by_id(
            self.db,
            query,
            OrgUnitRow.id,
            page_size=page_size,
            page_token=page_token,
            bound_to=filter_text,
            secret=self.page_secret,
        )

    async def create_org_unit(self, org_id: str, draft: OrgUnitDraft) -> OrgUnitRow:
        v = Validator()
        if v.require(org_id, "org_unit_id"):
            v.check(
                bool(ORG_ID.match(org_id)),
                "org_unit_id",
                "字母、数字、_ 和 -，最长64位 (letters, digits, _, -)",
            )
        self._check_org(v, draft, set(ORG_UPDATABLE))
        v.raise_if_any()
        now = self.clock.now()
        async with self.db.transaction() as session:
            if await session.get(OrgUnitRow, org_id) is not None:
                raise AlreadyExists(f"机构 orgUnits/{org_id} 已存在 (already exists)")
            await self._check_parent(session, org_id, draft.parent)
            row = OrgUnitRow(
                id=org_id,
                display_name=draft.display_name.strip(),
                type=draft.type,
                parent_id=draft.parent or None,
                region=draft.region,
                origin=KAM,
                keep_kam_changes=draft.keep_kam_changes,
                version=1,
                create_time=now,
                update_time=now,
            )
            session.add(row)
            await session.flush()
            self.events.record(
                session,
                events_pb2.OrgUnitCreated(org_unit=org_unit_to_proto(row)),
                resource=f"orgUnits/{org_id}",
            )
            self.audit.change(
                session,
                actor=actor(),
                action="orgUnits.create",
                resource=f"orgUnits/{org_id}",
                after=org_values(row),
            )
        return row

    async def update_org_unit(
        self, org_id: str, draft: OrgUnitDraft, mask: set[str], etag: str
    ) -> OrgUnitRow:
        check_mask(mask, ORG_UPDATABLE)
        v = Validator()
        self._check_org(v, draft, mask)
        v.raise_if_any()
        async with self.db.transaction() as session:
            row = await session.get(OrgUnitRow, org_id, with_for_update=True)
            if row is None:
                raise NotFound(f"机构 orgUnits/{org_id} 不存在 (not found)")
            etags.check(etag, row.version, "机构")
            session.info[_ORG_BEFORE] = org_values(row)
            if "parent" in mask:
                await self._check_parent(session, org_id, draft.parent)
            for name in mask:
                value = getattr(draft, name)
                setattr(
                    row,
                    "parent_id" if name == "parent" else name,
                    (value or None) if name == "parent" else value,
                )
            self._org_changed(session, row, sorted(mask))
        return row

    async def delete_org_unit(self, org_id: str) -> None:
        async with self.db.transaction() as session:
            row = await session.get(OrgUnitRow, org_id, with_for_update=True)
            if row is None:
                raise NotFound(f"机构 orgUnits/{org_id} 不存在 (not found)")
            children = (
                await session.execute(select(func.count()).where(OrgUnitRow.parent_id == org_id))
            ).scalar_one()
            members = (
                await session.execute(select(func.count()).where(UserRow.org_unit_id == org_id))
            ).scalar_one()
            if children or members:
                raise FailedPrecondition(
                    f"机构下还有 {children} 个下级机构和 {members} 名用户，不能删除 (the unit still "
                    f"has {children} child units and {members} users)",
                    reason="ORG_UNIT_IN_USE",
                )
            await session.delete(row)
            self.events.record(
                session,
                events_pb2.OrgUnitDeleted(org_unit=f"orgUnits/{org_id}"),
                resource=f"orgUnits/{org_id}",
            )
            self.audit.change(
                session,
                actor=actor(),
                action="orgUnits.delete",
                resource=f"orgUnits/{org_id}",
                before=org_values(row),
            )

    def _org_changed(self, session: AsyncSession, row: OrgUnitRow, mask: list[str]) -> None:
        row.version += 1
        row.update_time = self.clock.now()
        message = events_pb2.OrgUnitUpdated(org_unit=org_unit_to_proto(row))
        message.update_mask.paths.extend(mask)
        self.events.record(session, message, resource=f"orgUnits/{row.id}")
        self.audit.change(
            session,
            actor=actor(),
            action="orgUnits.update",
            resource=f"orgUnits/{row.id}",
            before=session.info.pop(_ORG_BEFORE, {}),
            after=org_values(row),
        )

    @staticmethod
    def _check_org(v: Validator, draft: OrgUnitDraft, mask: set[str]) -> None:
        if "display_name" in mask and v.require(draft.display_name.strip(), "org_unit.display_name"):
            v.check(len(draft.display_name) <= 200, "org_unit.display_name", "最长200个字符 (at most 200)")
        if "type" in mask:
            v.check(draft.type in ORG_TYPES, "org_unit.type", "请选择机构类型 (the unit's type is required)")

    @staticmethod
    async def _check_parent(session: AsyncSession, org_id: str, parent: str) -> None:
        """The parent exists and is not the unit itself or below it (the tree stays a tree)."""
        seen, current = {org_id}, parent
        while current:
            if current in seen:
                raise InvalidArgument.for_field(
                    "org_unit.parent", "上级机构不能是本机构或其下级 (would make a cycle)"
                )
            row = await session.get(OrgUnitRow, current)
            if row is None:
                raise InvalidArgument.for_field(
                    "org_unit.parent", f"机构 orgUnits/{current} 不存在 (no such unit)"
                )
            seen.add(current)
            current = row.parent_id or ""

    # ---- roles

    async def get_role(self, role_id: str) -> RoleRow:
        async with self.db.read() as session:
            row = await session.get(RoleRow, role_id)
        if row is None:
            raise NotFound(f"角色 roles/{role_id} 不存在 (not found)", metadata={"name": f"roles/{role_id}"})
        return row

    async def list_roles(self) -> list[RoleRow]:
        async with self.db.read() as session:
            return list(
                (
                    await session.execute(select(RoleRow).order_by(RoleRow.built_in.desc(), RoleRow.id))
                ).scalars()
            )

    async def create_role(self, role_id: str, draft: RoleDraft) -> RoleRow:
        v = Validator()
        if v.require(role_id, "role_id"):
            v.check(
                bool(ROLE_ID.match(role_id)),
                "role_id",
                "小写字母开头，小写字母、数字、_ 和 - (lower case, digits, _, -)",
            )
        self._check_role(v, draft, set(ROLE_UPDATABLE))
        v.raise_if_any()
        now = self.clock.now()
        async with self.db.transaction() as session:
            if await session.get(RoleRow, role_id) is not None:
                raise AlreadyExists(f"角色 roles/{role_id} 已存在 (already exists)")
            row = RoleRow(
                id=role_id,
                display_name=draft.display_name.strip(),
                permissions=sorted(set(draft.permissions)),
                data_scope=draft.data_scope,
                built_in=False,
                version=1,
                create_time=now,
                update_time=now,
            )
            session.add(row)
            self.audit.change(
                session,
                actor=actor(),
                action="roles.create",
                resource=f"roles/{role_id}",
                after=role_values(row),
            )
        return row

    async def update_role(self, role_id: str, draft: RoleDraft, mask: set[str], etag: str) -> RoleRow:
        check_mask(mask, ROLE_UPDATABLE)
        v = Validator()
        self._check_role(v, draft, mask)
        v.raise_if_any()
        async with self.db.transaction() as session:
            row = await session.get(RoleRow, role_id, with_for_update=True)
            if row is None:
                raise NotFound(f"角色 roles/{role_id} 不存在 (not found)")
            if row.built_in:
                raise FailedPrecondition(
                    "内置角色不能修改，可复制为自定义角色 (built-in roles cannot be changed; create "
                    "a custom role instead)",
                    reason="BUILT_IN_ROLE",
                )
            etags.check(etag, row.version, "角色")
            before = role_values(row)
            for name in mask:
                value = getattr(draft, name)
                setattr(row, name, sorted(set(value)) if name == "permissions" else value)
            row.version += 1
            row.update_time = self.clock.now()
            self.audit.change(
                session,
                actor=actor(),
                action="roles.update",
                resource=f"roles/{role_id}",
                before=before,
                after=role_values(row),
            )
        return row

    async def delete_role(self, role_id: str) -> None:
        async with self.db.transaction() as session:
            row = await session.get(RoleRow, role_id, with_for_update=True)
            if row is None:
                raise NotFound(f"角色 roles/{role_id} 不存在 (not found)")
            if row.built_in:
                raise FailedPrecondition(
                    "内置角色不能删除 (built-in roles cannot be deleted)", reason="BUILT_IN_ROLE"
                )
            holders = (
                await session.execute(select(func.count()).where(UserRoleRow.role_id == role_id))
            ).scalar_one()
            if holders:
                raise FailedPrecondition(
                    f"仍有 {holders} 名用户持有该角色 ({holders} users hold the role)", reason="ROLE_IN_USE"
                )
            await session.delete(row)
            self.audit.change(
                session,
                actor=actor(),
                action="roles.delete",
                resource=f"roles/{role_id}",
                before=role_values(row),
            )

    @staticmethod
    def _check_role(v: Validator, draft: RoleDraft, mask: set[str]) -> None:
        if "display_name" in mask:
            v.require(draft.display_name.strip(), "role.display_name")
        if "permissions" in mask:
            for index, name in enumerate(draft.permissions):
                p = permissions.PERMISSIONS.get(name)
                if p is None:
                    v.add(
                        f"role.permissions[{index}]",
                        f"未知权限 {name} (unknown permission; see ListPermissions)",
                    )
                elif p.service_only:
                    v.add(
                        f"role.permissions[{index}]",
                        f"{name} 仅限服务账户 (only service accounts may hold it)",
                    )
        if "data_scope" in mask:
            v.check(draft.data_scope in permissions.SCOPES, "role.data_scope", "请选择数据范围 (required)")

    async def sync_built_in_roles(self) -> None:
        """Make the built-in roles (except the service bundle) equal to the kit's catalogue (at every start)."""
        now = self.clock.now()
        async with self.db.transaction() as session:
            for role in permissions.ROLES.values():
                if role.name == permissions.SERVICE:
                    continue
                role_id = role.name.removeprefix("roles/")
                row = await session.get(RoleRow, role_id)
                wanted = sorted(role.permissions)
                if row is None:
                    session.add(
                        RoleRow(
                            id=role_id,
                            display_name=role.zh,
                            permissions=wanted,
                            data_scope=role.data_scope,
                            built_in=True,
                            version=1,
                            create_time=now,
                            update_time=now,
                        )
                    )
                elif (row.display_name, list(row.permissions), row.data_scope, row.built_in) != (
                    role.zh,
                    wanted,
                    role.data_scope,
                    True,
                ):
                    row.display_name, row.permissions, row.data_scope, row.built_in = (
                        role.zh,
                        wanted,
                        role.data_scope,
                        True,
                    )
                    row.version += 1
                    row.update_time = now

    # ---- import from the core-banking system

    async def import_org_unit(
        self, session: AsyncSession, org_id: str, *, display_name: str, type_: str, parent: str, region: str
    ) -> None:
        """One org unit as the core has it (the caller's transaction: a consumer's)."""
        now = self.clock.now()
        row = await session.get(OrgUnitRow, org_id)
        if row is None:
            row = OrgUnitRow(
                id=org_id,
                display_name=display_name,
                type=type_ or "BRANCH",
                parent_id=parent or None,
                region=region,
                origin=CORE_BANKING,
                keep_kam_changes=False,
                version=1,
                create_time=now,
                update_time=now,
            )
            session.add(row)
            await session.flush()
            self.events.record(
                session,
                events_pb2.OrgUnitCreated(org_unit=org_unit_to_proto(row)),
                resource=f"orgUnits/{org_id}",
            )
            return
        if row.keep_kam_changes:
            return
        wanted = {
            "display_name": display_name,
            "type": type_ or row.type,
            "parent_id": parent or None,
            "region": region,
        }
        changed = [name for name, value in wanted.items() if getattr(row, name) != value]
        if changed:
            session.info[_ORG_BEFORE] = org_values(row)
            for name in changed:
                setattr(row, name, wanted[name])
            row.origin = CORE_BANKING
            self._org_changed(session, row, [{"parent_id": "parent"}.get(n, n) for n in changed])

    async def import_staff(
        self,
        session: AsyncSession,
        staff_code: str,
        *,
        display_name: str,
        org_unit: str,
        active: bool,
        phone: str = "",
    ) -> None:
        """One member of staff as the core has it: a user to activate, linked by staff code (relationship
        managers get the relationship-manager role, which an administrator may change)."""
        now = self.clock.now()
        row = (
            await session.execute(select(UserRow).where(UserRow.staff_code == staff_code))
        ).scalar_one_or_none()
        if row is None:
            if not active:
                return
            user_id = _free_user_id(staff_code)
            if await session.get(UserRow, user_id) is not None:
                user_id = f"{user_id}-core"
            row = UserRow(
                id=user_id,
                username=user_id,
                display_name=display_name,
                org_unit_id=org_unit,
                manager_id=None,
                staff_code=staff_code,
                email="",
                phone=phone,
                state="PENDING_ACTIVATION",
                data_scope="",
                password_hash=None,
                password_change_required=True,
                failed_attempts=0,
                origin=CORE_BANKING,
                keep_kam_changes=False,
                version=1,
                create_time=now,
                update_time=now,
            )
            session.add(row)
            session.add(
                UserRoleRow(user_id=user_id, role_id=permissions.RELATIONSHIP_MANAGER.removeprefix("roles/"))
            )
            await session.flush()
            self.events.record(
                session,
                events_pb2.UserCreated(user=user_to_proto(row, await roles_of(session, user_id))),
                resource=f"users/{user_id}",
            )
            self.audit.change(
                session,
                actor=None,
                action="users.import",
                resource=f"users/{user_id}",
                after=user_values(row, await roles_of(session, user_id)),
            )
            return
        if row.keep_kam_changes:
            return
        wanted = {"display_name": display_name, "org_unit_id": org_unit}
        if not active and row.state != "DISABLED":
            wanted["state"] = "DISABLED"
        changed = [name for name, value in wanted.items() if getattr(row, name) != value]
        if not changed:
            return
        before = user_values(row, await roles_of(session, row.id))
        for name in changed:
            setattr(row, name, wanted[name])
        if "state" in changed:
            await self.sign_in.revoke_all(session, row.id, "LEFT_THE_BANK")
        row.version += 1
        row.update_time = now
        await session.flush()
        message = events_pb2.UserUpdated(user=user_to_proto(row, await roles_of(session, row.id)))
        message.update_mask.paths.extend({"org_unit_id": "org_unit"}.get(n, n) for n in changed)
        self.events.record(session, message, resource=f"users/{row.id}")
        self.audit.change(
            session,
            actor=None,
            action="users.import",
            resource=f"users/{row.id}",
            before=before,
            after=user_values(row, await roles_of(session, row.id)),
        )


def _free_user_id(staff_code: str) -> str:
    """A user name for an imported member of staff: their staff code, lower-cased, as a user name."""
    cleaned = re.sub(r"[^a-z0-9._-]", "-", staff_code.lower())
    return cleaned if len(cleaned) >= 3 else f"staff-{cleaned}"


def _org_type_filter(value: str) -> str:
    name = value.removeprefix("TYPE_")
    if name not in ORG_TYPES:
        raise ValueError(f"未知机构类型 {value} (one of {', '.join('TYPE_' + t for t in ORG_TYPES)})")
    return name
