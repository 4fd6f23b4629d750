"""A DOCX body as plain blocks: paragraphs (style, list, runs with emphasis) and tables,
with the section markers, comments and tracked changes found on the way.

Why blocks and not python-docx's objects: tracked changes, comment ranges and bookmarks
sit between runs, where python-docx does not look; one ordered walk over the XML sees
them all. Tracked changes are read as if accepted: inserted text kept, deleted text (and
rows, and paragraph marks) dropped, and counted so the upload can say so.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from lxml import etree

from worker.renderer import markers
from worker.renderer.reader.package import Package, open_package

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CUSTOM_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_HEADING_NAME = re.compile(r"(?:heading|nagłówek|nag?wek|titre|überschrift)\s*(\d)", re.IGNORECASE)
_SKIPPED = {_W + "del", _W + "moveFrom", _W + "instrText", _W + "delInstrText", _W + "rPr", _W + "pPr"}
_MAX_LEVEL = 9


def w(tag: str) -> str:
    return _W + tag


#: Clark names of the tags and attributes read (computed once: the walk is hot).
W_abstractNum = _W + "abstractNum"
W_abstractNumId = _W + "abstractNumId"
W_ascii = _W + "ascii"
W_author = _W + "author"
W_b = _W + "b"
W_basedOn = _W + "basedOn"
W_body = _W + "body"
W_bookmarkEnd = _W + "bookmarkEnd"
W_bookmarkStart = _W + "bookmarkStart"
W_bottom = _W + "bottom"
W_br = _W + "br"
W_comment = _W + "comment"
W_commentRangeEnd = _W + "commentRangeEnd"
W_commentRangeStart = _W + "commentRangeStart"
W_commentReference = _W + "commentReference"
W_cr = _W + "cr"
W_customXml = _W + "customXml"
W_date = _W + "date"
W_del = _W + "del"
W_dstrike = _W + "dstrike"
W_fldChar = _W + "fldChar"
W_fldCharType = _W + "fldCharType"
W_fldSimple = _W + "fldSimple"
W_hyperlink = _W + "hyperlink"
W_i = _W + "i"
W_id = _W + "id"
W_ilvl = _W + "ilvl"
W_ins = _W + "ins"
W_jc = _W + "jc"
W_lvl = _W + "lvl"
W_moveFrom = _W + "moveFrom"
W_moveTo = _W + "moveTo"
W_name = _W + "name"
W_noBreakHyphen = _W + "noBreakHyphen"
W_num = _W + "num"
W_numFmt = _W + "numFmt"
W_numId = _W + "numId"
W_numPr = _W + "numPr"
W_outlineLvl = _W + "outlineLvl"
W_p = _W + "p"
W_pBdr = _W + "pBdr"
W_pPr = _W + "pPr"
W_pStyle = _W + "pStyle"
W_r = _W + "r"
W_rFonts = _W + "rFonts"
W_rPr = _W + "rPr"
W_rStyle = _W + "rStyle"
W_sdt = _W + "sdt"
W_sdtContent = _W + "sdtContent"
W_smartTag = _W + "smartTag"
W_strike = _W + "strike"
W_style = _W + "style"
W_styleId = _W + "styleId"
W_t = _W + "t"
W_tab = _W + "tab"
W_tbl = _W + "tbl"
W_tblHeader = _W + "tblHeader"
W_tc = _W + "tc"
W_tr = _W + "tr"
W_trPr = _W + "trPr"
W_type = _W + "type"
W_val = _W + "val"


@dataclass
class Span:
    text: str
    bold: bool = False
    italic: bool = False
    strike: bool = False
    code: bool = False
    href: str | None = None


@dataclass
class Para:
    spans: list[Span] = field(default_factory=list)
    style: str = ""  # the style's name, lower case
    heading: int = 0  # 1..9, 0 when not a heading
    list_kind: str | None = None  # "bullet" or "ordered"
    list_id: str = ""  # the numbering instance: a new one starts a new list
    align: str = ""  # left, right, center (w:jc)
    level: int = 0
    quote: bool = False
    code: bool = False
    rule: bool = False  # an empty paragraph with a bottom border: a Markdown "---"
    mark_deleted: bool = False  # tracked deletion of the paragraph mark: joins the next one

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass
class Table:
    rows: list[list[list[Para]]] = field(default_factory=list)  # rows → cells → paragraphs
    header_rows: int = 0

    def texts(self) -> list[list[str]]:
        return [["\n".join(p.text for p in cell_paras) for cell_paras in cells] for cells in self.rows]


Block = Para | Table


@dataclass
class Comment:
    id: str
    author: str
    date: str
    text: str
    quote: str = ""
    block: int = -1  # the block where the commented range starts


@dataclass
class Marker:
    key: str
    revision: int
    start: int  # the block holding the start (the section's heading)
    end: int | None = None  # the block holding the end (the next heading)


@dataclass
class ReadDocument:
    properties: dict[str, str]
    blocks: list[Block]
    markers: list[Marker]
    comments: list[Comment]
    insertions: int = 0  # tracked changes read as accepted
    deletions: int = 0
    changed_blocks: set[int] = field(default_factory=set)  # blocks holding tracked changes
    ignored: list[str] = field(default_factory=list)  # external links, embedded objects

    def section_blocks(self, marker: Marker) -> tuple[int, int]:
        """The blocks between a section's heading and the next heading: [start, end)."""
        later = [m.start for m in self.markers if m.start > marker.start]
        end = marker.end if marker.end is not None and marker.end > marker.start else None
        if end is None:
            end = min(later) if later else len(self.blocks)
        first = self.blocks[marker.start] if marker.start < len(self.blocks) else None
        # Enter at the end of the heading may carry the marker into the new paragraph
        # (Word does): a start that is no heading begins the content itself.
        if isinstance(first, Para) and not first.heading and first.text.strip():
            return marker.start, end
        return marker.start + 1, end


