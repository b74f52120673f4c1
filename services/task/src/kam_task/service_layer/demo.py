"""The demo's tasks (``KAM_DEMO_MODE``, as ``make run`` sets it): work assigned down the demo bank's hierarchy —
head office to the 北京分行 manager, the manager to 张经理 (one due within hours, so its reminder and then its
overdue alert come while the demo runs; one done and waiting for review), and one 张经理 made for himself. With
the automation service, also a playbook (head office's: a first call and a visit for each customer newly graded
钻石, ``tiers/diamond`` of the customer service's shipped individual tiers) and a recurring task (the 北京分行
manager's, to 张经理: every Monday at 09:00, sort out the key customers' news).

Made once (their request ids), as soon as the service's copies of the users and the org tree know the demo's people and 北京东城支行 (the identity
service publishes them at its first start); whatever the restarts, nothing is made twice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from google.protobuf import duration_pb2
from google.type import date_pb2, dayofweek_pb2, timeofday_pb2
from kam.task.v1 import automation_pb2, task_pb2
from kam_kit.auth import Identity
from kam_kit.clock import Clock
from kam_kit.db import Database
from kam_kit.errors import KamError
from kam_kit.timeconv import to_timestamp
from sqlalchemy import select

from kam_task.adapters.orm import OrgUnitCopy, TaskRow, UserCopy
from kam_task.domain.automation import BANK_TZ
from kam_task.service_layer.automation import AutomationService
from kam_task.service_layer.tasks import TaskService

log = logging.getLogger(__name__)
T = task_pb2.Task
HQ = Identity(
    subject="users/hq_leader",
    display_name="总行领导",
    roles=("roles/head_office_leader",),
    org_unit="orgUnits/0000",
)
MANAGER = Identity(
    subject="users/branch_manager",
    display_name="北京分行行长",
    roles=("roles/branch_manager",),
    org_unit="orgUnits/0100",
)
RM = Identity(
    subject="users/rm_zhang",
    display_name="张经理",
    roles=("roles/relationship_manager",),
    org_unit="orgUnits/0101",
)
#: (request id, who assigns, to whom, hours until due, task)
TASKS = (
    (
        "demo-task-plan",
        HQ,
        MANAGER.subject,
        5 * 24,
        T(
            title="上报北京分行四季度重点客户营销计划",
            purpose="年末存款冲刺",
            description="请结合分行钻石、白金客户名单，上报四季度营销计划和分支行分解指标。",
            priority=task_pb2.PRIORITY_HIGH,
        ),
    ),
    (
        "demo-task-visit",
        MANAGER,
        RM.subject,
        3 * 24,
        T(
            title="走访重点客户，了解年末资金安排",
            purpose="稳存增存",
            description="本周内走访管户中 AUM 前五的客户，了解年末资金到期和理财需求，完成后在客户时间线记录。",
            priority=task_pb2.PRIORITY_HIGH,
        ),
    ),
    (
        "demo-task-list",
        MANAGER,
        RM.subject,
        2,
        T(
            title="整理钻石客户季度回访清单",
            purpose="季度回访",
            description="今天下班前整理并提交本季度钻石客户回访清单。",
            priority=task_pb2.PRIORITY_URGENT,
        ),
    ),
    (
        "demo-task-review",
        MANAGER,
        RM.subject,
        24,
        T(title="核对到期定期存款客户名单", purpose="到期续存", priority=task_pb2.PRIORITY_NORMAL),
    ),
    (
        "demo-task-own",
        RM,
        RM.subject,
        24,
        T(title="准备理财新品说明材料", purpose="产品推介", priority=task_pb2.PRIORITY_LOW),
    ),
)
WAIT_FOR_USERS = 1.0
DAY = 24 * 3600
#: the demo's playbook: a customer newly graded 钻石 (the customer service's shipped individual tiers)
PLAYBOOK = automation_pb2.Playbook(
    display_name="新晋钻石客户首访",
    description="客户升入钻石等级后，客户经理一天内电话问候，一周内上门拜访并介绍钻石客户权益。",
    trigger=automation_pb2.Playbook.TRIGGER_TIER_CHANGED,
    conditions=automation_pb2.CustomerCriteria(tiers=["tiers/diamond"]),
    steps=[
        automation_pb2.PlaybookStep(
            task=automation_pb2.TaskTemplate(
                title="电话问候新晋钻石客户",
                purpose="新晋钻石客户首访",
                description="致电客户祝贺升级，预约上门拜访时间。",
                priority=task_pb2.PRIORITY_HIGH,
            ),
            due_offset=duration_pb2.Duration(seconds=DAY),
        ),
        automation_pb2.PlaybookStep(
            task=automation_pb2.TaskTemplate(
                title="上门拜访新晋钻石客户",
                purpose="新晋钻石客户首访",
                description="介绍钻石客户专属权益与服务团队，了解资金安排和理财需求，完成后在客户时间线记录。",
                priority=task_pb2.PRIORITY_NORMAL,
            ),
            due_offset=duration_pb2.Duration(seconds=7 * DAY),
        ),
    ],
    enabled=True,
)


def _weekly_review(start) -> automation_pb2.RecurringTask:
    """张经理's Monday review, from the demo's first day."""
    return automation_pb2.RecurringTask(
        task=automation_pb2.TaskTemplate(
            title="每周一整理重点客户动态",
            purpose="客户动态跟踪",
            description="整理管户重点客户上周的大额资金变动、到期和预警情况，列出本周跟进计划。",
            priority=task_pb2.PRIORITY_NORMAL,
        ),
        schedule=automation_pb2.RecurrenceSchedule(
            frequency=automation_pb2.RecurrenceSchedule.FREQUENCY_WEEKLY,
            day_of_week=dayofweek_pb2.MONDAY,
            time_of_day=timeofday_pb2.TimeOfDay(hours=9),
            start_date=date_pb2.Date(year=start.year, month=start.month, day=start.day),
        ),
        due_after=duration_pb2.Duration(seconds=DAY),
        assignees=[RM.subject],
        enabled=True,
    )


async def seed_demo(
    db: Database, tasks: TaskService, clock: Clock, automation: AutomationService | None = None
) -> None:
    """Make the demo's tasks once the copy of the users has the demo's people (and, given ``automation``, its
    playbook and recurring task)."""
    while True:
        async with db.read() as session:
            known = set(
                await session.scalars(
                    select(UserCopy.name).where(UserCopy.name.in_((MANAGER.subject, RM.subject)))
                )
            )
            tree = await session.get(OrgUnitCopy, "0101")
            made = set(
                await session.scalars(
                    select(TaskRow.request_id).where(TaskRow.request_id.like("demo-task-%"))
                )
            )
        if len(known) == 2 and tree is not None and tree.parent_id == "0100":
            break
        await asyncio.sleep(WAIT_FOR_USERS)
    for request_id, assigner, assignee, hours, template in TASKS:
        if request_id in made:
            continue
        task = T()
        task.CopyFrom(template)
        task.assignee = assignee
        task.due_time.CopyFrom(to_timestamp(clock.now() + timedelta(hours=hours)))
        try:
            created = await tasks.create(assigner, task, request_id=request_id)
            if request_id == "demo-task-review":
                done = task_pb2.Completion(
                    handling="电话沟通", content="已逐一电话核对 12 户到期客户，8 户同意续存。"
                )
                await tasks.complete(RM, created.name, done, etag=created.etag)
        except KamError:
            log.exception("demo task %s not made", request_id)
    if automation is not None:
        await seed_automation(automation, clock)


async def seed_automation(automation: AutomationService, clock: Clock) -> None:
    """The demo's playbook and recurring task, made once (their request ids)."""
    try:
        await automation.create_playbook(HQ, PLAYBOOK, request_id="demo-playbook-diamond")
    except KamError:
        log.exception("demo playbook not made")
    today = clock.now().astimezone(BANK_TZ).date()
    try:
        await automation.create_recurring(MANAGER, _weekly_review(today), request_id="demo-recurring-weekly")
    except KamError:
        log.exception("demo recurring task not made")
