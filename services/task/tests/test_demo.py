"""The demo's tasks (make run): made once the demo's people are known, once only, one waiting for review."""

from __future__ import annotations

import asyncio

from kam.task.v1 import task_pb2
from kam.task.v1 import task_service_pb2 as pb
from kam_task.service_layer import demo
from kam_task.service_layer.tasks import TaskService
from task_testlib import Bank

T = task_pb2.Task


async def test_the_demo_tasks_wait_for_the_people_and_are_made_once(bank: Bank, monkeypatch) -> None:
    monkeypatch.setattr(demo, "WAIT_FOR_USERS", 0.01)
    service = TaskService(bank.db, bank.clock)
    seeding = asyncio.create_task(demo.seed_demo(bank.db, service, bank.clock))
    await asyncio.sleep(0.1)
    assert not seeding.done()  # 张经理 and the branch manager are not known yet
    await bank.person("users/branch_manager", "0100", "roles/branch_manager")
    await bank.person("users/rm_zhang", "0101", "roles/relationship_manager")
    await asyncio.wait_for(seeding, 5)
    await demo.seed_demo(bank.db, service, bank.clock)  # a restart makes nothing twice
    listed = (await bank.call("ListTasks", pb.ListTasksRequest(), "users/leader")).tasks
    assert len(listed) == len(demo.TASKS)
    states = {t.title: t.state for t in listed}
    assert states["核对到期定期存款客户名单"] == T.STATE_COMPLETED  # for the branch manager to review
    assert sum(s == T.STATE_OPEN for s in states.values()) == len(demo.TASKS) - 1
    mine = (
        await bank.call("ListTasks", pb.ListTasksRequest(filter='assignee = "users/me"'), "users/rm_zhang")
    ).tasks
    assert len(mine) == 4 and {t.assigner for t in mine} == {"users/branch_manager", "users/rm_zhang"}