def _on(el: etree._Element | None) -> bool:
    if el is None:
        return False
    return el.get(W_val, "true").lower() not in ("0", "false", "off", "none")


class _Styles:
    """Paragraph and character styles by id: name, heading level, list, run emphasis."""

    def __init__(self, root: etree._Element | None) -> None:
        self.names: dict[str, str] = {}
        self.based: dict[str, str] = {}
        self.outline: dict[str, int] = {}
        self.num: dict[str, tuple[str, int]] = {}
        self._headings: dict[str, int] = {}
        if root is None:
            return
        for style in root.iter(W_style):
            sid = style.get(W_styleId) or ""
            name = style.find(W_name)
            self.names[sid] = (name.get(W_val) if name is not None else sid or "").lower()
            based = style.find(W_basedOn)
            if based is not None:
                self.based[sid] = based.get(W_val) or ""
            ppr = style.find(W_pPr)
            if ppr is not None:
                level = ppr.find(W_outlineLvl)
                if level is not None and (level.get(W_val) or "").isdigit():
                    self.outline[sid] = int(level.get(W_val)) + 1
                num = ppr.find(W_numPr)
                if num is not None:
                    num_id = num.find(W_numId)
                    ilvl = num.find(W_ilvl)
                    if num_id is not None:
                        self.num[sid] = (num_id.get(W_val) or "0", _int(ilvl, 0))

    def chain(self, sid: str) -> list[str]:
        seen: list[str] = []
        while sid and sid not in seen and len(seen) < 20:
            seen.append(sid)
            sid = self.based.get(sid, "")
        return seen

    def heading(self, sid: str) -> int:
        cached = self._headings.get(sid)
        if cached is None:
            cached = self._headings[sid] = self._heading(sid)
        return cached

    def _heading(self, sid: str) -> int:
        for s in self.chain(sid):
            match = _HEADING_NAME.fullmatch(self.names.get(s, "")) or _HEADING_NAME.fullmatch(s)
            if match:
                return int(match.group(1))
            if s in self.outline and self.outline[s] <= _MAX_LEVEL:
                return self.outline[s]
        return 0

    def list_of(self, sid: str) -> tuple[str, int] | None:
        for s in self.chain(sid):
            if s in self.num:
                return self.num[s]
        return None


class _Numbering:
    def __init__(self, root: etree._Element | None) -> None:
        self.abstract: dict[str, dict[int, str]] = {}
        self.nums: dict[str, str] = {}
        if root is None:
            return
        for abstract in root.iter(W_abstractNum):
            formats = {}
            for lvl in abstract.iter(W_lvl):
                fmt = lvl.find(W_numFmt)
                formats[_int_attr(lvl, "ilvl", 0)] = fmt.get(W_val) if fmt is not None else "decimal"
            self.abstract[abstract.get(W_abstractNumId) or ""] = formats
        for num in root.iter(W_num):
            ref = num.find(W_abstractNumId)
            if ref is not None:
                self.nums[num.get(W_numId) or ""] = ref.get(W_val) or ""

    def kind(self, num_id: str, level: int) -> str | None:
        if num_id in ("", "0"):
            return None
        fmt = self.abstract.get(self.nums.get(num_id, ""), {}).get(level, "bullet")
        return "bullet" if fmt in ("bullet", "none") else "ordered"


