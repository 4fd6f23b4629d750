"""What a rendered DOCX says about itself, invisibly: which version it is, where each section is.

Why: a document that goes out to Word must come back as proposals on the sections it
showed, based on the revisions it showed. Two carriers, both kept by Word and by
LibreOffice when they re-save a file (tests/renderer/test_markers.py proves LibreOffice):

- custom document properties (``docProps/custom.xml``, "File → Properties → Custom"):
  the cluster's slug, the version number, the document's id when known, a checksum of
  the snapshot, and the sections shown with their revisions;
- one bookmark per section, ``studio_s_<key>_r<revision>``, from the end of the
  section's heading to the start of the next heading: the section's content lies inside.
  Bookmarks were chosen over block content controls because LibreOffice flattens
  block-level ``w:sdt`` when it re-saves a DOCX but keeps bookmarks.

Word limits bookmark names to 40 characters; a key too long for that is written as the
section's position (``studio_s<n>_r<revision>``) and read back through the properties.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part

PREFIX = "studio_"
MAX_BOOKMARK = 40
#: Bookmark ids of the section markers: far above the contents' ones (1, 2, …).
FIRST_ID = 900_000

CUSTOM_PART = "/docProps/custom.xml"
CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the user-defined properties' set

#: The properties' names (strings all: LibreOffice turns numbers into floats).
CLUSTER, VERSION, DOCUMENT, CHECKSUM, SECTIONS = (
    "studio.cluster",
    "studio.version",
    "studio.document",
    "studio.checksum",
    "studio.sections",
)

_BY_KEY = re.compile(r"studio_s_([a-z][a-z0-9_]*)_r(\d{1,12})")
_BY_POSITION = re.compile(r"studio_s(\d{1,6})_r(\d{1,12})")


def snapshot_checksum(snapshot: Mapping[str, Any]) -> str:
    """SHA-256 of the whole snapshot as canonical JSON: the web app recomputes it to check
    that a file came from the version it names."""
    # ASCII escapes: any text (a lone surrogate included) has one encoding.
    try:
        encoded = json.dumps(snapshot, sort_keys=True, default=str).encode()
    except (TypeError, ValueError):  # keys of mixed types, or a cycle: not a snapshot we made
        encoded = repr(snapshot).encode("utf-8", "backslashreplace")
    return hashlib.sha256(encoded).hexdigest()


def bookmark_name(key: str, revision: int, position: int) -> str:
    name = f"{PREFIX}s_{key}_r{revision}"
    if len(name) <= MAX_BOOKMARK and _BY_KEY.fullmatch(name):
        return name
    return f"{PREFIX}s{position}_r{revision}"


def parse_bookmark(name: str, keys: Sequence[str] = ()) -> tuple[str, int] | None:
    """(section key, revision) of a marker's name; None for any other bookmark.

    ``keys``: the sections in document order (the ``studio.sections`` property), for
    names that give a position. Word may append nothing, but LibreOffice and people may
    rename copies ("studio_s_swot_r3_1"): those are not markers.
    """
    match = _BY_KEY.fullmatch(name)
    if match:
        return match.group(1), int(match.group(2))
    match = _BY_POSITION.fullmatch(name)
    if match and int(match.group(1)) < len(keys):
        return keys[int(match.group(1))], int(match.group(2))
    return None


def properties_xml(values: Mapping[str, str]) -> bytes:
    items = "".join(
        f'<property fmtid="{_FMTID}" pid="{pid}" name="{escape(name, {chr(34): "&quot;"})}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(values.items(), 2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Properties xmlns="{_CUSTOM_NS}" xmlns:vt="{_VT_NS}">{items}</Properties>'
    ).encode()


def add_properties(package: Any, values: Mapping[str, str]) -> None:
    """Put ``values`` as the package's custom properties (a template's own are replaced)."""
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.CUSTOM_PROPERTIES:
            del package.rels[rid]
    part = Part(PackURI(CUSTOM_PART), CUSTOM_TYPE, properties_xml(values), package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def marker_values(snapshot: Mapping[str, Any], sections: Sequence[tuple[str, int]], version: int) -> dict:
    """The properties of one rendering; keys absent from the snapshot are left out."""
    values = {VERSION: str(version), CHECKSUM: snapshot_checksum(snapshot)}
    cluster = snapshot.get("cluster")
    slug = cluster.get("slug") if isinstance(cluster, Mapping) else None
    if isinstance(slug, str) and slug:
        values[CLUSTER] = slug
    document = snapshot.get("document_id")
    if isinstance(document, int) and not isinstance(document, bool):
        values[DOCUMENT] = str(document)
    values[SECTIONS] = json.dumps([[key, revision] for key, revision in sections], separators=(",", ":"))
    return values
