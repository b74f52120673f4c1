"""Permissions (权限), the built-in roles that grant them, and each role's data scope (数据范围).

Every KAM rpc declares who may call it in its proto (``option (kam.api.v1.authorization)``: a permission, a
signed-in caller, or public); the gRPC interceptor of every service enforces that declaration before the
handler runs (:mod:`kam_kit.authz`), and the service then applies the caller's data scope to the records it
reads or writes (out of scope → ``NOT_FOUND``).

A caller's permissions come from its token: an explicit ``perms`` claim when present (service tokens issued with
``--permission``; the identity service's users later), otherwise the union of what its built-in roles grant
(:data:`ROLES`). ``transactions.ingest`` is a *service-only* permission: a user token never holds it, whatever
its claims say — money movements come from the core-banking system, never from a person.

docs/api.md has the table of which method needs which permission and which role holds it.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- data scopes (the values of kam.identity.v1.DataScope, without the prefix) ------------------------------
#: Every record of the bank.
SCOPE_ALL = "ALL"
#: The records of the caller's org unit and its descendants, plus the customers they manage themselves.
SCOPE_ORG_UNIT_TREE = "ORG_UNIT_TREE"
#: Only the customers the caller manages (their relationship manager is the caller).
SCOPE_OWN = "OWN"
#: Widest first: a caller with several roles gets the widest of their scopes.
SCOPES = (SCOPE_ALL, SCOPE_ORG_UNIT_TREE, SCOPE_OWN)


@dataclass(frozen=True)
class Permission:
    name: str
    zh: str
    en: str
    #: Only service identities (internal systems) may hold it.
    service_only: bool = False


_CATALOGUE = (
    # customer service
    Permission(
        "customers.read",
        "查看客户（账户、交易、联系人、时间线、资信、集团结构、等级）",
        "read customers and their accounts, transactions, contacts, timeline, credit, structure and tier",
    ),
    Permission("customers.create", "新建客户", "create customers"),
    Permission("customers.update", "修改客户、维护联系人", "update customers and manage their contacts"),
    Permission("customers.delete", "删除客户", "delete customers entered in KAM"),
    Permission(
        "customers.pii.read", "查看未打码的个人信息（留痕审计）", "see personal data unmasked (audited)"
    ),
    Permission("interactions.create", "记录客户互动", "record interactions on a customer's timeline"),
    Permission("customer_groups.manage", "维护集团客户", "create, change and delete corporate groups"),
    Permission("tiers.read", "查看客户等级和定级规则", "read tiers and tier rule sets"),
    Permission(
        "tiers.manage",
        "维护客户等级和定级规则（含模拟、启用）",
        "change tiers and tier rule sets, simulate and activate them",
    ),
    Permission("tier_overrides.manage", "人工调整客户等级", "set and remove manual tiers"),
    Permission("scans.read", "查看扫描任务", "read scan jobs"),
    Permission("scans.run", "启动、取消扫描", "start and cancel scans"),
    Permission(
        "transactions.ingest",
        "推送核心系统交易（仅限服务账户）",
        "push core-banking transactions (service accounts only)",
        service_only=True,
    ),
    Permission("access_records.read", "查看个人信息访问记录", "read the personal-data access trail"),
    Permission(
        "audit.read", "查看、校验、导出全行审计追踪", "search, verify and export the whole audit trail"
    ),
    # alert service
    Permission("alert_rules.read", "查看预警规则", "read alert rules"),
    Permission("alert_rules.manage", "维护预警规则", "create, change and delete alert rules"),
    Permission("alerts.read", "查看预警", "read alerts"),
    Permission(
        "alerts.handle", "处理预警（确认、暂缓、停止、解决）", "acknowledge, snooze, stop and resolve alerts"
    ),
    Permission("alerts.monitoring.read", "查看全行监控概况", "read the bank-wide monitoring figures"),
    # task service
    Permission("tasks.read", "查看任务", "read tasks"),
    Permission("tasks.assign", "分派、修改、取消任务", "assign, change and cancel tasks"),
    Permission("tasks.work", "办理任务（开始、完成）", "start and complete one's tasks"),
    Permission("campaigns.read", "查看营销活动", "read campaigns"),
    Permission("campaigns.manage", "维护营销活动", "create, change, launch, complete and cancel campaigns"),
    Permission("campaign_activities.create", "记录营销明细", "record campaign activities"),
    # notice service
    Permission("announcements.read", "查看公告", "read announcements"),
    Permission("announcements.publish", "发布公告", "publish announcements"),
    Permission("announcements.manage", "管理全部公告", "manage everyone's announcements"),
    Permission(
        "notifications.read", "本人通知：查看、标为已读、通知设置", "one's own notifications and settings"
    ),
    Permission("notification_templates.read", "查看消息模板", "read message templates"),
    Permission("notification_templates.manage", "维护消息模板", "manage message templates"),
    Permission("customer_messages.send", "向客户发送消息", "send messages to customers"),
    Permission("customer_consents.manage", "维护客户通知授权", "read and change customers' consent"),
    Permission("deliveries.read", "查看消息投递", "read message deliveries"),
    Permission("deliveries.retry", "重试消息投递", "retry message deliveries"),
    # report service
    Permission("reports.read", "查看报表和概况", "read reports and headline figures"),
    Permission("reports.create", "生成、删除报表", "create and delete reports"),
    # identity (the gateway)
    Permission("users.read", "查看用户", "read users"),
    Permission("users.manage", "维护用户", "create, change, disable users and reset passwords"),
    Permission("org_units.read", "查看机构", "read org units"),
    Permission("org_units.manage", "维护机构", "create, change and delete org units"),
    Permission("roles.read", "查看角色", "read roles"),
    Permission("roles.manage", "维护角色", "create, change and delete roles"),
    Permission(
        "service_accounts.manage", "维护服务账户（内部系统）", "create, rotate and disable service accounts"
    ),
    Permission(
        "system.read",
        "查看系统状态（服务健康、积压、消费延迟）",
        "read the system's health: services, backlogs, consumer lag",
    ),
    Permission(
        "system.backup",
        "备份与恢复各服务数据库",
        "back up and restore the services' databases",
    ),
)

PERMISSIONS: dict[str, Permission] = {p.name: p for p in _CATALOGUE}
SERVICE_ONLY: frozenset[str] = frozenset(p.name for p in _CATALOGUE if p.service_only)


@dataclass(frozen=True)
class Role:
    name: str
    zh: str
    permissions: frozenset[str]
    data_scope: str


def _grants(*names: str) -> frozenset[str]:
    unknown = set(names) - PERMISSIONS.keys()
    if unknown:
        raise ValueError(f"unknown permissions: {sorted(unknown)}")
    return frozenset(names)


_EVERYONE = (
    "customers.read",
    "tiers.read",
    "alerts.read",
    "alert_rules.read",
    "announcements.read",
    "notifications.read",
    "reports.read",
    "users.read",
    "org_units.read",
    "roles.read",
)
_STAFF = (
    *_EVERYONE,
    "interactions.create",
    "alerts.handle",
    "tasks.read",
    "tasks.work",
    "campaigns.read",
    "announcements.publish",
    "notification_templates.read",
    "reports.create",
)
_ADMINISTRATION = (
    "users.manage",
    "org_units.manage",
    "roles.manage",
    "service_accounts.manage",
    "system.read",
    "system.backup",
)

ADMIN = "roles/admin"
HEAD_OFFICE_LEADER = "roles/head_office_leader"
BRANCH_MANAGER = "roles/branch_manager"
RELATIONSHIP_MANAGER = "roles/relationship_manager"
COMPLIANCE = "roles/compliance"
SERVICE = "roles/service"

_ROLES = (
    Role(ADMIN, "系统管理员", _grants(*(p.name for p in _CATALOGUE if not p.service_only)), SCOPE_ALL),
    Role(
        HEAD_OFFICE_LEADER,
        "总行领导",
        _grants(
            *_STAFF,
            "customers.delete",
            "customer_groups.manage",
            "tiers.manage",
            "scans.read",
            "scans.run",
            "alert_rules.manage",
            "alerts.monitoring.read",
            "tasks.assign",
            "campaigns.manage",
            "campaign_activities.create",
            "deliveries.read",
        ),
        SCOPE_ALL,
    ),
    Role(
        COMPLIANCE,
        "合规专员",
        _grants(
            *_EVERYONE,
            "customers.pii.read",
            "access_records.read",
            "audit.read",
            "tasks.read",
            "campaigns.read",
            "deliveries.read",
        ),
        SCOPE_ALL,
    ),
    Role(
        BRANCH_MANAGER,
        "分行行长",
        _grants(
            *_STAFF,
            "customers.create",
            "customers.update",
            "customers.delete",
            "customers.pii.read",
            "customer_groups.manage",
            "tier_overrides.manage",
            "tasks.assign",
            "campaigns.manage",
            "campaign_activities.create",
            "customer_messages.send",
            "customer_consents.manage",
            "deliveries.read",
        ),
        SCOPE_ORG_UNIT_TREE,
    ),
    Role(
        RELATIONSHIP_MANAGER,
        "客户经理",
        _grants(
            *_STAFF,
            "customers.create",
            "customers.update",
            "customers.pii.read",
            "campaign_activities.create",
            "customer_messages.send",
            "customer_consents.manage",
            "deliveries.read",
        ),
        SCOPE_OWN,
    ),
    # The default of a service token issued without ``--permission``: the data APIs, but neither ingestion
    # (grant ``transactions.ingest`` explicitly) nor the audit trail nor user administration.
    Role(
        SERVICE,
        "内部系统（服务账户）",
        _grants(
            *(
                p.name
                for p in _CATALOGUE
                if not p.service_only
                and p.name not in ("access_records.read", "audit.read", *_ADMINISTRATION)
            )
        ),
        SCOPE_ALL,
    ),
)

ROLES: dict[str, Role] = {r.name: r for r in _ROLES}


def role_permissions(roles: tuple[str, ...] | frozenset[str]) -> frozenset[str]:
    """What the built-in ``roles`` grant together (unknown roles grant nothing)."""
    granted: set[str] = set()
    for role in roles:
        if role in ROLES:
            granted |= ROLES[role].permissions
    return frozenset(granted)


def role_scope(roles: tuple[str, ...] | frozenset[str]) -> str:
    """The widest data scope among the built-in ``roles``; :data:`SCOPE_OWN` when none is known."""
    scopes = {ROLES[r].data_scope for r in roles if r in ROLES}
    return next((s for s in SCOPES if s in scopes), SCOPE_OWN)