def _int(el: etree._Element | None, default: int) -> int:
    value = el.get(W_val) if el is not None else None
    return int(value) if value and value.isdigit() else default


def _int_attr(el: etree._Element, name: str, default: int) -> int:
    value = el.get(w(name))
    return int(value) if value and value.isdigit() else default


class _Walker:
    def __init__(self, package: Package) -> None:
        self.package = package
        rels = package.relationships(package.main)
        folder = package.main.rpartition("/")[0]

        def part(kind: str) -> etree._Element | None:
            for rel_kind, target, external in rels.values():
                if rel_kind == kind and not external:
                    name = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}"
                    return package.xml(name)
            return None

        self.links = {rid: target for rid, (kind, target, ext) in rels.items() if kind == _HYPERLINK and ext}
        self.styles = _Styles(part(_STYLES))
        self.numbering = _Numbering(part(_NUMBERING))
        self.comments_root = part(_COMMENTS)
        self.blocks: list[Block] = []
        self.markers: list[Marker] = []
        self.open_markers: dict[str, Marker] = {}
        self.keys: list[str] = []
        self.open_comments: dict[str, Comment] = {}
        self.comments: dict[str, Comment] = {}
        self.insertions = self.deletions = 0
        self.changed: set[int] = set()
        self.fields: list[bool] = []  # open fields: True while in a field's code

    # -- the body ------------------------------------------------------------------

    def body(self, body: etree._Element) -> None:
        for child in body:
            self.block(child)

    def block(self, el: etree._Element) -> None:
        tag = el.tag
        if tag == W_p:
            self.blocks.append(self.paragraph(el, len(self.blocks)))
        elif tag == W_tbl:
            index = len(self.blocks)
            self.blocks.append(Table())  # its place first: comments inside point at it
            self.blocks[index] = self.table(el, index)
        elif tag in (W_sdt, W_customXml, W_ins, W_moveTo):
            if tag in (W_ins, W_moveTo):
                self.insertions += 1
            content = el.find(W_sdtContent) if tag == W_sdt else el
            for child in content if content is not None else ():
                self.block(child)
        elif tag in (W_del, W_moveFrom):
            self.deletions += 1
        else:
            self.ranges(el, len(self.blocks) - 1)

    def table(self, tbl: etree._Element, index: int) -> Table:
        result = Table()
        for tr in tbl.iter(W_tr):
            if tr.getparent() is None or _owner_table(tr) is not tbl:
                continue
            trpr = tr.find(W_trPr)
            if trpr is not None and (trpr.find(W_del) is not None):
                self.deletions += 1
                self.changed.add(index)
                continue
            if trpr is not None and trpr.find(W_ins) is not None:
                self.insertions += 1
                self.changed.add(index)
            if (
                trpr is not None
                and trpr.find(W_tblHeader) is not None
                and len(result.rows) == result.header_rows
            ):
                result.header_rows += 1
            cells = []
            for tc in tr:
                if tc.tag == W_sdt:
                    content = tc.find(W_sdtContent)
                    tcs = [c for c in content if c.tag == W_tc] if content is not None else []
                else:
                    tcs = [tc] if tc.tag == W_tc else []
                for cell in tcs:
                    paras = []
                    for child in cell.iter(W_p):
                        if _owner_cell(child) is cell:
                            paras.append(self.paragraph(child, index))
                    cells.append(_join_deleted_marks(paras))
            result.rows.append(cells)
        return result

    def paragraph(self, p: etree._Element, index: int) -> Para:
        # One pass over the properties' children: lxml's find() costs more than the loop.
        para = Para()
        ppr = p[0] if len(p) and p[0].tag == W_pPr else None
        sid = ""
        num: tuple[str, int] | None = None
        for prop in ppr if ppr is not None else ():
            tag = prop.tag
            if tag == W_pStyle:
                sid = prop.get(W_val) or ""
            elif tag == W_numPr:
                num_id, ilvl = "0", 0
                for part in prop:
                    if part.tag == W_numId:
                        num_id = part.get(W_val) or "0"
                    elif part.tag == W_ilvl:
                        ilvl = _int(part, 0)
                num = (num_id, ilvl)
            elif tag == W_rPr:
                for mark in prop:
                    if mark.tag == W_del:
                        para.mark_deleted = True
                        self.deletions += 1
                        self.changed.add(index)
                    elif mark.tag == W_ins:
                        self.changed.add(index)
            elif tag == W_jc:
                value = prop.get(W_val) or ""
                para.align = {"start": "left", "end": "right"}.get(value, value)
            elif tag == W_pBdr:
                para.rule = any(side.tag == W_bottom for side in prop)
            elif tag == W_outlineLvl:
                value = prop.get(W_val) or ""
                if value.isdigit() and int(value) < 9:
                    para.heading = int(value) + 1
        name = self.styles.names.get(sid, sid.lower())
        para.style = name
        para.heading = self.styles.heading(sid) or para.heading
        if num is None:
            num = self.styles.list_of(sid)
        if num is not None and not para.heading:
            para.list_kind = self.numbering.kind(num[0], num[1])
            # LibreOffice gives every item a numbering of its own over one abstract list
            para.list_id = self.numbering.nums.get(num[0], num[0])
            para.level = min(num[1], 8)
        para.quote = "quote" in name or "cytat" in name
        para.code = name in ("source code", "code", "html preformatted", "kod źródłowy") or "verbatim" in name
        self.inline(p, para, index, None)
        if para.text:
            para.rule = False
        return para

    def inline(self, el: etree._Element, para: Para, index: int, href: str | None) -> None:
        for child in el:
            tag = child.tag
            if tag in (W_del, W_moveFrom):
                self.deletions += 1
                self.changed.add(index)
                self.ranges(child, index)
            elif tag in (W_ins, W_moveTo):
                self.insertions += 1
                self.changed.add(index)
                self.inline(child, para, index, href)
            elif tag == W_r:
                self.run(child, para, index, href)
            elif tag == W_hyperlink:
                rid = child.get(_R_ID)
                self.inline(child, para, index, self.links.get(rid or "", href))
            elif tag in (W_smartTag, W_customXml, W_fldSimple, W_sdt, W_sdtContent):
                self.inline(child, para, index, href)
            elif tag in (W_bookmarkStart, W_bookmarkEnd, W_commentRangeStart, W_commentRangeEnd):
                self.mark(child, index)
            elif tag not in _SKIPPED:
                self.ranges(child, index)

    def run(self, r: etree._Element, para: Para, index: int, href: str | None) -> None:
        bold = italic = strike = code = False
        rpr = r[0] if len(r) and r[0].tag == W_rPr else None
        for prop in rpr if rpr is not None else ():
            tag = prop.tag
            if tag == W_b:
                bold = _on(prop)
            elif tag == W_i:
                italic = _on(prop)
            elif tag in (W_strike, W_dstrike):
                strike = strike or _on(prop)
            elif tag == W_rStyle:
                name = self.styles.names.get(prop.get(W_val) or "", "")
                code = code or "verbatim" in name or "code" in name
            elif tag == W_rFonts and (prop.get(W_ascii) or "").lower() in ("consolas", "courier new"):
                code = True
        pieces: list[str] = []
        for child in r:
            tag = child.tag
            if tag == W_fldChar:
                kind = child.get(W_fldCharType)
                if kind == "begin":  # a field's code, then (after "separate") its shown result
                    self.fields.append(True)
                elif kind == "separate" and self.fields:
                    self.fields[-1] = False
                elif kind == "end" and self.fields:
                    self.fields.pop()
            elif any(self.fields):
                continue
            elif tag == W_t:
                # an unexpanded entity is a child node: the text after it is its tail
                pieces.append((child.text or "") + "".join(sub.tail or "" for sub in child))
            elif tag == W_tab:
                pieces.append("\t")
            elif tag in (W_br, W_cr):
                if child.get(W_type) in (None, "textWrapping"):
                    pieces.append("\n")
            elif tag == W_noBreakHyphen:
                pieces.append("\u2011")
            elif tag == W_commentReference:
                self.reference(child, index)
        text = "".join(pieces)
        if not text:
            return
        for comment in self.open_comments.values():
            comment.quote += text
        para.spans.append(Span(text, bold, italic, strike, code, href))

    # -- markers and comments --------------------------------------------------------

    def ranges(self, el: etree._Element, index: int) -> None:
        """Markers and comment ranges anywhere inside ``el`` (outside the text's flow)."""
        for child in el.iter(W_bookmarkStart, W_bookmarkEnd, W_commentRangeStart, W_commentRangeEnd):
            self.mark(child, index)

    def mark(self, el: etree._Element, index: int) -> None:
        tag, ident = el.tag, el.get(W_id) or ""
        if tag == W_bookmarkStart:
            parsed = markers.parse_bookmark(el.get(W_name) or "", self.keys)
            if parsed is not None:
                marker = Marker(parsed[0], parsed[1], index)
                self.markers.append(marker)
                self.open_markers[ident] = marker
        elif tag == W_bookmarkEnd:
            marker = self.open_markers.pop(ident, None)
            if marker is not None:
                marker.end = index
        elif tag == W_commentRangeStart:
            comment = self.comments.get(ident)
            if comment is not None:
                comment.block = index
                self.open_comments[ident] = comment
        elif tag == W_commentRangeEnd:
            self.open_comments.pop(ident, None)

    def reference(self, el: etree._Element, index: int) -> None:
        comment = self.comments.get(el.get(W_id) or "")
        if comment is not None and comment.block < 0:
            comment.block = index

    def load_comments(self) -> None:
        if self.comments_root is None:
            return
        for el in self.comments_root.iter(W_comment):
            ident = el.get(W_id) or ""
            paragraphs = ["".join(t.text or "" for t in p.iter(W_t)) for p in el.iter(W_p)]
            self.comments[ident] = Comment(
                ident,
                (el.get(W_author) or "")[:200],
                (el.get(W_date) or "")[:40],
                "\n\n".join(x for x in paragraphs if x.strip()),
            )


