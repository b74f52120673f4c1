"""kam_kit.attachments, the rules every service's attachments follow: types recognised from the content (an
executable named .pdf, text with a NUL, a macro document and a renamed zip refused), the extension agreeing with
it, the size limit and its setting, file names sanitised."""

from __future__ import annotations

import pytest
from kam_devkit import files
from kam_kit import attachments as rules
from kam_kit.errors import Validator
from kam_kit.settings import SettingsError


def _check(file_name: str, content: bytes, max_bytes: int = rules.DEFAULT_MAX_BYTES) -> tuple:
    v = Validator()
    kind = rules.check_upload(v, file_name, content, max_bytes)
    return kind, {violation.field: violation.description for violation in v.violations}


def test_office_documents_images_and_text_are_recognised_from_their_content() -> None:
    allowed = {
        "a.pdf": (files.PDF, rules.PDF),
        "a.docx": (files.docx(), rules.DOCX),
        "b.xlsx": (files.office_zip("[Content_Types].xml", "xl/workbook.xml"), rules.XLSX),
        "c.pptx": (files.office_zip("[Content_Types].xml", "ppt/presentation.xml"), rules.PPTX),
        "d.doc": (files.ole("WordDocument", "1Table"), rules.DOC),
        "e.xls": (files.ole("Workbook"), rules.XLS),
        "f.png": (files.PNG, rules.PNG),
        "g.JPG": (files.JPEG, rules.JPEG),
        "g.jpeg": (files.JPEG, rules.JPEG),
        "h.gif": (files.GIF, rules.GIF),
        "i.txt": ("\ufeff通知：请于周五前提交。\r\n".encode(), rules.TEXT),
        "名单.csv": ("客户,金额\n张三,1000000\n".encode(), rules.CSV),
    }
    for file_name, (content, kind) in allowed.items():
        assert _check(file_name, content) == (kind, {}), file_name
    assert set(rules.ALLOWED_EXTENSIONS) == {e for k in rules.KINDS for e in k.extensions}


def test_executables_macros_archives_and_binary_text_are_refused_by_content() -> None:
    refused = {
        "报告.pdf": files.EXE,  # a PE named .pdf
        "报表.pdf": files.ELF,
        "说明.txt": "第一行\x00第二行".encode(),  # text with a NUL
        "run.txt": b"#!/bin/sh\nrm -rf /\n",
        "宏.docx": files.office_zip("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"),
        "宏.doc": files.ole("WordDocument", "Macros"),
        "包.docx": files.office_zip("word/document.xml"),  # a zip, not an Office document
        "坏.docx": b"PK\x03\x04" + b"\x00" * 40,  # not even a zip
        "未知.pdf": bytes(range(256)),
    }
    for file_name, content in refused.items():
        kind, problems = _check(file_name, content)
        assert kind is None and set(problems) == {"content"}, file_name
    with pytest.raises(rules.Refused, match="可执行"):
        rules.recognise(files.EXE, "a.pdf")


def test_the_extension_must_agree_with_the_content() -> None:
    for file_name, content in (("图.pdf", files.PNG), ("启动.bat", b"echo hi\r\n"), ("README", b"text")):
        kind, problems = _check(file_name, content)
        assert kind is None and set(problems) == {"file_name"}, file_name
    assert "PNG" in _check("图.pdf", files.PNG)[1]["file_name"]


def test_empty_nameless_and_too_large_files() -> None:
    assert set(_check("", b"")[1]) == {"file_name"}
    assert set(_check("a.txt", b"")[1]) == {"content"}
    large = b"%PDF-1.7\n" + b"0" * (rules.DEFAULT_MAX_BYTES - 9 + 1)
    kind, problems = _check("大.pdf", large)
    assert kind is None and "10 MiB" in problems["content"]
    assert _check("刚好.pdf", large[:-1]) == (rules.PDF, {})
    assert "2 KiB" in _check("a.txt", b"x" * 2049, max_bytes=2048)[1]["content"]


def test_the_size_limit_is_a_setting_within_what_grpc_carries(monkeypatch: pytest.MonkeyPatch) -> None:
    assert rules.max_bytes_setting("KAM_X_ATTACHMENT_MAX_BYTES") == rules.DEFAULT_MAX_BYTES
    monkeypatch.setenv("KAM_X_ATTACHMENT_MAX_BYTES", "2048")
    assert rules.max_bytes_setting("KAM_X_ATTACHMENT_MAX_BYTES") == 2048
    monkeypatch.setenv("KAM_X_ATTACHMENT_MAX_BYTES", str(rules.MAX_MAX_BYTES + 1))
    with pytest.raises(SettingsError):
        rules.max_bytes_setting("KAM_X_ATTACHMENT_MAX_BYTES")


def test_file_names_are_sanitised() -> None:
    assert rules.clean_file_name("C:\\Users\\张三\\..\\年终\x07安排.pdf") == "年终安排.pdf"
    assert rules.clean_file_name("../../etc/passwd") == "passwd"
    assert rules.clean_file_name("invoice\u202efdp.exe") == "invoicefdp.exe"  # no right-to-left trick
    assert rules.clean_file_name('a<b>:"c"|?*.txt') == "a_b___c____.txt"
    assert rules.clean_file_name("  ..  ") == ""
    long = rules.clean_file_name("长" * 300 + ".docx")
    assert len(long) == rules.MAX_FILE_NAME and long.endswith(".docx")
