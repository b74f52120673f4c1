"""Small files of each kind for the attachment tests (kam_kit.attachments and the services that keep files): made in
the test, no fixtures on disk."""

from __future__ import annotations

import io
import zipfile

#: A PDF (its header, one object, binary bytes, the trailer).
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32
#: A Windows executable (PE, ``MZ``) and a Linux one (ELF).
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


def office_zip(*parts: str) -> bytes:
    """A zip holding ``parts`` (each a tiny XML): with ``[Content_Types].xml`` and ``word/document.xml`` a .docx,
    with ``xl/workbook.xml`` an .xlsx; add ``word/vbaProject.bin`` for macros, leave the content types out for a
    plain archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in parts:
            archive.writestr(part, "<xml/>")
    return buffer.getvalue()


def docx() -> bytes:
    """A Word document (.docx)."""
    return office_zip("[Content_Types].xml", "word/document.xml")


def ole(*streams: str) -> bytes:
    """A minimal OLE compound file (.doc/.xls): the header, then one directory sector naming the root and
    ``streams`` (``WordDocument`` a .doc, ``Workbook`` an .xls, ``Macros`` macros)."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[30:32] = (9).to_bytes(2, "little")  # 512-byte sectors
    directory = bytearray()
    for name, kind in (("Root Entry", 5), *((stream, 2) for stream in streams)):
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry[: len(encoded)] = encoded
        entry[64:66] = len(encoded).to_bytes(2, "little")
        entry[66] = kind
        directory += entry
    directory += bytes(512 - len(directory) % 512)
    return bytes(header + directory + b"\x01" * 512)
