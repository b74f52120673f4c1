"""Task attachments (任务附件) through the task service's gRPC API on SQLite and PostgreSQL: a PDF and a .docx made
in the test listed on the task and downloaded byte for byte with their SHA-256; content and extension checked
(kam_kit.attachments: a renamed executable, a PNG named .pdf); the size and count limits; who may add, download and
remove; closed tasks' files kept as they are; history entries and audit records."""

from __future__ import annotations

import hashlib

import grpc
import pytest
from kam.task.v1 import task_pb2
from kam.task.v1 import task_service_pb2 as pb
from kam_devkit import files
from kam_kit import attachments as rules
from kam_kit import auth
from kam_kit.db import audit_table
from kam_kit.errors import InvalidArgument
from kam_task.bootstrap import attachment_max_bytes
from kam_task.service_layer.attachments import TaskAttachments
from kam_task.service_layer.tasks import TaskService
from sqlalchemy import select
from task_testlib import NOW, Bank, violations

DOCX = files.docx()
ASSIGNER, ASSIGNEE = "users/bm_beijing", "users/rm_dongcheng"
DONE = task_pb2.Completion(handling="上门拜访", content="已面谈。")


async def _upload(bank: Bank, parent: str, file_name: str, content: bytes, who: str = ASSIGNEE):
    request = pb.CreateTaskAttachmentRequest(parent=parent, file_name=file_name, content=content)
    return (await bank.call("CreateTaskAttachment", request, who)).attachment


async def _refused(bank: Bank, method: str, request, who: str = ASSIGNEE) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await bank.call(method, request, who)
    return refused.value


async def _task(bank: Bank, name: str, who: str = ASSIGNER) -> task_pb2.Task:
    return (await bank.call("GetTask", pb.GetTaskRequest(name=name), who)).task


async def _history(bank: Bank, name: str) -> list[tuple[str, str, str]]:
    entries = (await bank.call("ListTaskHistory", pb.ListTaskHistoryRequest(name=name), ASSIGNER)).entries
    return [(e.action, e.actor, e.note) for e in entries]


async def test_files_are_listed_on_the_task_and_download_as_the_exact_bytes(bank: Bank) -> None:
    task = await bank.assign(ASSIGNER, ASSIGNEE)
    other = await bank.assign(ASSIGNER, "users/rm_xicheng", title="另一个任务")
    pdf = await _upload(bank, task.name, "拜访纪要.pdf", files.PDF)  # by the assignee
    doc = await _upload(bank, task.name, "营销方案.docx", DOCX, ASSIGNER)
    elsewhere = await _upload(bank, other.name, "名单.csv", "客户,金额\n张三,1000000\n".encode(), ASSIGNER)
    assert pdf.name.startswith(f"{task.name}/attachments/")
    assert (pdf.file_name, pdf.content_type, pdf.size_bytes, pdf.sha256) == (
        "拜访纪要.pdf",
        "application/pdf",
        len(files.PDF),
        hashlib.sha256(files.PDF).hexdigest(),
    )
    assert (pdf.uploader, pdf.uploader_display_name) == (ASSIGNEE, "rm_dongcheng")
    assert pdf.create_time.ToDatetime().replace(tzinfo=NOW.tzinfo) == NOW
    assert doc.content_type == rules.DOCX.content_type and doc.uploader == ASSIGNER
    # on the task, in upload order, without changing its etag; a list's tasks each with their own
    shown = await _task(bank, task.name, "users/leader")
    assert [a.name for a in shown.attachments] == [pdf.name, doc.name]
    assert shown.etag == task.etag and shown.attachments[0] == pdf
    listed = await bank.call("ListTasks", pb.ListTasksRequest(), ASSIGNER)
    by_task = {t.name: [a.file_name for a in t.attachments] for t in listed.tasks}
    assert by_task == {task.name: ["拜访纪要.pdf", "营销方案.docx"], other.name: ["名单.csv"]}
    # everyone who sees the task downloads the exact bytes
    for attachment, content in ((pdf, files.PDF), (doc, DOCX)):
        for who in (ASSIGNER, ASSIGNEE, "users/leader"):
            got = await bank.call(
                "DownloadTaskAttachment", pb.DownloadTaskAttachmentRequest(name=attachment.name), who
            )
            assert got.content == content and got.attachment == attachment
            assert hashlib.sha256(got.content).hexdigest() == attachment.sha256
    assert elsewhere.name.startswith(f"{other.name}/attachments/")


