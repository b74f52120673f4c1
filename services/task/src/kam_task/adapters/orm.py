"""The task service's tables: tasks with their assignments, comments and history, and its copies of the identity
service's users and org tree (assignees and data scope resolve against them, never by a call per person)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from kam_kit.db import service_base
from kam_kit.directory import UserCopyColumns
from kam_kit.orgtree import IdentityOrgUnitColumns, OrgUnitCopyColumns
from sqlalchemy import Boolean, Date, DateTime, Index, Integer, LargeBinary, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

Base = service_base()


class TaskRow(Base):
    """A task (任务). ``state`` is the proto's state name (``STATE_OPEN`` …); ``org_unit`` the assignee's unit when
    it was assigned (data scope); the completion and the latest review are kept inline."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_assignee_state_due", "assignee", "state", "due_time"),
        Index("ix_tasks_assigner_state", "assigner", "state"),
        Index("ix_tasks_org_unit_due", "org_unit", "due_time"),
        Index("ix_tasks_assignment", "assignment"),
        Index("ix_tasks_parent_task", "parent_task"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    priority: Mapped[str] = mapped_column(String(24))
    state: Mapped[str] = mapped_column(String(24))
    assigner: Mapped[str] = mapped_column(String(128))
    assigner_display_name: Mapped[str] = mapped_column(String(200), default="")
    assignee: Mapped[str] = mapped_column(String(128))
    assignee_display_name: Mapped[str] = mapped_column(String(200), default="")
    org_unit: Mapped[str] = mapped_column(String(128), default="")
    due_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    customer: Mapped[str] = mapped_column(String(128), default="", index=True)
    #: further customers it concerns, space-separated names (``customer`` is the main one)
    related_customers: Mapped[str] = mapped_column(Text, default="")
    campaign: Mapped[str] = mapped_column(String(128), default="", index=True)
    parent_task: Mapped[str] = mapped_column(String(64), default="")
    assignment: Mapped[str] = mapped_column(String(32), default="")
    origin: Mapped[str] = mapped_column(String(128), default="")
    handling: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    complete_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    interaction_type: Mapped[int] = mapped_column(Integer, default=0)
    review_accepted: Mapped[int | None] = mapped_column(Integer, nullable=True)
    review_comment: Mapped[str] = mapped_column(String(2000), default="")
    reviewer: Mapped[str] = mapped_column(String(128), default="")
    review_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    cancel_reason: Mapped[str] = mapped_column(String(2000), default="")
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    start_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    close_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)


class TaskAssignmentRow(Base):
    """One assignment of the same task to several people (BatchCreateTasks): its request id makes a retry answer
    the tasks the first request made."""

    __tablename__ = "task_assignments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    assigner: Mapped[str] = mapped_column(String(128))
    task_count: Mapped[int] = mapped_column(Integer)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)