def _owner_table(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != W_tbl:
        parent = parent.getparent()
    return parent


def _owner_cell(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != W_tc:
        parent = parent.getparent()
    return parent


def _join_deleted_marks(paras: list[Para]) -> list[Para]:
    """A paragraph whose mark was deleted (tracked) continues into the next one."""
    result: list[Para] = []
    carry: Para | None = None
    for para in paras:
        if carry is not None:
            para.spans[:0] = carry.spans
            carry = None
        if para.mark_deleted:
            carry = para
            continue
        result.append(para)
    if carry is not None:
        result.append(carry)
    return result


def properties(package: Package) -> dict[str, str]:
    """The custom document properties (text values), ``docProps/custom.xml``."""
    root = package.xml("docProps/custom.xml")
    found: dict[str, str] = {}
    if root is None:
        return found
    for prop in root.iter(f"{_CUSTOM_NS}property"):
        name = prop.get("name") or ""
        value = next((child.text or "" for child in prop), "")
        if name.startswith("studio."):
            found[name] = value.strip()
    return found


def read_blocks(data: bytes | Package) -> ReadDocument:
    """Read a DOCX's body; raises ``UnreadableFile`` for files that may not be read."""
    package = data if isinstance(data, Package) else open_package(data)
    props = properties(package)
    walker = _Walker(package)
    try:
        walker.keys = [str(k) for k, _ in json.loads(props.get(markers.SECTIONS, "[]"))]
    except (ValueError, TypeError):
        walker.keys = []
    walker.load_comments()
    root = package.xml(package.main)
    body = root.find(W_body) if root is not None else None
    if body is not None:
        walker.body(body)
    blocks = walker.blocks
    # Deleted paragraph marks join paragraphs; indexes shift, so only between plain runs.
    if any(isinstance(b, Para) and b.mark_deleted for b in blocks):
        for i, block in enumerate(blocks[:-1]):
            nxt = blocks[i + 1]
            if isinstance(block, Para) and block.mark_deleted and isinstance(nxt, Para):
                nxt.spans[:0] = block.spans
                block.spans = []
    comments = [c for c in walker.comments.values() if c.text or c.quote]
    return ReadDocument(
        properties=props,
        blocks=blocks,
        markers=walker.markers,
        comments=comments,
        insertions=walker.insertions,
        deletions=walker.deletions,
        changed_blocks=walker.changed,
        ignored=list(package.ignored) + _embedded(root),
    )


def _embedded(root: etree._Element | None) -> list[str]:
    """Embedded objects in the body (OLE objects, ActiveX): left out, listed."""
    if root is None:
        return []
    found = []
    for tag in ("object", "control"):
        count = sum(1 for _ in root.iter(w(tag)))
        if count:
            found.append(f"embedded:{tag}:{count}")
    return found
