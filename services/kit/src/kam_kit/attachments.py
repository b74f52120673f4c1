"""Attachments' rules, without I/O — one check for every service that keeps files (announcements in the notice
service, tasks in the task service): which files are allowed — recognised from their content (magic bytes and
structure), never from their name — how large, how many, and what a file name may be.

Allowed: PDF, PNG, JPEG, GIF; Word, Excel and PowerPoint as Office Open XML (.docx/.xlsx/.pptx: a zip holding
``[Content_Types].xml`` and the document's part) or as the older OLE compound files (.doc/.xls: the
``WordDocument`` / ``Workbook`` stream); plain text and CSV (valid UTF-8 without NUL). Everything else is refused:
executables (PE ``MZ``, ELF, Mach-O, scripts starting with ``#!``), archives, documents carrying macros
(``vbaProject.bin``, a ``Macros`` / ``_VBA_PROJECT_CUR`` storage), unknown binaries. The name's extension must
agree with the content (a ``.bat`` that is text, a PNG named ``.pdf``), so what a browser or Windows does with the
saved file is what its content says.

A small check of our own rather than a library (``filetype``, ``python-magic``): those guess from the first bytes
only (a zip is "a zip", OLE "a compound file"), know nothing of text, and ``python-magic`` needs libmagic; here
the zip's directory and the OLE directory are read, which is what tells a .docx from a renamed .zip.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from kam_kit.errors import Validator
from kam_kit.settings import env_int

#: Default largest file (10 MiB); each service's setting changes it (:func:`max_bytes_setting`).
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: The largest limit that may be configured: a gRPC request to a service is at most 16 MiB.
MAX_MAX_BYTES = 15 * 1024 * 1024
#: The most files one resource (an announcement, a task) keeps.
MAX_FILES = 10
MAX_FILE_NAME = 200


@dataclass(frozen=True)
class Kind:
    """A kind of file that may be attached: its media type and the extensions its name may have."""

    content_type: str
    extensions: tuple[str, ...]
    label: str


PDF = Kind("application/pdf", (".pdf",), "PDF")
PNG = Kind("image/png", (".png",), "PNG")
JPEG = Kind("image/jpeg", (".jpg", ".jpeg"), "JPEG")
GIF = Kind("image/gif", (".gif",), "GIF")
DOCX = Kind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), "Word (.docx)"
)
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), "Excel (.xlsx)")
PPTX = Kind(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
    "PowerPoint (.pptx)",
)
DOC = Kind("application/msword", (".doc",), "Word (.doc)")
XLS = Kind("application/vnd.ms-excel", (".xls",), "Excel (.xls)")
TEXT = Kind("text/plain; charset=utf-8", (".txt",), "文本 (text)")
CSV = Kind("text/csv; charset=utf-8", (".csv",), "CSV")
KINDS = (PDF, PNG, JPEG, GIF, DOCX, XLSX, PPTX, DOC, XLS, TEXT, CSV)
#: What the console's file picker offers (the API decides by content anyway).
ALLOWED_EXTENSIONS = tuple(extension for kind in KINDS for extension in kind.extensions)

ALLOWED_TEXT = (
    "PDF、PNG、JPEG、GIF、Word、Excel、PowerPoint、文本或 CSV (PDF, images, Office documents, text or CSV)"
)

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EXECUTABLES = (
    (b"MZ", "Windows 可执行文件 (a Windows executable)"),
    (b"\x7fELF", "Linux 可执行文件 (an ELF executable)"),
    (b"\xfe\xed\xfa\xce", "macOS 可执行文件 (a Mach-O executable)"),
    (b"\xfe\xed\xfa\xcf", "macOS 可执行文件 (a Mach-O executable)"),
    (b"\xce\xfa\xed\xfe", "macOS 可执行文件 (a Mach-O executable)"),
    (b"\xcf\xfa\xed\xfe", "macOS 可执行文件 (a Mach-O executable)"),
    (b"\xca\xfe\xba\xbe", "可执行文件或 Java 类 (a Mach-O universal binary or Java class)"),
    (b"#!", "脚本 (a script)"),
)
#: OOXML: the part that makes the zip a document of each kind.
_OOXML_PARTS = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX), ("ppt/presentation.xml", PPTX))
_OLE_STREAMS = (("WordDocument", DOC), ("Workbook", XLS), ("Book", XLS))
_OLE_MACROS = ("Macros", "_VBA_PROJECT_CUR", "VBA")
_UNSAFE_NAME = re.compile(r'[<>:"|?*]')
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class Refused(ValueError):
    """The content is not a file that may be attached (the message says why, zh-CN first)."""


def recognise(content: bytes, file_name: str) -> Kind:
    """The kind of ``content``, or :class:`Refused`. ``file_name`` (already sanitised) only chooses between text
    and CSV, which the content cannot tell apart."""
    for magic, what in _EXECUTABLES:
        if content.startswith(magic):
            raise Refused(f"不允许上传{what}")
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if content.startswith(b"PK\x03\x04"):
        return _ooxml(content)
    if content.startswith(_OLE):
        return _ole(content)
    if _is_text(content):
        return CSV if file_name.lower().endswith(".csv") else TEXT
    raise Refused(f"不支持的文件类型，仅支持 {ALLOWED_TEXT}")


def _ooxml(content: bytes) -> Kind:
    """A .docx/.xlsx/.pptx: a zip with ``[Content_Types].xml`` and its main part (only the zip's directory is
    read, nothing is decompressed); one carrying macros is refused."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise Refused("文件已损坏 (a damaged zip/Office file)") from None
    if "[Content_Types].xml" not in names:
        raise Refused(f"不允许上传压缩包，仅支持 {ALLOWED_TEXT}")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise Refused("不允许上传含宏的文档 (documents with macros are not allowed)")
    for part, kind in _OOXML_PARTS:
        if part in names:
            return kind
    raise Refused(f"不支持的 Office 文件，仅支持 {ALLOWED_TEXT}")