class TaskCommentRow(Base):
    """A comment on a task (任务留言)."""

    __tablename__ = "task_comments"
    __table_args__ = (Index("ix_task_comments_task_id", "task_id", "seq"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    task_id: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(128))
    author_display_name: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(String(2000))
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TaskHistoryRow(Base):
    """One change in a task's history (任务轨迹), written in the transaction that makes the change. ``changes`` is
    a JSON list of ``[field, before, after]``."""

    __tablename__ = "task_history"
    __table_args__ = (Index("ix_task_history_task_id", "task_id", "seq"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    task_id: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(128), default="")
    actor_display_name: Mapped[str] = mapped_column(String(200), default="")
    time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changes: Mapped[str] = mapped_column(Text, default="[]")
    note: Mapped[str] = mapped_column(String(2000), default="")


class UserCopy(UserCopyColumns, Base):
    """The identity service's users (kam_kit.directory): assignees, their org units and display names, and a
    branch's relationship managers."""

    __tablename__ = "users"


class OrgUnitCopy(OrgUnitCopyColumns, IdentityOrgUnitColumns, Base):
    """The org tree (kam_kit.orgtree): who is below whom, and the callers' data scope."""

    __tablename__ = "org_units"


class CustomerCopy(Base):
    """The task service's copy of each key customer (from customer events): whose they are (data scope, the
    relationship manager a target or a playbook's task goes to), their tier, type and assets — what campaign
    segments, recurring work and playbooks select on, without calling the customer service."""

    __tablename__ = "customer_copies"
    __table_args__ = (
        Index("ix_customer_copies_branch", "branch"),
        Index("ix_customer_copies_relationship_manager", "relationship_manager"),
        Index("ix_customer_copies_tier", "tier"),
    )

    customer: Mapped[str] = mapped_column(String(128), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    type: Mapped[str] = mapped_column(String(16), default="")
    tier: Mapped[str] = mapped_column(String(64), default="")
    branch: Mapped[str] = mapped_column(String(128), default="")
    relationship_manager: Mapped[str] = mapped_column(String(128), default="")
    aum: Mapped[Decimal] = mapped_column(Numeric(20, 2), default=Decimal(0))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AccountCopy(Base):
    """The accounts of the copied customers (from ``AccountOpened`` / ``AccountUpdated``): the products each holds
    (``type``: the account type's name without ``TYPE_``), and what a campaign attributes to its targets."""

    __tablename__ = "account_copies"
    __table_args__ = (Index("ix_account_copies_customer", "customer", "type"),)

    account: Mapped[str] = mapped_column(String(200), primary_key=True)
    customer: Mapped[str] = mapped_column(String(128))
    type: Mapped[str] = mapped_column(String(24))
    product: Mapped[str] = mapped_column(String(64), default="")
    open: Mapped[bool] = mapped_column(Boolean, default=True)
    open_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    balance: Mapped[Decimal] = mapped_column(Numeric(20, 2), default=Decimal(0))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CampaignRow(Base):
    """A campaign (营销计划). ``segment`` and ``quotas`` are the proto's messages as JSON; ``state`` the proto's state
    name; amounts in yuan."""

    __tablename__ = "campaigns"
    __table_args__ = (Index("ix_campaigns_state_start", "state", "start_date"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    script: Mapped[str] = mapped_column(Text, default="")
    products: Mapped[str] = mapped_column(String(1000), default="")
    product_type: Mapped[str] = mapped_column(String(24))
    measure: Mapped[str] = mapped_column(String(32))
    target_amount: Mapped[Decimal] = mapped_column(Numeric(20, 2), default=Decimal(0))
    target_count: Mapped[int] = mapped_column(Integer, default=0)
    org_units: Mapped[str] = mapped_column(Text)
    segment: Mapped[str] = mapped_column(Text, default="{}")
    holdout_percent: Mapped[int] = mapped_column(Integer, default=0)
    quotas: Mapped[str] = mapped_column(Text, default="[]")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(24))
    creator: Mapped[str] = mapped_column(String(128))
    creator_display_name: Mapped[str] = mapped_column(String(200), default="")
    creator_org_unit: Mapped[str] = mapped_column(String(128), default="")
    target_customer_count: Mapped[int] = mapped_column(Integer, default=0)
    holdout_customer_count: Mapped[int] = mapped_column(Integer, default=0)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    version: Mapped[int] = mapped_column(Integer, default=1)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    launch_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)


class CampaignTargetRow(Base):
    """A customer on a launched campaign's target list: fixed at launch, then moved along the funnel by activities
    and by accounts the bank's data attributes. ``unit`` is the executing unit whose share the customer is in."""

    __tablename__ = "campaign_targets"
    __table_args__ = (
        Index("ix_campaign_targets_rm", "campaign_id", "relationship_manager"),
        Index("ix_campaign_targets_unit", "campaign_id", "unit"),
        Index("ix_campaign_targets_customer", "customer"),
    )

    campaign_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    customer: Mapped[str] = mapped_column(String(128), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    tier: Mapped[str] = mapped_column(String(64), default="")
    branch: Mapped[str] = mapped_column(String(128), default="")
    unit: Mapped[str] = mapped_column(String(128), default="")
    customer_manager: Mapped[str] = mapped_column(String(128), default="")
    relationship_manager: Mapped[str] = mapped_column(String(128), default="")
    aum: Mapped[Decimal] = mapped_column(Numeric(20, 2), default=Decimal(0))
    holdout: Mapped[bool] = mapped_column(Boolean, default=False)
    stage: Mapped[int] = mapped_column(Integer, default=1)
    converted_amount: Mapped[Decimal] = mapped_column(Numeric(20, 2), default=Decimal(0))
    attributed_count: Mapped[int] = mapped_column(Integer, default=0)
    attributed_amount: Mapped[Decimal] = mapped_column(Numeric(20, 2), default=Decimal(0))
    last_activity_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class CampaignActivityRow(Base):
    """A marketing activity (营销详细信息): a contact with a target customer and its outcome."""

    __tablename__ = "campaign_activities"
    __table_args__ = (Index("ix_campaign_activities_campaign", "campaign_id", "create_time"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(String(32))
    customer: Mapped[str] = mapped_column(String(128))
    staff: Mapped[str] = mapped_column(String(128))
    staff_display_name: Mapped[str] = mapped_column(String(200), default="")
    org_unit: Mapped[str] = mapped_column(String(128), default="")
    channel: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[int] = mapped_column(Integer)
    product: Mapped[str] = mapped_column(String(64), default="")
    amount: Mapped[Decimal] = mapped_column(Numeric(20, 2), default=Decimal(0))
    notes: Mapped[str] = mapped_column(String(2000), default="")
    occur_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)


class CampaignAttributionRow(Base):
    """What the bank's own data attributes to a campaign, one row per campaign and account however often the
    account's events come: an account of its product opened inside its period by a target (``kind`` ``opened``,
    ``amount`` its balance), or the growth of a target's account of the product held before the start (``kind``
    ``increase``, ``amount`` its balance now less its balance at launch, never below 0; ``open_date`` the day
    last seen)."""

    __tablename__ = "campaign_attributions"

    campaign_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account: Mapped[str] = mapped_column(String(200), primary_key=True)
    customer: Mapped[str] = mapped_column(String(128))
    amount: Mapped[Decimal] = mapped_column(Numeric(20, 2), default=Decimal(0))
    open_date: Mapped[date] = mapped_column(Date)
    holdout: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(16), default="opened")


class CampaignBaselineRow(Base):
    """A target's account of the campaign's product held before its start, with its balance at launch: what a
    balance increase is measured from."""

    __tablename__ = "campaign_baselines"

    campaign_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account: Mapped[str] = mapped_column(String(200), primary_key=True)
    customer: Mapped[str] = mapped_column(String(128))
    balance: Mapped[Decimal] = mapped_column(Numeric(20, 2))


class CampaignRevisionRow(Base):
    """A change to a campaign after launch: its revision number, who, when, the fields before and after (JSON)."""

    __tablename__ = "campaign_revisions"

    campaign_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    editor: Mapped[str] = mapped_column(String(128))
    time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changes: Mapped[str] = mapped_column(Text)


class RecurringTaskRow(Base):
    """Recurring work (周期任务). ``definition`` is the proto's user-set fields as JSON (template, schedule, whom);
    the sweeper selects on ``enabled`` and ``next_run_time``; reads are scoped by ``creator_org_unit``."""

    __tablename__ = "recurring_tasks"
    __table_args__ = (
        Index("ix_recurring_tasks_due", "enabled", "next_run_time"),
        Index("ix_recurring_tasks_creator_org_unit", "creator_org_unit"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    definition: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    next_run_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_run_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_run_task_count: Mapped[int] = mapped_column(Integer, default=0)
    last_run_unassigned_count: Mapped[int] = mapped_column(Integer, default=0)
    creator: Mapped[str] = mapped_column(String(128))
    creator_display_name: Mapped[str] = mapped_column(String(200), default="")
    creator_org_unit: Mapped[str] = mapped_column(String(128), default="")
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)


class RecurringTaskRunRow(Base):
    """One occurrence of recurring work, written in the transaction that makes its tasks: its key (recurring task
    + occurrence time) is what makes an occurrence's tasks once, however often the sweeper runs."""

    __tablename__ = "recurring_task_runs"

    recurring_task_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    occurrence_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    run_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    task_count: Mapped[int] = mapped_column(Integer, default=0)
    unassigned_count: Mapped[int] = mapped_column(Integer, default=0)


class PlaybookRow(Base):
    """A playbook (任务模板). ``definition`` is the proto's user-set fields as JSON (conditions, steps); customer
    events select on ``trigger`` (the proto's trigger name) and ``enabled``."""

    __tablename__ = "playbooks"
    __table_args__ = (
        Index("ix_playbooks_trigger", "trigger", "enabled"),
        Index("ix_playbooks_creator_org_unit", "creator_org_unit"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    definition: Mapped[str] = mapped_column(Text)
    trigger: Mapped[str] = mapped_column(String(32))
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    trigger_count: Mapped[int] = mapped_column(Integer, default=0)
    last_trigger_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    creator: Mapped[str] = mapped_column(String(128))
    creator_display_name: Mapped[str] = mapped_column(String(200), default="")
    creator_org_unit: Mapped[str] = mapped_column(String(128), default="")
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)


class PlaybookRunRow(Base):
    """A playbook fired for a customer, written in the transaction that makes its tasks: its key (playbook +
    customer + the trigger's identity, e.g. ``tier:tiers/diamond:2026-12-07``) makes each trigger's tasks once,
    however often its event is delivered or repeated."""

    __tablename__ = "playbook_runs"

    playbook_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    customer: Mapped[str] = mapped_column(String(128), primary_key=True)
    trigger_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    trigger_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    run_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    task_count: Mapped[int] = mapped_column(Integer, default=0)


class TaskAttachmentRow(Base):
    """A file attached to a task (任务附件): its content in ``content``, read only to download it (a task's list
    selects the other columns)."""

    __tablename__ = "task_attachments"
    __table_args__ = (Index("ix_task_attachments_task", "task_id", "position"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    task_id: Mapped[str] = mapped_column(String(32))
    #: upload order within the task (1, 2, …; gaps where files were removed)
    position: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploader: Mapped[str] = mapped_column(String(128))
    uploader_display_name: Mapped[str] = mapped_column(String(200), default="")
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    content: Mapped[bytes] = mapped_column(LargeBinary)
