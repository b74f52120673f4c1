"""Announcement attachments through the notice service's gRPC API on real databases: the exact bytes back with
their SHA-256, types recognised from the content (an executable named .pdf, text with a NUL, a macro document and
a renamed zip refused), the size and count limits, file names sanitised, who may add, remove and download, and
attachments going with their announcement. The rules themselves (kam_kit.attachments) are tested in the kit."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import grpc
import pytest
from kam.notice.v1 import announcement_service_pb2 as pb
from kam.notice.v1 import notice_pb2
from kam_devkit import files
from kam_kit import attachments as rules
from kam_kit import auth
from kam_kit.errors import InvalidArgument
from kam_notice.adapters.orm import AttachmentRow
from kam_notice.bootstrap import attachment_max_bytes
from kam_notice.service_layer.attachments import Attachments
from notice_testlib import NOW, Bank, violation_texts, violations
from sqlalchemy import func, select

PDF, PNG = files.PDF, files.PNG
EVERYONE = notice_pb2.Audience(all_users=True)
_zip, _ole = files.office_zip, files.ole


async def _upload(bank: Bank, parent: str, file_name: str, content: bytes, who: str = "users/leader"):
    response = await bank.call(
        "CreateAttachment",
        pb.CreateAttachmentRequest(parent=parent, file_name=file_name, content=content),
        who,
    )
    return response.attachment


async def _refused(bank: Bank, method: str, request, who: str = "users/leader") -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await bank.call(method, request, who)
    return refused.value


async def test_an_upload_lists_on_the_announcement_and_downloads_as_the_exact_bytes(bank: Bank) -> None:
    sent = await bank.publish(audience=EVERYONE)
    pdf = await _upload(bank, sent.name, "年终决算安排.pdf", PDF)
    csv = "客户,金额\n张三,1000000\n".encode()
    table = await _upload(bank, sent.name, "名单.csv", csv)
    assert pdf.name.startswith(f"{sent.name}/attachments/")
    assert (pdf.file_name, pdf.content_type, pdf.size_bytes, pdf.sha256, pdf.uploader) == (
        "年终决算安排.pdf",
        "application/pdf",
        len(PDF),
        hashlib.sha256(PDF).hexdigest(),
        "users/leader",
    )
    assert pdf.create_time.ToDatetime().replace(tzinfo=NOW.tzinfo) == NOW
    assert table.content_type == "text/csv; charset=utf-8"
    # the audience sees them on the announcement, in upload order, and downloads the exact bytes
    seen = (
        await bank.call("GetAnnouncement", pb.GetAnnouncementRequest(name=sent.name), "users/rm_dongcheng")
    ).announcement
    assert [a.name for a in seen.attachments] == [pdf.name, table.name]
    assert seen.etag == sent.etag  # a file is not an edit of the announcement
    listed = await bank.call("ListAnnouncements", pb.ListAnnouncementsRequest(), "users/rm_shanghai")
    assert [a.file_name for a in listed.announcements[0].attachments] == ["年终决算安排.pdf", "名单.csv"]
    for attachment, content in ((pdf, PDF), (table, csv)):
        got = await bank.call(
            "DownloadAttachment", pb.DownloadAttachmentRequest(name=attachment.name), "users/rm_dongcheng"
        )
        assert got.content == content and got.attachment == attachment
        assert hashlib.sha256(got.content).hexdigest() == attachment.sha256


async def test_office_documents_and_images_are_recognised_from_their_content(bank: Bank) -> None:
    sent = await bank.publish(audience=EVERYONE)
    files = {
        "a.docx": (_zip("[Content_Types].xml", "word/document.xml"), rules.DOCX),
        "b.xlsx": (_zip("[Content_Types].xml", "xl/workbook.xml"), rules.XLSX),
        "c.pptx": (_zip("[Content_Types].xml", "ppt/presentation.xml"), rules.PPTX),
        "d.doc": (_ole("WordDocument", "1Table"), rules.DOC),
        "e.xls": (_ole("Workbook"), rules.XLS),
        "f.png": (PNG, rules.PNG),
        "g.jpg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32, rules.JPEG),
        "h.gif": (b"GIF89a" + b"\x00" * 32, rules.GIF),
        "i.txt": ("\ufeff通知：请于周五前提交。\r\n".encode(), rules.TEXT),
    }
    for file_name, (content, kind) in files.items():
        attachment = await _upload(bank, sent.name, file_name, content)
        assert attachment.content_type == kind.content_type, file_name


async def test_executables_macros_archives_and_binary_text_are_refused_by_content(bank: Bank) -> None:
    sent = await bank.publish(audience=EVERYONE)
    refused = {
        "报告.pdf": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64,  # a PE named .pdf
        "报表.pdf": b"\x7fELF\x02\x01\x01" + b"\x00" * 64,
        "说明.txt": "第一行\x00第二行".encode(),  # text with a NUL
        "run.txt": b"#!/bin/sh\nrm -rf /\n",
        "宏.docx": _zip("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"),
        "宏.doc": _ole("WordDocument", "Macros"),
        "包.docx": _zip("word/document.xml"),  # a zip, not an Office document
        "未知.pdf": bytes(range(256)),
    }
    for file_name, content in refused.items():
        error = await _refused(
            bank,
            "CreateAttachment",
            pb.CreateAttachmentRequest(parent=sent.name, file_name=file_name, content=content),
        )
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, file_name
        assert violations(error) == {"content"}, file_name
    # the extension must agree with the content: a PNG named .pdf, text named .bat
    for file_name, content in (("图.pdf", PNG), ("启动.bat", b"echo hi\r\n")):
        error = await _refused(
            bank,
            "CreateAttachment",
            pb.CreateAttachmentRequest(parent=sent.name, file_name=file_name, content=content),
        )
        assert violations(error) == {"file_name"}, file_name
    error = await _refused(
        bank, "CreateAttachment", pb.CreateAttachmentRequest(parent=sent.name, file_name="", content=b"")
    )
    assert violations(error) == {"file_name"}
    shown = await bank.call("GetAnnouncement", pb.GetAnnouncementRequest(name=sent.name), "users/leader")
    assert not shown.announcement.attachments


async def test_too_large_a_file_and_an_eleventh_are_refused(bank: Bank) -> None:
    sent = await bank.publish(audience=EVERYONE)
    large = b"%PDF-1.7\n" + b"0" * (rules.DEFAULT_MAX_BYTES - 9 + 1)
    error = await _refused(
        bank,
        "CreateAttachment",
        pb.CreateAttachmentRequest(parent=sent.name, file_name="大.pdf", content=large),
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "10 MiB" in violation_texts(error)["content"]
    assert (await _upload(bank, sent.name, "刚好.pdf", large[:-1])).size_bytes == rules.DEFAULT_MAX_BYTES
    for index in range(rules.MAX_FILES - 1):
        await _upload(bank, sent.name, f"第{index}份.txt", f"附件 {index}".encode())
    error = await _refused(
        bank,
        "CreateAttachment",
        pb.CreateAttachmentRequest(parent=sent.name, file_name="第十一份.txt", content=b"one too many"),
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and violations(error) == {"parent"}


async def test_the_size_limit_is_configurable(bank: Bank, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAM_NOTICE_ATTACHMENT_MAX_BYTES", "2048")
    attachments = Attachments(bank.db, bank.clock, bank.service, attachment_max_bytes())
    sent = await bank.publish(audience=EVERYONE)
    leader = auth.Identity(
        subject="users/leader",
        roles=("roles/head_office_leader",),
        org_unit="orgUnits/0000",
        display_name="l",
    )
    with pytest.raises(InvalidArgument) as refused:
        await attachments.create(leader, sent.name, "a.txt", b"x" * 2049)
    assert "2 KiB" in refused.value.violations[0].description
    assert (await attachments.create(leader, sent.name, "a.txt", b"x" * 2048)).size_bytes == 2048


async def test_a_sanitised_name_is_what_the_attachment_keeps(bank: Bank) -> None:
    sent = await bank.publish(audience=EVERYONE)
    attachment = await _upload(bank, sent.name, "/tmp/../通知\r\n.txt", "通知".encode())
    assert attachment.file_name == "通知.txt"


async def test_only_its_publisher_or_an_administrator_adds_or_removes_files(bank: Bank) -> None:
    sent = await bank.publish(audience=EVERYONE)  # by users/leader
    mine = await _upload(bank, sent.name, "a.pdf", PDF)
    error = await _refused(
        bank,
        "CreateAttachment",
        pb.CreateAttachmentRequest(parent=sent.name, file_name="b.pdf", content=PDF),
        "users/bm_beijing",
    )
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    error = await _refused(
        bank, "DeleteAttachment", pb.DeleteAttachmentRequest(name=mine.name), "users/bm_beijing"
    )
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    by_admin = await _upload(bank, sent.name, "b.pdf", PDF, "users/admin")  # announcements.manage
    await bank.call("DeleteAttachment", pb.DeleteAttachmentRequest(name=mine.name), "users/admin")
    await bank.call("DeleteAttachment", pb.DeleteAttachmentRequest(name=by_admin.name), "users/leader")
    error = await _refused(bank, "DeleteAttachment", pb.DeleteAttachmentRequest(name=by_admin.name))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    shown = await bank.call("GetAnnouncement", pb.GetAnnouncementRequest(name=sent.name))
    assert not shown.announcement.attachments
    # history is not changed
    bank.clock.advance(timedelta(days=8))
    await bank.service.tick()
    error = await _refused(
        bank, "CreateAttachment", pb.CreateAttachmentRequest(parent=sent.name, file_name="c.pdf", content=PDF)
    )
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION


async def test_outside_the_audience_an_attachment_does_not_exist(bank: Bank) -> None:
    sent = await bank.publish(audience=notice_pb2.Audience(org_units=["orgUnits/0100"]))
    attachment = await _upload(bank, sent.name, "北京.pdf", PDF)
    got = await bank.call(
        "DownloadAttachment", pb.DownloadAttachmentRequest(name=attachment.name), "users/rm_dongcheng"
    )
    assert got.content == PDF
    error = await _refused(
        bank, "DownloadAttachment", pb.DownloadAttachmentRequest(name=attachment.name), "users/rm_shanghai"
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND
    error = await _refused(  # nor can they add to it
        bank,
        "CreateAttachment",
        pb.CreateAttachmentRequest(parent=sent.name, file_name="x.pdf", content=PDF),
        "users/rm_shanghai",
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND
    # another announcement's attachment id under this one is not found either
    other = await bank.publish(audience=EVERYONE)
    mixed = f"{other.name}/attachments/{attachment.name.rpartition('/')[2]}"
    error = await _refused(bank, "DownloadAttachment", pb.DownloadAttachmentRequest(name=mixed))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    error = await _refused(bank, "DownloadAttachment", pb.DownloadAttachmentRequest(name="announcements/x"))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and violations(error) == {"name"}


async def test_deleting_the_announcement_removes_its_attachments(bank: Bank) -> None:
    sent = await bank.publish(audience=EVERYONE)
    kept = await bank.publish(title="另一条", audience=EVERYONE)
    attachment = await _upload(bank, sent.name, "a.pdf", PDF)
    await _upload(bank, sent.name, "b.pdf", PDF)
    await _upload(bank, kept.name, "c.pdf", PDF)
    await bank.call("DeleteAnnouncement", pb.DeleteAnnouncementRequest(name=sent.name))
    async with bank.db.read() as session:
        left = await session.scalars(select(AttachmentRow.announcement_id))
        assert set(left) == {kept.name.removeprefix("announcements/")}
        assert await session.scalar(select(func.count()).select_from(AttachmentRow)) == 1
    error = await _refused(bank, "DownloadAttachment", pb.DownloadAttachmentRequest(name=attachment.name))
    assert error.code() == grpc.StatusCode.NOT_FOUND