async def test_an_upload_and_a_removal_are_in_the_history_and_the_audit_trail(bank: Bank) -> None:
    task = await bank.assign(ASSIGNER, ASSIGNEE)
    pdf = await _upload(bank, task.name, "C:\\临时\\拜访\u202e纪要.pdf", files.PDF)
    assert pdf.file_name == "拜访纪要.pdf"  # sanitised: no path, no right-to-left mark
    await bank.call("DeleteTaskAttachment", pb.DeleteTaskAttachmentRequest(name=pdf.name), ASSIGNEE)
    assert (await _history(bank, task.name))[1:] == [
        ("attached", ASSIGNEE, "拜访纪要.pdf"),
        ("detached", ASSIGNEE, "拜访纪要.pdf"),
    ]
    assert not (await _task(bank, task.name)).attachments
    async with bank.db.read() as session:
        audited = (
            await session.execute(
                select(audit_table.c.action, audit_table.c.resource, audit_table.c.actor).where(
                    audit_table.c.action.in_(("tasks.attach", "tasks.detach"))
                )
            )
        ).all()
    assert sorted(audited) == [("tasks.attach", pdf.name, ASSIGNEE), ("tasks.detach", pdf.name, ASSIGNEE)]


async def test_a_renamed_executable_or_a_wrong_extension_is_refused(bank: Bank) -> None:
    task = await bank.assign(ASSIGNER, ASSIGNEE)
    for file_name, content, field in (
        ("报告.pdf", files.EXE, "content"),  # a Windows executable named .pdf
        (
            "宏.docx",
            files.office_zip("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"),
            "content",
        ),
        ("包.docx", files.office_zip("word/document.xml"), "content"),  # an archive, not a document
        ("图.pdf", files.PNG, "file_name"),  # the extension disagrees with the content
        ("方案.pdf", DOCX, "file_name"),
        ("", b"", "file_name"),
    ):
        error = await _refused(
            bank,
            "CreateTaskAttachment",
            pb.CreateTaskAttachmentRequest(parent=task.name, file_name=file_name, content=content),
        )
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, file_name
        assert violations(error) == {field}, file_name
    assert not (await _task(bank, task.name)).attachments
    assert [action for action, _, _ in await _history(bank, task.name)] == ["created"]


