"""Tasks through the real gRPC API on SQLite and PostgreSQL: assignment down the org tree, the life of a task
(start, complete, accept or return, cancel) with its history and events, and who sees and may do what."""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest
from kam.customer.v1 import customer_pb2
from kam.task.v1 import events_pb2, task_pb2
from kam.task.v1 import task_service_pb2 as pb
from kam_kit.timeconv import to_timestamp
from task_testlib import NOW, Bank, T, violations

DONE = task_pb2.Completion(handling="上门拜访", content="与财务总监面谈，了解年末资金安排。")


async def _error(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


# --- assignment -------------------------------------------------------------------------------------------------


async def test_a_branch_manager_assigns_to_people_below_and_nobody_else(bank: Bank) -> None:
    task = await bank.assign("users/bm_beijing", "users/rm_dongcheng", priority=task_pb2.PRIORITY_HIGH)
    assert task.state == T.STATE_OPEN and task.assigner == "users/bm_beijing"
    assert task.org_unit == "orgUnits/0101" and task.assignee_display_name == "rm_dongcheng"
    assert task.priority == task_pb2.PRIORITY_HIGH and task.etag and not task.overdue
    error = await _error(bank.assign("users/bm_beijing", "users/rm_shanghai"))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    # head office reaches everyone
    assert (await bank.assign("users/leader", "users/rm_shanghai")).org_unit == "orgUnits/0200"
    created = await bank.published(events_pb2.TaskCreated)
    assert [e.task.name for e in created] == [
        task.name,
        (await bank.titles("users/leader")) and created[1].task.name,
    ]


async def test_a_relationship_manager_makes_tasks_for_himself_only(bank: Bank) -> None:
    own = await bank.assign("users/rm_dongcheng", "users/me", title="准备材料")
    assert own.assignee == own.assigner == "users/rm_dongcheng"
    error = await _error(bank.assign("users/rm_dongcheng", "users/rm_xicheng"))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    # one's own task needs no review: completing it accepts it
    done = (
        await bank.call(
            "CompleteTask", pb.CompleteTaskRequest(name=own.name, completion=DONE), "users/rm_dongcheng"
        )
    ).task
    assert (
        done.state == T.STATE_ACCEPTED
        and done.review.accepted
        and done.review.reviewer == "users/rm_dongcheng"
    )


async def test_bad_input_names_each_field(bank: Bank) -> None:
    task = T(
        title="",
        assignee="rm_dongcheng",
        due_time=to_timestamp(NOW - timedelta(minutes=1)),
        priority=9,  # type: ignore[arg-type]
        customer="clients/1",
    )
    error = await _error(bank.call("CreateTask", pb.CreateTaskRequest(task=task)))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violations(error) == {
        "task.title",
        "task.assignee",
        "task.due_time",
        "task.priority",
        "task.customer",
    }
    error = await _error(
        bank.call("CreateTask", pb.CreateTaskRequest(task=T(title="x", assignee="users/me")))
    )
    assert violations(error) == {"task.due_time"}
    error = await _error(bank.assign(to="users/nobody"))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and violations(error) == {"task.assignee"}
    await bank.person("users/rm_gone", "0101", "roles/relationship_manager", active=False)
    error = await _error(bank.assign(to="users/rm_gone"))
    assert violations(error) == {"task.assignee"}
    error = await _error(bank.call("CreateTask", pb.CreateTaskRequest()))
    assert violations(error) == {"task"}


async def test_a_retried_create_answers_the_first_task(bank: Bank) -> None:
    request = pb.CreateTaskRequest(
        task=T(title="回访", assignee="users/rm_dongcheng", due_time=to_timestamp(NOW + timedelta(days=1))),
        request_id="0b8d6c1e-2f3a-4a5b-9c6d-7e8f9a0b1c2d",
    )
    first = (await bank.call("CreateTask", request)).task
    again = (await bank.call("CreateTask", request)).task
    assert again.name == first.name
    assert len(await bank.titles("users/leader")) == 1
    assert len(await bank.published(events_pb2.TaskCreated)) == 1


async def test_a_branch_wide_assignment_makes_one_task_per_relationship_manager(bank: Bank) -> None:
    await bank.person("users/rm_dongcheng2", "0101", "roles/relationship_manager")
    await bank.person("users/rm_left", "0101", "roles/relationship_manager", active=False)
    await bank.person("users/teller", "0101", "roles/compliance")
    template = T(title="季度回访", due_time=to_timestamp(NOW + timedelta(days=7)))
    request = pb.BatchCreateTasksRequest(
        task=template, org_unit="orgUnits/0100", assignees=["users/rm_dongcheng"], request_id="batch-1"
    )
    tasks = (await bank.call("BatchCreateTasks", request)).tasks
    # active relationship managers of 北京分行's subtree, each once however named; not the disabled, not others
    assert sorted(t.assignee for t in tasks) == [
        "users/rm_dongcheng",
        "users/rm_dongcheng2",
        "users/rm_xicheng",
    ]
    assert len({t.assignment for t in tasks}) == 1 and tasks[0].assignment
    again = (await bank.call("BatchCreateTasks", request)).tasks
    assert sorted(t.name for t in again) == sorted(t.name for t in tasks)
    listed = await bank.call("ListTasks", pb.ListTasksRequest(filter=f'assignment = "{tasks[0].assignment}"'))
    assert listed.total_size == 3
    assert len(await bank.published(events_pb2.TaskCreated)) == 3
    # not outside one's subtree, and not to nobody
    error = await _error(
        bank.call("BatchCreateTasks", pb.BatchCreateTasksRequest(task=template, org_unit="orgUnits/0200"))
    )
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    error = await _error(
        bank.call(
            "BatchCreateTasks",
            pb.BatchCreateTasksRequest(task=template, assignees=["users/rm_dongcheng", "users/rm_shanghai"]),
        )
    )
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    error = await _error(bank.call("BatchCreateTasks", pb.BatchCreateTasksRequest(task=template)))
    assert violations(error) == {"assignees"}
    assert (
        await bank.call("ListTasks", pb.ListTasksRequest(), "users/leader")
    ).total_size == 3  # nothing half-made


# --- the life of a task -----------------------------------------------------------------------------------------


async def test_completion_and_return_cycles_keep_their_history(bank: Bank) -> None:
    task = await bank.assign(customer="customers/c1")
    rm = "users/rm_dongcheng"
    started = (await bank.call("StartTask", pb.StartTaskRequest(name=task.name, etag=task.etag), rm)).task
    assert started.state == T.STATE_IN_PROGRESS and started.HasField("start_time")
    bank.clock.advance(timedelta(hours=3))
    logged = task_pb2.Completion()
    logged.CopyFrom(DONE)
    logged.interaction_type = customer_pb2.Interaction.TYPE_VISIT
    done = (
        await bank.call("CompleteTask", pb.CompleteTaskRequest(name=task.name, completion=logged), rm)
    ).task
    assert done.state == T.STATE_COMPLETED and done.completion.handling == "上门拜访"
    assert done.completion.complete_time.ToDatetime() == NOW.replace(tzinfo=None) + timedelta(hours=3)
    assert done.completion.interaction_type == customer_pb2.Interaction.TYPE_VISIT
    back = (
        await bank.call(
            "ReturnTask", pb.ReturnTaskRequest(name=task.name, reason="请补充客户反馈", etag=done.etag)
        )
    ).task
    assert back.state == T.STATE_IN_PROGRESS and back.return_count == 1
    assert not back.review.accepted and back.review.comment == "请补充客户反馈"
    again = (
        await bank.call("CompleteTask", pb.CompleteTaskRequest(name=task.name, completion=DONE), rm)
    ).task
    accepted = (
        await bank.call("AcceptTask", pb.AcceptTaskRequest(name=task.name, comment="很好", etag=again.etag))
    ).task
    assert accepted.state == T.STATE_ACCEPTED and accepted.review.accepted and accepted.return_count == 1
    history = (await bank.call("ListTaskHistory", pb.ListTaskHistoryRequest(name=task.name), rm)).entries
    assert [e.action for e in history] == [
        "created",
        "started",
        "completed",
        "returned",
        "completed",
        "accepted",
    ]
    assert history[3].note == "请补充客户反馈" and history[3].actor == "users/bm_beijing"
    assert [(c.field, c.before, c.after) for c in history[1].changes] == [
        ("state", "STATE_OPEN", "STATE_IN_PROGRESS")
    ]
    assert await bank.event_types() == [
        "TaskCreated",
        "TaskStarted",
        "TaskCompleted",
        "TaskReturned",
        "TaskCompleted",
        "TaskAccepted",
    ]
    # nothing moves an accepted task
    error = await _error(bank.call("CancelTask", pb.CancelTaskRequest(name=task.name)))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION


async def test_only_the_assignee_works_and_only_the_assigner_or_a_superior_directs(bank: Bank) -> None:
    task = await bank.assign()
    for who in ("users/bm_beijing", "users/leader", "users/rm_xicheng"):
        error = await _error(
            bank.call("CompleteTask", pb.CompleteTaskRequest(name=task.name, completion=DONE), who)
        )
        # someone who can see it is refused; someone who cannot does not learn it exists
        expected = (
            grpc.StatusCode.NOT_FOUND if who == "users/rm_xicheng" else grpc.StatusCode.PERMISSION_DENIED
        )
        assert error.code() == expected, who
    error = await _error(bank.call("CancelTask", pb.CancelTaskRequest(name=task.name), "users/rm_dongcheng"))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    # a superior of the assignee (head office) may direct it; the assignee may not review his own work
    done = (
        await bank.call(
            "CompleteTask", pb.CompleteTaskRequest(name=task.name, completion=DONE), "users/rm_dongcheng"
        )
    ).task
    error = await _error(bank.call("AcceptTask", pb.AcceptTaskRequest(name=task.name), "users/rm_dongcheng"))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    accepted = (
        await bank.call("AcceptTask", pb.AcceptTaskRequest(name=task.name, etag=done.etag), "users/leader")
    ).task
    assert accepted.review.reviewer == "users/leader"


async def test_a_stale_or_empty_edit(bank: Bank) -> None:
    task = await bank.assign()
    later = to_timestamp(NOW + timedelta(days=5))
    changed = (
        await bank.call(
            "UpdateTask",
            pb.UpdateTaskRequest(
                task=T(name=task.name, due_time=later, title="走访集团客户", etag=task.etag)
            ),
        )
    ).task
    assert changed.title == "走访集团客户" and changed.due_time == later and changed.etag != task.etag
    error = await _error(
        bank.call("UpdateTask", pb.UpdateTaskRequest(task=T(name=task.name, title="x", etag=task.etag)))
    )
    assert error.code() == grpc.StatusCode.ABORTED
    updated = await bank.published(events_pb2.TaskUpdated)
    assert len(updated) == 1 and sorted(updated[0].update_mask.paths) == ["due_time", "title"]
    same = (
        await bank.call("UpdateTask", pb.UpdateTaskRequest(task=T(name=task.name, title="走访集团客户")))
    ).task
    assert same.etag == changed.etag and len(await bank.published(events_pb2.TaskUpdated)) == 1
    error = await _error(
        bank.call(
            "UpdateTask",
            pb.UpdateTaskRequest(task=T(name=task.name, due_time=to_timestamp(NOW - timedelta(hours=1)))),
        )
    )
    assert violations(error) == {"task.due_time"}
    error = await _error(
        bank.call("StartTask", pb.StartTaskRequest(name=task.name, etag=task.etag), "users/rm_dongcheng")
    )
    assert error.code() == grpc.StatusCode.ABORTED


async def test_reassigning_moves_the_task_and_tells_whom(bank: Bank) -> None:
    task = await bank.assign()
    moved = (
        await bank.call(
            "UpdateTask",
            pb.UpdateTaskRequest(
                task=T(name=task.name, assignee="users/rm_xicheng"), update_mask={"paths": ["assignee"]}
            ),
        )
    ).task
    assert moved.assignee == "users/rm_xicheng" and moved.org_unit == "orgUnits/0102"
    assert (await bank.published(events_pb2.TaskUpdated))[0].update_mask.paths == ["assignee"]
    history = (await bank.call("ListTaskHistory", pb.ListTaskHistoryRequest(name=task.name))).entries
    assert [(c.field, c.before, c.after) for c in history[-1].changes] == [
        ("assignee", "users/rm_dongcheng", "users/rm_xicheng")
    ]
    error = await _error(bank.call("GetTask", pb.GetTaskRequest(name=task.name), "users/rm_dongcheng"))
    assert error.code() == grpc.StatusCode.NOT_FOUND  # no longer his
    error = await _error(
        bank.call(
            "UpdateTask",
            pb.UpdateTaskRequest(
                task=T(name=task.name, assignee="users/rm_shanghai"), update_mask={"paths": ["assignee"]}
            ),
        )
    )
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_completion_rules(bank: Bank) -> None:
    task = await bank.assign()
    rm = "users/rm_dongcheng"
    future = task_pb2.Completion(
        handling="电话", content="x", complete_time=to_timestamp(NOW + timedelta(hours=1))
    )
    error = await _error(
        bank.call("CompleteTask", pb.CompleteTaskRequest(name=task.name, completion=future), rm)
    )
    assert violations(error) == {"completion.complete_time"}
    logged = task_pb2.Completion(
        handling="电话", content="x", interaction_type=customer_pb2.Interaction.TYPE_CALL
    )
    error = await _error(
        bank.call("CompleteTask", pb.CompleteTaskRequest(name=task.name, completion=logged), rm)
    )
    assert violations(error) == {"completion.interaction_type"}  # the task concerns no customer
    system = task_pb2.Completion(
        handling="电话", content="x", interaction_type=customer_pb2.Interaction.TYPE_SYSTEM
    )
    error = await _error(
        bank.call("CompleteTask", pb.CompleteTaskRequest(name=task.name, completion=system), rm)
    )
    assert violations(error) == {"completion.interaction_type"}
    error = await _error(
        bank.call(
            "CompleteTask", pb.CompleteTaskRequest(name=task.name, completion=task_pb2.Completion()), rm
        )
    )
    assert violations(error) == {"completion.handling", "completion.content"}
    error = await _error(bank.call("AcceptTask", pb.AcceptTaskRequest(name=task.name)))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION  # nothing to review yet


async def test_cancelling_a_task_cancels_what_was_delegated_from_it(bank: Bank) -> None:
    parent = await bank.assign("users/leader", "users/bm_beijing", title="四季度营销")
    child = await bank.assign("users/bm_beijing", "users/rm_dongcheng", title="走访", parent_task=parent.name)
    grandchild = await bank.assign("users/rm_dongcheng", "users/me", title="准备材料", parent_task=child.name)
    cancelled = (
        await bank.call(
            "CancelTask", pb.CancelTaskRequest(name=parent.name, cancel_reason="计划调整"), "users/leader"
        )
    ).task
    assert cancelled.state == T.STATE_CANCELLED and cancelled.cancel_reason == "计划调整"
    for name in (child.name, grandchild.name):
        task = (await bank.call("GetTask", pb.GetTaskRequest(name=name), "users/leader")).task
        assert task.state == T.STATE_CANCELLED and task.cancel_reason == "上级任务已取消"
    assert len(await bank.published(events_pb2.TaskCancelled)) == 3
    # a parent task one cannot see is not found
    error = await _error(bank.assign("users/bm_shanghai", "users/rm_shanghai", parent_task=child.name))
    assert error.code() == grpc.StatusCode.NOT_FOUND


# --- reading ----------------------------------------------------------------------------------------------------


async def test_each_sees_his_reach_in_reads_and_counts(bank: Bank) -> None:
    await bank.assign("users/bm_beijing", "users/rm_dongcheng", title="东城")
    await bank.assign("users/bm_beijing", "users/rm_xicheng", title="西城")
    await bank.assign("users/bm_shanghai", "users/rm_shanghai", title="上海")
    await bank.assign("users/leader", "users/bm_beijing", title="分行")
    assert sorted(await bank.titles("users/rm_dongcheng")) == ["东城"]
    assert sorted(await bank.titles("users/bm_beijing")) == ["东城", "分行", "西城"]
    assert sorted(await bank.titles("users/bm_shanghai")) == ["上海"]
    assert sorted(await bank.titles("users/compliance")) == ["上海", "东城", "分行", "西城"]
    assert (await bank.call("ListTasks", pb.ListTasksRequest(), "users/rm_xicheng")).total_size == 1
    assert sorted(await bank.titles("users/leader", 'org_unit = "orgUnits/0100"')) == ["东城", "分行", "西城"]
    assert await bank.titles("users/bm_beijing", 'assignee = "users/me"') == ["分行"]
    assert sorted(await bank.titles("users/bm_beijing", 'assigner = "users/me"')) == ["东城", "西城"]


async def test_filters_and_order(bank: Bank) -> None:
    await bank.assign(title="明天", due=NOW + timedelta(days=1), priority=task_pb2.PRIORITY_LOW)
    await bank.assign(title="两小时", due=NOW + timedelta(hours=2), priority=task_pb2.PRIORITY_URGENT)
    await bank.assign(title="下周", due=NOW + timedelta(days=7))
    assert await bank.titles("users/rm_dongcheng") == ["两小时", "明天", "下周"]
    assert await bank.titles("users/rm_dongcheng", order_by="priority desc") == ["两小时", "下周", "明天"]
    assert await bank.titles("users/rm_dongcheng", 'due_time < "2026-12-08T09:00:00+08:00"') == ["两小时"]
    bank.clock.advance(timedelta(hours=3))
    assert await bank.titles("users/rm_dongcheng", "overdue = true") == ["两小时"]
    listed = await bank.call("ListTasks", pb.ListTasksRequest(filter="overdue = true"), "users/rm_dongcheng")
    assert listed.tasks[0].overdue
    assert await bank.titles("users/rm_dongcheng", "overdue = false") == ["明天", "下周"]
    assert await bank.titles("users/rm_dongcheng", "priority = PRIORITY_LOW AND state = STATE_OPEN") == [
        "明天"
    ]
    page = await bank.call("ListTasks", pb.ListTasksRequest(page_size=2), "users/rm_dongcheng")
    rest = await bank.call(
        "ListTasks", pb.ListTasksRequest(page_size=2, page_token=page.next_page_token), "users/rm_dongcheng"
    )
    assert [t.title for t in [*page.tasks, *rest.tasks]] == [
        "两小时",
        "明天",
        "下周",
    ] and not rest.next_page_token
    for bad in ("state = DONE", "owner = x", "due_time < yesterday"):
        error = await _error(bank.call("ListTasks", pb.ListTasksRequest(filter=bad)))
        assert violations(error) == {"filter"}, bad
    error = await _error(bank.call("ListTasks", pb.ListTasksRequest(order_by="title")))
    assert violations(error) == {"order_by"}


async def test_comments(bank: Bank) -> None:
    task = await bank.assign()
    await bank.call(
        "CreateTaskComment",
        pb.CreateTaskCommentRequest(parent=task.name, comment=task_pb2.TaskComment(text="客户下周出差")),
        "users/rm_dongcheng",
    )
    await bank.call(
        "CreateTaskComment",
        pb.CreateTaskCommentRequest(parent=task.name, comment=task_pb2.TaskComment(text="好的")),
    )
    comments = (await bank.call("ListTaskComments", pb.ListTaskCommentsRequest(parent=task.name))).comments
    assert [(c.author, c.text) for c in comments] == [
        ("users/rm_dongcheng", "客户下周出差"),
        ("users/bm_beijing", "好的"),
    ]
    history = (await bank.call("ListTaskHistory", pb.ListTaskHistoryRequest(name=task.name))).entries
    assert [e.action for e in history] == ["created", "commented", "commented"]
    error = await _error(
        bank.call(
            "CreateTaskComment",
            pb.CreateTaskCommentRequest(parent=task.name, comment=task_pb2.TaskComment(text="x")),
            "users/rm_shanghai",
        )
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND
    error = await _error(
        bank.call(
            "CreateTaskComment",
            pb.CreateTaskCommentRequest(parent=task.name, comment=task_pb2.TaskComment(text=" ")),
        )
    )
    assert violations(error) == {"comment.text"}


async def test_one_directs_his_own_tasks_but_not_what_he_was_given(bank: Bank) -> None:
    own = await bank.assign("users/rm_dongcheng", "users/me", title="准备材料")
    rm = "users/rm_dongcheng"
    changed = (
        await bank.call("UpdateTask", pb.UpdateTaskRequest(task=T(name=own.name, title="准备理财材料")), rm)
    ).task
    assert changed.title == "准备理财材料"
    cancelled = (await bank.call("CancelTask", pb.CancelTaskRequest(name=own.name), rm)).task
    assert cancelled.state == T.STATE_CANCELLED
    # a branch manager given work by head office: his unit is in his scope, yet he does not direct it
    given = await bank.assign("users/leader", "users/bm_beijing", title="上报计划")
    for method, request in (
        ("UpdateTask", pb.UpdateTaskRequest(task=T(name=given.name, title="x"))),
        ("CancelTask", pb.CancelTaskRequest(name=given.name)),
    ):
        error = await _error(bank.call(method, request, "users/bm_beijing"))
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED, method
    # nor may the compliance officer (no tasks.work) touch anything
    error = await _error(bank.call("CancelTask", pb.CancelTaskRequest(name=given.name), "users/compliance"))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_active_and_origin_filters_and_the_customer_s_name(bank: Bank) -> None:
    from kam.customer.v1 import customer_pb2 as cpb
    from kam.customer.v1 import events_pb2 as customer_events
    from kam_task.service_layer import customers

    for name, kind, shown in (
        ("customers/p1", cpb.Customer.TYPE_INDIVIDUAL, "王小明"),
        ("customers/k1", cpb.Customer.TYPE_CORPORATE, "某某科技有限公司"),
    ):
        customer = cpb.Customer(name=name, display_name=shown, type=kind, update_time=to_timestamp(NOW))
        await bank.apply(customers.on_customer, customer_events.CustomerCreated(customer=customer))
    open_task = await bank.assign(title="开着的", customer="customers/p1")
    done = await bank.assign(title="做完的", customer="customers/k1")
    await bank.call(
        "CompleteTask", pb.CompleteTaskRequest(name=done.name, completion=DONE), "users/rm_dongcheng"
    )
    assert await bank.titles("users/rm_dongcheng", "active = true") == ["开着的"]
    assert await bank.titles("users/rm_dongcheng", "active = false") == ["做完的"]
    assert sorted(await bank.titles("users/rm_dongcheng", 'origin = ""')) == ["做完的", "开着的"]
    listed = (await bank.call("ListTasks", pb.ListTasksRequest(), "users/rm_dongcheng")).tasks
    assert {t.title: t.customer_display_name for t in listed} == {
        "开着的": "王**",
        "做完的": "某某科技有限公司",
    }
    got = (await bank.call("GetTask", pb.GetTaskRequest(name=open_task.name), "users/rm_dongcheng")).task
    assert got.customer_display_name == "王**"
    error = await _error(
        bank.call("ListTasks", pb.ListTasksRequest(filter="state = STATE_OPEN AND state = STATE_COMPLETED"))
    )
    assert violations(error) == {"filter"}  # a field named twice is a mistake, not the last one winning


async def test_a_task_may_concern_further_customers(bank: Bank) -> None:
    task = await bank.assign(
        title="集团走访", customer="customers/1", related_customers=["customers/10", "customers/2"]
    )
    assert (task.customer, list(task.related_customers)) == ("customers/1", ["customers/10", "customers/2"])
    got = (await bank.call("GetTask", pb.GetTaskRequest(name=task.name))).task
    assert list(got.related_customers) == ["customers/10", "customers/2"]
    await bank.assign(title="只有主要客户", customer="customers/10")
    await bank.assign(title="别的客户", customer="customers/3", related_customers=["customers/100"])

    # the customer filter matches the main or a related customer, a whole name only
    assert await bank.titles("users/rm_dongcheng", 'customer = "customers/1"') == ["集团走访"]
    assert await bank.titles("users/rm_dongcheng", 'customer = "customers/2"') == ["集团走访"]
    assert sorted(await bank.titles("users/rm_dongcheng", 'customer = "customers/10"')) == [
        "只有主要客户",
        "集团走访",
    ]
    assert await bank.titles("users/rm_dongcheng", 'customer = "customers/100"') == ["别的客户"]
    assert await bank.titles("users/rm_dongcheng", 'customer = "customers/%"') == []

    # changed with the task, in its history and event
    changed = (
        await bank.call(
            "UpdateTask",
            pb.UpdateTaskRequest(
                task=T(name=task.name, related_customers=["customers/2", "customers/5"], etag=task.etag),
                update_mask={"paths": ["related_customers"]},
            ),
        )
    ).task
    assert list(changed.related_customers) == ["customers/2", "customers/5"]
    history = (await bank.call("ListTaskHistory", pb.ListTaskHistoryRequest(name=task.name))).entries
    assert [(c.field, c.before, c.after) for c in history[-1].changes] == [
        ("related_customers", "customers/10 customers/2", "customers/2 customers/5")
    ]
    (updated,) = await bank.published(events_pb2.TaskUpdated)
    assert list(updated.update_mask.paths) == ["related_customers"]
    assert await bank.titles("users/rm_dongcheng", 'customer = "customers/10"') == ["只有主要客户"]
    cleared = (
        await bank.call(
            "UpdateTask",
            pb.UpdateTaskRequest(task=T(name=task.name), update_mask={"paths": ["related_customers"]}),
        )
    ).task
    assert list(cleared.related_customers) == []


async def test_further_customers_are_checked(bank: Bank) -> None:
    bad = ["customers/2", "clients/3", "customers/2", "customers/1", ""]
    error = await _error(bank.assign(customer="customers/1", related_customers=bad))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert violations(error) == {
        "task.related_customers[1]",
        "task.related_customers[2]",
        "task.related_customers[3]",
        "task.related_customers[4]",
    }
    too_many = [f"customers/r{i}" for i in range(21)]
    error = await _error(bank.assign(customer="customers/1", related_customers=too_many))
    assert violations(error) == {"task.related_customers"}
    error = await _error(bank.assign(related_customers=["customers/2"]))  # no main customer
    assert violations(error) == {"task.related_customers"}
    error = await _error(
        bank.call(
            "BatchCreateTasks",
            pb.BatchCreateTasksRequest(
                task=T(
                    title="x",
                    due_time=to_timestamp(NOW + timedelta(days=1)),
                    customer="customers/1",
                    related_customers=["customers/1"],
                ),
                assignees=["users/rm_dongcheng"],
            ),
        )
    )
    assert violations(error) == {"task.related_customers[0]"}

    task = await bank.assign(customer="customers/1", related_customers=["customers/2"])
    for fields, paths in (
        ({"related_customers": ["customers/1"]}, ["related_customers"]),  # the main customer
        ({"customer": "customers/2"}, ["customer"]),  # now main and related
        ({"customer": ""}, ["customer"]),  # related ones without a main one
        ({"related_customers": ["customers/3", "customers/3"]}, ["related_customers"]),
    ):
        error = await _error(
            bank.call(
                "UpdateTask",
                pb.UpdateTaskRequest(task=T(name=task.name, **fields), update_mask={"paths": paths}),
            )
        )
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, fields
    swapped = (
        await bank.call(
            "UpdateTask",
            pb.UpdateTaskRequest(
                task=T(name=task.name, customer="customers/2", related_customers=["customers/1"]),
                update_mask={"paths": ["customer", "related_customers"]},
            ),
        )
    ).task
    assert (swapped.customer, list(swapped.related_customers)) == ("customers/2", ["customers/1"])