def _ole(content: bytes) -> Kind:
    """A .doc/.xls: an OLE compound file whose directory names a ``WordDocument`` or ``Workbook`` stream; one
    carrying macros is refused."""
    names = _ole_names(content)
    if not names.isdisjoint(_OLE_MACROS):
        raise Refused("不允许上传含宏的文档 (documents with macros are not allowed)")
    for stream, kind in _OLE_STREAMS:
        if stream in names:
            return kind
    raise Refused(f"不支持的文件类型，仅支持 {ALLOWED_TEXT}")


def _ole_names(content: bytes) -> set[str]:
    """The names in an OLE compound file's directory: every 128-byte directory entry in its sectors (a name of up
    to 31 UTF-16LE characters, its length in bytes at offset 64, the entry's type — storage, stream, root — at
    66). The directory's sectors are not followed through the FAT: each sector is looked at, which finds the same
    entries (data that happens to look like one only adds a name)."""
    if len(content) < 512:
        return set()
    shift = int.from_bytes(content[30:32], "little")
    sector = 1 << shift if shift in (9, 12) else 512
    names: set[str] = set()
    for start in range(sector, len(content) - 127, 128):
        entry = content[start : start + 128]
        length = int.from_bytes(entry[64:66], "little")
        if not (2 <= length <= 64 and length % 2 == 0 and entry[66] in (1, 2, 5)):
            continue
        raw = entry[: length - 2]
        if entry[length - 2 : length] != b"\x00\x00":
            continue
        try:
            name = raw.decode("utf-16-le")
        except UnicodeDecodeError:
            continue
        if name.isprintable():
            names.add(name)
    return names


def _is_text(content: bytes) -> bool:
    """Valid UTF-8 (a BOM allowed) without NUL or other control characters but tab, line feed, carriage return
    and form feed."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return _CONTROL.search(text) is None


def clean_file_name(raw: str) -> str:
    """The name as stored: its last path part, without control or formatting characters (a right-to-left mark
    hides an extension), characters Windows refuses replaced by ``_``, at most :data:`MAX_FILE_NAME` characters
    (the extension kept). Empty when nothing is left."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp"))
    name = _UNSAFE_NAME.sub("_", name).strip().strip(".").strip()
    if len(name) > MAX_FILE_NAME:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) <= 10:
            name = f"{stem[: MAX_FILE_NAME - len(extension) - 1].rstrip()}.{extension}"
        else:
            name = name[:MAX_FILE_NAME]
    return name


def check_upload(v: Validator, file_name: str, content: bytes, max_bytes: int) -> Kind | None:
    """Field violations of an upload (``file_name`` already cleaned); its kind when it may be attached."""
    if not v.require(file_name, "file_name", "请填写文件名 (file name required)"):
        return None
    if not v.check(bool(content), "content", "文件为空 (the file is empty)"):
        return None
    if not v.check(
        len(content) <= max_bytes,
        "content",
        f"文件过大：最大 {_size(max_bytes)} (at most {_size(max_bytes)}; this one is {_size(len(content))})",
    ):
        return None
    try:
        kind = recognise(content, file_name)
    except Refused as refused:
        v.add("content", str(refused))
        return None
    extension = "." + file_name.rpartition(".")[2].lower() if "." in file_name else ""
    if not v.check(
        extension in kind.extensions,
        "file_name",
        f"扩展名与文件内容不符：内容是 {kind.label}，扩展名应为 {' / '.join(kind.extensions)}"
        f" (the extension does not match the content)",
    ):
        return None
    return kind


def max_bytes_setting(variable: str) -> int:
    """The largest file a service accepts: the environment variable ``variable`` (e.g.
    ``KAM_TASK_ATTACHMENT_MAX_BYTES``), :data:`DEFAULT_MAX_BYTES` unless set, at most :data:`MAX_MAX_BYTES`."""
    return env_int(variable, DEFAULT_MAX_BYTES, minimum=1, maximum=MAX_MAX_BYTES)


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MiB"
    if size >= 1024:
        return f"{size / 1024:.3g} KiB"
    return f"{size} B"
