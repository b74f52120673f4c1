"""Corporate groups managed in KAM (集团客户): which corporates the bank treats as one group, with a parent
company, subsidiaries and affiliates, and a relationship manager for the whole group.

The shareholdings copied from the source (``group_links``, served by GetCorporateStructure) are facts; a KAM
group is the bank's decision (it may include affiliates linked by control or guarantees that hold no shares).
The two meet in one place: a subsidiary added without a shareholding gets the source's figure for that
parent → subsidiary link.

Rules: members are corporates the caller can see; each customer belongs to at most one group; at most one
``PARENT`` (without ``parent_customer``); every other member names its parent (another member), and every chain
of parents ends at the ``PARENT``. Writes need the ``customer_groups.manage`` permission (checked by the
interceptor) and touch only groups the caller can see; a group is visible to callers who can see one of its
members or who are its relationship manager.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from kam.customer.v1 import events_pb2
from kam_kit import etags, outbox
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database, earlier_request
from kam_kit.errors import InvalidArgument, NotFound, PermissionDenied, Validator
from kam_kit.scope import EVERYTHING, DataScope
from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from kam_customer.adapters.orm import CustomerGroupMemberRow, CustomerGroupRow, CustomerRow, GroupLinkRow
from kam_customer.adapters.protomap import group_to_proto
from kam_customer.adapters.scope import customer_condition, member_names, scope_for
from kam_customer.adapters.trail import trail, values
from kam_customer.context import SERVICE
from kam_customer.domain import customers as domain
from kam_customer.domain import names

PARENT, SUBSIDIARY, AFFILIATE = "PARENT", "SUBSIDIARY", "AFFILIATE"
WRITABLE = ("display_name", "members", "relationship_manager")
MAX_MEMBERS = 500
_STAFF_NAME = re.compile(r"^(users|staff)/[A-Za-z0-9._-]{1,100}$")


@dataclass
class MemberDraft:
    customer: str  # customers/{customer}
    role: str  # PARENT | SUBSIDIARY | AFFILIATE | "" (unspecified)
    parent_customer: str = ""
    shareholding_percent: str = ""


@dataclass
class GroupDraft:
    display_name: str = ""
    relationship_manager: str = ""
    members: list[MemberDraft] = field(default_factory=list)


@dataclass
class GroupView:
    row: CustomerGroupRow
    members: list[CustomerGroupMemberRow]
    display_names: dict[str, str]
    #: Members outside the reader's data scope (shown by name only, ``restricted``).
    restricted: frozenset[str] = frozenset()

    def to_proto(self):
        return group_to_proto(self.row, self.members, self.display_names, self.restricted)


def group_id_from_name(name: str, field_path: str = "name") -> str:
    (group_id,) = names.parse(name, ("customerGroups",), field_path)
    return group_id


def _validate_fields(draft: GroupDraft, paths: tuple[str, ...], v: Validator) -> None:
    if "display_name" in paths and v.require(
        draft.display_name, "customer_group.display_name", "集团名称不能为空 (must not be empty)"
    ):
        v.check(len(draft.display_name) <= 200, "customer_group.display_name", "最长200个字符 (at most 200)")
    if "relationship_manager" in paths and draft.relationship_manager:
        v.check(
            bool(_STAFF_NAME.match(draft.relationship_manager)),
            "customer_group.relationship_manager",
            "应为 users/{user} 或 staff/{staff} (must be users/{user} or staff/{staff})",
        )


def _shareholding(raw: str, path: str, v: Validator) -> Decimal | None:
    if not raw.strip():
        return None
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        value = Decimal(-1)
    if not (value.is_finite() and 0 < value <= 100):
        v.add(path, "应为 0 到 100 之间的百分比，如 51.00 (a percentage in (0, 100], e.g. 51.00)")
        return None
    return value.quantize(Decimal("0.0001"))


class GroupService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.events = outbox.Recorder(SERVICE, clock)
        self.audit = trail(clock)

    # --- reads -------------------------------------------------------------------------------------------------

    @staticmethod
    def _visible_condition(scope: DataScope) -> ColumnElement[bool] | None:
        restrict = customer_condition(scope)
        if restrict is None:
            return None
        members_in_scope = (
            select(CustomerGroupMemberRow.group_id)
            .join(CustomerRow, CustomerRow.id == CustomerGroupMemberRow.customer_id)
            .where(restrict)
        )
        return or_(
            CustomerGroupRow.relationship_manager.in_(sorted(scope.managers)),
            CustomerGroupRow.id.in_(members_in_scope),
        )

    async def _group(self, session: AsyncSession, scope: DataScope, group_id: str) -> CustomerGroupRow:
        query = select(CustomerGroupRow).where(CustomerGroupRow.id == group_id)
        condition = self._visible_condition(scope)
        row = await session.scalar(query if condition is None else query.where(condition))
        if row is None:
            name = f"customerGroups/{group_id}"
            raise NotFound(f"集团 {name} 不存在 (not found)", metadata={"name": name})
        return row

    @staticmethod
    async def _views(
        session: AsyncSession, rows: list[CustomerGroupRow], scope: DataScope = EVERYTHING
    ) -> list[GroupView]:
        ids = [row.id for row in rows]
        members = (
            await session.scalars(
                select(CustomerGroupMemberRow)
                .where(CustomerGroupMemberRow.group_id.in_(ids))
                .order_by(CustomerGroupMemberRow.position)
            )
        ).all()
        names, restricted = await member_names(session, {m.customer_id for m in members}, scope)
        return [
            GroupView(row, [m for m in members if m.group_id == row.id], names, restricted) for row in rows
        ]

    async def _whole_group(self, session: AsyncSession, scope: DataScope, row: CustomerGroupRow) -> None:
        """Writes need every member in the caller's scope: a group that reaches into other branches is changed by
        someone who sees all of it (a member list is replaced as a whole, which would drop the unseen ones)."""
        if (await self._views(session, [row], scope))[0].restricted:
            raise PermissionDenied(
                "集团有成员不在您的数据范围内，只能由能看到全部成员的人员修改 (the group has members "
                "outside your data scope)",
                reason="GROUP_PARTLY_OUT_OF_SCOPE",
                metadata={"name": f"customerGroups/{row.id}"},
            )

    async def get(self, identity: Identity | None, name: str) -> GroupView:
        group_id = group_id_from_name(name)
        async with self.db.read() as session:
            scope = await scope_for(session, identity)
            row = await self._group(session, scope, group_id)
            return (await self._views(session, [row], scope))[0]

    async def list(
        self, identity: Identity | None, *, filters: dict[str, str], offset: int, limit: int
    ) -> tuple[list[GroupView], int]:
        conditions: list[ColumnElement[bool]] = []
        if "display_name" in filters:
            value = filters["display_name"]
            if value.endswith("*"):  # AIP-160 wildcard: a prefix
                prefix = value[:-1].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                conditions.append(CustomerGroupRow.display_name.like(prefix + "%", escape="\\"))
            else:
                conditions.append(CustomerGroupRow.display_name == value)
        if "relationship_manager" in filters:
            conditions.append(CustomerGroupRow.relationship_manager == filters["relationship_manager"])
        if "members.customer" in filters:
            conditions.append(
                CustomerGroupRow.id.in_(
                    select(CustomerGroupMemberRow.group_id).where(
                        CustomerGroupMemberRow.customer_id == filters["members.customer"]
                    )
                )
            )
        async with self.db.read() as session:
            scope = await scope_for(session, identity)
            restrict = self._visible_condition(scope)
            if restrict is not None:
                conditions.append(restrict)
            rows = (
                await session.scalars(
                    select(CustomerGroupRow)
                    .where(*conditions)
                    .order_by(CustomerGroupRow.create_time, CustomerGroupRow.id)
                    .offset(offset)
                    .limit(limit)
                )
            ).all()
            total = await session.scalar(
                select(func.count()).select_from(CustomerGroupRow).where(*conditions)
            )
            return await self._views(session, list(rows), scope), int(total or 0)

    # --- writes ------------------------------------------------------------------------------------------------

    async def create(
        self, identity: Identity | None, draft: GroupDraft, *, request_id: str = ""
    ) -> GroupView:
        v = Validator()
        _validate_fields(draft, WRITABLE, v)
        async with self.db.transaction() as session:
            existing = await earlier_request(session, CustomerGroupRow, request_id)
            if existing is not None:  # the first request's group, as the caller may see it
                scope = await scope_for(session, identity)
                first = await self._group(session, scope, existing.id)
                return (await self._views(session, [first], scope))[0]
            group_id = uuid.uuid4().hex
            members = await self._members(session, identity, group_id, draft.members, v)
            v.raise_if_any()
            now = self.clock.now()
            row = CustomerGroupRow(
                id=group_id,
                display_name=draft.display_name.strip(),
                relationship_manager=draft.relationship_manager,
                creator=_subject(identity),
                request_id=request_id or None,
                version=1,
                create_time=now,
                update_time=now,
            )
            session.add(row)
            session.add_all(members)
            await session.flush()
            view = (await self._views(session, [row]))[0]
            self.events.record(
                session,
                events_pb2.CustomerGroupCreated(customer_group=view.to_proto()),
                resource=f"customerGroups/{row.id}",
            )
            self.audit.change(
                session,
                actor=identity,
                action="customerGroups.create",
                resource=f"customerGroups/{row.id}",
                after=_group_values(row, members),
            )
        return view

    async def update(
        self, identity: Identity | None, name: str, draft: GroupDraft, *, etag: str, paths: list[str]
    ) -> GroupView:
        group_id = group_id_from_name(name, "customer_group.name")
        v = Validator()
        for path in paths:
            v.check(path in WRITABLE, "update_mask", f"字段 {path} 不可修改 (field {path} cannot be updated)")
        v.raise_if_any()
        _validate_fields(draft, tuple(paths), v)
        async with self.db.transaction() as session:
            scope = await scope_for(session, identity)
            row = await self._group(session, scope, group_id)
            await self._whole_group(session, scope, row)
            etags.check(etag, row.version, "集团")
            if not paths:  # nothing to change (AIP-134: no mask and no populated field)
                return (await self._views(session, [row]))[0]
            members = (
                await self._members(session, identity, group_id, draft.members, v)
                if "members" in paths
                else []
            )
            v.raise_if_any()
            before = _group_values(row, await _member_rows(session, group_id))
            if "members" in paths:
                await session.execute(
                    delete(CustomerGroupMemberRow).where(CustomerGroupMemberRow.group_id == group_id)
                )
                await session.flush()
                session.add_all(members)
            if "display_name" in paths:
                row.display_name = draft.display_name.strip()
            if "relationship_manager" in paths:
                row.relationship_manager = draft.relationship_manager
            row.version += 1
            row.update_time = self.clock.now()
            await session.flush()
            view = (await self._views(session, [row]))[0]
            event = events_pb2.CustomerGroupUpdated(customer_group=view.to_proto())
            event.update_mask.paths.extend(paths)
            self.events.record(session, event, resource=f"customerGroups/{row.id}")
            self.audit.change(
                session,
                actor=identity,
                action="customerGroups.update",
                resource=f"customerGroups/{row.id}",
                before=before,
                after=_group_values(row, await _member_rows(session, group_id)),
            )
        return view

    async def delete(self, identity: Identity | None, name: str, *, etag: str) -> None:
        group_id = group_id_from_name(name)
        async with self.db.transaction() as session:
            scope = await scope_for(session, identity)
            row = await self._group(session, scope, group_id)
            await self._whole_group(session, scope, row)
            etags.check(etag, row.version, "集团")
            before = _group_values(row, await _member_rows(session, group_id))
            await session.execute(
                delete(CustomerGroupMemberRow).where(CustomerGroupMemberRow.group_id == group_id)
            )
            await session.delete(row)
            self.audit.change(
                session,
                actor=identity,
                action="customerGroups.delete",
                resource=f"customerGroups/{group_id}",
                before=before,
            )
            self.events.record(
                session,
                events_pb2.CustomerGroupDeleted(customer_group=f"customerGroups/{group_id}"),
                resource=f"customerGroups/{group_id}",
            )

    async def _members(
        self,
        session: AsyncSession,
        identity: Identity | None,
        group_id: str,
        drafts: list[MemberDraft],
        v: Validator,
    ) -> list[CustomerGroupMemberRow]:
        """Validated member rows (violations are added to ``v``; the caller raises)."""
        prefix = "customer_group.members"
        if not v.check(
            len(drafts) <= MAX_MEMBERS, prefix, f"最多{MAX_MEMBERS}个成员 (at most {MAX_MEMBERS})"
        ):
            return []
        ids: list[str | None] = []
        for index, member in enumerate(drafts):
            try:
                (customer_id,) = names.parse(member.customer, ("customers",), f"{prefix}[{index}].customer")
            except InvalidArgument as error:
                v.violations.extend(error.violations)
                customer_id = None
            if customer_id is not None and customer_id in ids:
                v.add(f"{prefix}[{index}].customer", "成员重复 (each customer appears at most once)")
            ids.append(customer_id)
        known = [i for i in ids if i]
        scope = await scope_for(session, identity)
        customers = {
            row.id: row
            for row in (await session.scalars(select(CustomerRow).where(CustomerRow.id.in_(known)))).all()
            if scope.allows(row)
        }
        taken = dict(
            (
                await session.execute(
                    select(CustomerGroupMemberRow.customer_id, CustomerGroupMemberRow.group_id).where(
                        CustomerGroupMemberRow.customer_id.in_(known),
                        CustomerGroupMemberRow.group_id != group_id,
                    )
                )
            ).all()
        )
        parents = {
            ids[i]: d.parent_customer.removeprefix("customers/")
            for i, d in enumerate(drafts)
            if ids[i] and d.parent_customer
        }
        links = (
            {
                (link.parent_id, link.child_id): link.shareholding_percent
                for link in (
                    await session.scalars(
                        select(GroupLinkRow).where(GroupLinkRow.child_id.in_(list(parents)))
                    )
                ).all()
            }
            if parents
            else {}
        )
        roots = [i for i, d in enumerate(drafts) if d.role == PARENT]
        if len(roots) > 1:
            v.add(f"{prefix}[{roots[1]}].role", "一个集团只能有一个母公司 (at most one ROLE_PARENT)")
        elif drafts and not roots:
            v.add(prefix, "需要一个母公司成员 (ROLE_PARENT) (a group with members needs its parent company)")
        rows = []
        for index, (member, customer_id) in enumerate(zip(drafts, ids, strict=True)):
            path = f"{prefix}[{index}]"
            customer = customers.get(customer_id or "")
            if customer_id and customer is None:
                v.add(f"{path}.customer", f"客户 {member.customer} 不存在 (not found)")
            elif customer is not None and customer.type != domain.CORPORATE:
                v.add(f"{path}.customer", "集团成员应为对公客户 (members must be corporate customers)")
            elif customer_id in taken:
                v.add(
                    f"{path}.customer",
                    f"已属于集团 customerGroups/{taken[customer_id]} (already a member of another group)",
                )
            parent_id = parents.get(customer_id or "", "")
            if not member.role:
                v.add(f"{path}.role", "请指定成员角色 (role required)")
            else:
                problem = _parent_problem(member, customer_id or "", parents, ids, {ids[i] for i in roots})
                v.check(problem is None, f"{path}.parent_customer", problem or "")
            share = _shareholding(member.shareholding_percent, f"{path}.shareholding_percent", v)
            if share is None and member.role == SUBSIDIARY and not member.shareholding_percent.strip():
                share = links.get(
                    (parent_id, customer_id or "")
                )  # the source's figure, when it knows the link
            if customer_id:
                rows.append(
                    CustomerGroupMemberRow(
                        customer_id=customer_id,
                        group_id=group_id,
                        position=index,
                        role=member.role,
                        parent_customer_id=parent_id,
                        shareholding_percent=share,
                    )
                )
        return rows


def _parent_problem(
    member: MemberDraft,
    customer_id: str,
    parents: dict[str, str],
    ids: list[str | None],
    roots: set[str | None],
) -> str | None:
    """What is wrong with a member's ``parent_customer`` given its role, if anything."""
    if member.role == PARENT:
        return (
            "母公司不能有上级成员 (the parent company has no parent_customer)"
            if member.parent_customer
            else None
        )
    if not member.parent_customer:
        return "请指定所属的上级成员 (parent_customer required)"
    parent_id = parents.get(customer_id, "")
    if parent_id not in ids or parent_id == customer_id:
        return "应为本集团的另一个成员 (must be another member of the group)"
    if not _reaches_root(customer_id, parents, roots):
        return "上级关系形成循环 (the chain of parents forms a cycle)"
    return None


def _reaches_root(customer_id: str, parents: dict[str, str], roots: set[str | None]) -> bool:
    seen = {customer_id}
    current = customer_id
    while current in parents:
        current = parents[current]
        if current in roots:
            return True
        if current in seen:
            return False
        seen.add(current)
    return current in roots


async def _member_rows(session: AsyncSession, group_id: str) -> list[CustomerGroupMemberRow]:
    return list(
        (
            await session.scalars(
                select(CustomerGroupMemberRow)
                .where(CustomerGroupMemberRow.group_id == group_id)
                .order_by(CustomerGroupMemberRow.position)
            )
        ).all()
    )


def _group_values(row: CustomerGroupRow, members: list[CustomerGroupMemberRow]) -> dict:
    """A group and its members (in order) as the before/after of its audit record."""
    return {**values(row), "members": [values(member, exclude=("group_id",)) for member in members]}


def _subject(identity: Identity | None) -> str:
    return identity.subject if identity is not None else ""