async def test_too_large_a_file_and_an_eleventh_are_refused(bank: Bank) -> None:
    task = await bank.assign(ASSIGNER, ASSIGNEE)
    large = b"%PDF-1.7\n" + b"0" * (rules.DEFAULT_MAX_BYTES - 9 + 1)
    error = await _refused(
        bank,
        "CreateTaskAttachment",
        pb.CreateTaskAttachmentRequest(parent=task.name, file_name="大.pdf", content=large),
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and violations(error) == {"content"}
    assert (await _upload(bank, task.name, "刚好.pdf", large[:-1])).size_bytes == rules.DEFAULT_MAX_BYTES
    for index in range(rules.MAX_FILES - 1):
        await _upload(bank, task.name, f"第{index}份.txt", f"附件 {index}".encode())
    error = await _refused(
        bank,
        "CreateTaskAttachment",
        pb.CreateTaskAttachmentRequest(parent=task.name, file_name="第十一份.txt", content=b"one too many"),
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and violations(error) == {"parent"}
    assert len((await _task(bank, task.name)).attachments) == rules.MAX_FILES


async def test_the_size_limit_is_configurable(bank: Bank, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAM_TASK_ATTACHMENT_MAX_BYTES", "2048")
    attachments = TaskAttachments(TaskService(bank.db, bank.clock), attachment_max_bytes())
    task = await bank.assign(ASSIGNER, ASSIGNEE)
    rm = auth.Identity(
        subject=ASSIGNEE, roles=("roles/relationship_manager",), org_unit="orgUnits/0101", display_name="rm"
    )
    with pytest.raises(InvalidArgument) as refused:
        await attachments.create(rm, task.name, "a.txt", b"x" * 2049)
    assert "2 KiB" in refused.value.violations[0].description
    assert (await attachments.create(rm, task.name, "a.txt", b"x" * 2048)).size_bytes == 2048


async def test_someone_who_cannot_see_the_task_finds_no_attachment(bank: Bank) -> None:
    task = await bank.assign(ASSIGNER, ASSIGNEE)
    pdf = await _upload(bank, task.name, "a.pdf", files.PDF)
    for who in ("users/rm_xicheng", "users/bm_shanghai"):  # a peer in another sub-branch, another branch
        for method, request in (
            (
                "CreateTaskAttachment",
                pb.CreateTaskAttachmentRequest(parent=task.name, file_name="b.pdf", content=files.PDF),
            ),
            ("DownloadTaskAttachment", pb.DownloadTaskAttachmentRequest(name=pdf.name)),
            ("DeleteTaskAttachment", pb.DeleteTaskAttachmentRequest(name=pdf.name)),
        ):
            error = await _refused(bank, method, request, who)
            assert error.code() == grpc.StatusCode.NOT_FOUND, (who, method)
    # another task's attachment id under this one, an id never made, a name that is not one
    other = await bank.assign(ASSIGNER, ASSIGNEE, title="另一个")
    for name in (f"{other.name}/attachments/{pdf.name.rpartition('/')[2]}", f"{task.name}/attachments/x"):
        error = await _refused(bank, "DownloadTaskAttachment", pb.DownloadTaskAttachmentRequest(name=name))
        assert error.code() == grpc.StatusCode.NOT_FOUND, name
    error = await _refused(bank, "DownloadTaskAttachment", pb.DownloadTaskAttachmentRequest(name=task.name))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and violations(error) == {"name"}
    assert len((await _task(bank, task.name)).attachments) == 1


async def test_only_the_uploader_or_the_assigner_removes_a_file(bank: Bank) -> None:
    task = await bank.assign(ASSIGNER, ASSIGNEE)
    by_assignee = await _upload(bank, task.name, "纪要.pdf", files.PDF)
    by_assigner = await _upload(bank, task.name, "方案.docx", DOCX, ASSIGNER)
    by_leader = await _upload(bank, task.name, "指示.txt", "请抓紧".encode(), "users/leader")
    # a superior who sees the task but neither uploaded the file nor assigned the task; the assignee, another's
    for who, attachment in (("users/leader", by_assignee), (ASSIGNEE, by_assigner), (ASSIGNEE, by_leader)):
        error = await _refused(
            bank, "DeleteTaskAttachment", pb.DeleteTaskAttachmentRequest(name=attachment.name), who
        )
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED, who
    await bank.call("DeleteTaskAttachment", pb.DeleteTaskAttachmentRequest(name=by_leader.name), ASSIGNER)
    await bank.call("DeleteTaskAttachment", pb.DeleteTaskAttachmentRequest(name=by_assignee.name), ASSIGNEE)
    assert [a.name for a in (await _task(bank, task.name)).attachments] == [by_assigner.name]
    error = await _refused(bank, "DeleteTaskAttachment", pb.DeleteTaskAttachmentRequest(name=by_leader.name))
    assert error.code() == grpc.StatusCode.NOT_FOUND


async def test_a_cancelled_or_accepted_task_keeps_its_files_as_they_are(bank: Bank) -> None:
    cancelled = await bank.assign(ASSIGNER, ASSIGNEE, title="取消的")
    kept = await _upload(bank, cancelled.name, "a.pdf", files.PDF)
    await bank.call("CancelTask", pb.CancelTaskRequest(name=cancelled.name), ASSIGNER)
    accepted = await bank.assign(ASSIGNER, ASSIGNEE, title="验收的")
    record = await _upload(bank, accepted.name, "b.pdf", files.PDF)
    await bank.call("StartTask", pb.StartTaskRequest(name=accepted.name), ASSIGNEE)
    done = (
        await bank.call("CompleteTask", pb.CompleteTaskRequest(name=accepted.name, completion=DONE), ASSIGNEE)
    ).task
    # a completed task waiting for review still takes files (the assignee's evidence)
    await _upload(bank, accepted.name, "c.pdf", files.PDF)
    await bank.call("AcceptTask", pb.AcceptTaskRequest(name=accepted.name, etag=done.etag), ASSIGNER)
    for task, attachment in ((cancelled, kept), (accepted, record)):
        error = await _refused(
            bank,
            "CreateTaskAttachment",
            pb.CreateTaskAttachmentRequest(parent=task.name, file_name="d.pdf", content=files.PDF),
        )
        assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
        error = await _refused(
            bank, "DeleteTaskAttachment", pb.DeleteTaskAttachmentRequest(name=attachment.name), ASSIGNER
        )
        assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
        got = await bank.call(
            "DownloadTaskAttachment", pb.DownloadTaskAttachmentRequest(name=attachment.name)
        )
        assert got.content == files.PDF
