"""Opening an uploaded DOCX without trusting it: the zip's sizes before any byte is
inflated, no macros, XML parsed with no entities, no DTD and no network.

Why here, before any reading: a file from outside may be anything — a renamed PDF, a
truncated download, a zip bomb, a .docm with macros, an XML entity bomb. Each is refused
with a code the web app turns into a message in the person's language (422), before
anything is written. External links and embedded objects are not refusals: they are
left out of what is read (never fetched) and listed in ``Package.ignored``.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from lxml import etree

CONTENT_TYPES = "[Content_Types].xml"
MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
}
MACRO_TYPES = {
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    "application/vnd.ms-office.vbaProject",
}
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


@dataclass(frozen=True)
class Limits:
    """What one upload may unpack to (generous for a 300-page strategy with pictures)."""

    max_entries: int = 3000
    max_unpacked: int = 300 * 1024 * 1024  # all entries together
    max_part: int = 120 * 1024 * 1024  # one XML part
    max_ratio: int = 200  # unpacked / packed, for entries above 1 MiB unpacked


class UnreadableFile(Exception):
    """The file is refused; ``code``: not_docx, damaged, bomb, macros, encrypted."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def safe_parser() -> etree.XMLParser:
    """No entity expansion, no DTD, no network, no huge trees."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


def parse_xml(data: bytes) -> etree._Element:
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as error:
        raise UnreadableFile("damaged", str(error)[:200]) from None
    if root is None:
        raise UnreadableFile("damaged", "empty part")
    return root


@dataclass
class Package:
    """The parts of a checked DOCX, read on demand."""

    archive: zipfile.ZipFile
    names: set[str]
    main: str = "word/document.xml"
    ignored: list[str] = field(default_factory=list)  # external links, embedded objects

    def has(self, name: str) -> bool:
        return name in self.names

    def read(self, name: str) -> bytes:
        try:
            return self.archive.read(name)
        except (zipfile.BadZipFile, zlib_errors(), EOFError, OSError) as error:
            raise UnreadableFile("damaged", f"{name}: {error}"[:200]) from None

    def xml(self, name: str) -> etree._Element | None:
        return parse_xml(self.read(name)) if name in self.names else None

    def relationships(self, part: str) -> dict[str, tuple[str, str, bool]]:
        """rId → (type, target, external) of a part's relationships."""
        folder, _, base = part.rpartition("/")
        rels = self.xml(f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels")
        result: dict[str, tuple[str, str, bool]] = {}
        if rels is None:
            return result
        for rel in rels.iter(f"{_REL_NS}Relationship"):
            rid, kind, target = rel.get("Id"), rel.get("Type") or "", rel.get("Target") or ""
            if rid:
                result[rid] = (kind, target, rel.get("TargetMode") == "External")
        return result


def zlib_errors() -> type[Exception]:
    import zlib

    return zlib.error


DEFAULT_LIMITS = Limits()


def open_package(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Package:
    """Check ``data`` is a DOCX that may be read; raise ``UnreadableFile`` if not."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE: a .doc, or an encrypted DOCX
        raise UnreadableFile(
            "encrypted" if b"E\x00n\x00c\x00r\x00y\x00p\x00t" in data[:65536] else "not_docx"
        )
    if data[:2] != b"PK":
        raise UnreadableFile("not_docx")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zlib_errors(), EOFError, OSError, ValueError) as error:
        raise UnreadableFile("damaged", str(error)[:200]) from None
    if len(infos) > limits.max_entries:
        raise UnreadableFile("bomb", f"{len(infos)} entries")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise UnreadableFile(
                "bomb", f"{info.filename} inflates {info.file_size // max(info.compress_size, 1)}×"
            )
        if info.filename.endswith(".xml") and info.file_size > limits.max_part:
            raise UnreadableFile("bomb", f"{info.filename}: {info.file_size} bytes")
        if info.flag_bits & 0x1:
            raise UnreadableFile("encrypted")
    if total > limits.max_unpacked:
        raise UnreadableFile("bomb", f"{total} bytes unpacked")
    names = {info.filename for info in infos}
    package = Package(archive, names)
    if CONTENT_TYPES not in names:
        raise UnreadableFile("not_docx", "no content types")
    types = package.xml(CONTENT_TYPES)
    declared = {el.get("ContentType") for el in types.iter(f"{_CT_NS}Override", f"{_CT_NS}Default")}
    macro_types = declared & MACRO_TYPES or any("macroenabled" in (t or "").lower() for t in declared)
    if macro_types or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise UnreadableFile("macros")
    main = [
        el.get("PartName", "").lstrip("/")
        for el in types.iter(f"{_CT_NS}Override")
        if el.get("ContentType") in MAIN_TYPES
    ]
    if not main or main[0] not in names:
        raise UnreadableFile("not_docx", "no main document part")
    package.main = main[0]
    for kind, target, external in package.relationships(main[0]).values():
        if external and kind != _HYPERLINK:
            package.ignored.append(f"external:{kind.rsplit('/', 1)[-1]}:{target[:200]}")
        elif not external and kind.rsplit("/", 1)[-1] in ("oleObject", "package", "control", "aFChunk"):
            package.ignored.append(f"embedded:{kind.rsplit('/', 1)[-1]}:{target[:200]}")
    return package
