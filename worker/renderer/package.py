"""Writes the OPC (zip) package with fixed entry dates, so equal input gives equal bytes.

Why not ``Document.save``: python-docx stamps every zip entry with the current time, so
two renderings of the same snapshot would differ, and document versions are compared by
checksum. We walk the same parts in the same order and write them ourselves.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from docx.document import Document as DocxDocument
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem

#: zlib level: 6 is zlib's default; the document part dominates, and level 6 keeps the
#: file small at a cost the benchmark shows to be modest.
COMPRESSION_LEVEL = 6


def zip_date(moment: datetime) -> tuple[int, int, int, int, int, int]:
    """A zip entry's date (zip dates run 1980-2107, local time without zone)."""
    year = min(max(moment.year, 1980), 2107)
    return (year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def write_package(doc: DocxDocument, moment: datetime) -> bytes:
    package = doc.part.package
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    stamp = zip_date(moment)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:

        def add(name: str, blob: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # the same bytes on every operating system
            info.external_attr = 0
            archive.writestr(info, blob, compresslevel=COMPRESSION_LEVEL)

        add(CONTENT_TYPES_URI.membername, _ContentTypesItem.from_parts(parts).blob)
        add(PACKAGE_URI.rels_uri.membername, _text(package.rels.xml))
        for part in parts:
            add(part.partname.membername, part.blob)
            if len(part.rels):
                add(part.partname.rels_uri.membername, _text(part.rels.xml))
    return buffer.getvalue()


def _text(xml: str | bytes) -> bytes:
    return xml.encode("utf-8") if isinstance(xml, str) else xml
