"""Two rendered versions as one DOCX: the later, with the changes since the earlier as
Word tracked changes (``w:ins``/``w:del``), for reviewers who read in Word.

Pure: both files come from the renderer, so their sections are found by their markers
(``markers.py``); each section's paragraphs and tables are aligned, unchanged ones kept,
new ones marked inserted, gone ones put back as deleted, and a changed paragraph diffed
word by word. Author and date per section come from the caller (the revisions between
the two versions). What lies outside sections (title page, history, annexes) is the
later version's as it is.
"""

from __future__ import annotations

import copy
import difflib
import io
import re
import zipfile
from collections.abc import Mapping

from lxml import etree

from worker.renderer.reader.blocks import read_blocks
from worker.renderer.reader.package import open_package, parse_xml

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"
_WORDS = re.compile(r"\s+|[^\s]+")
_DROP_IN_COPIES = ("drawing", "pict", "object", "bookmarkStart", "bookmarkEnd", "commentRangeStart")


def w(tag: str) -> str:
    return _W + tag


class _Marks:
    def __init__(self, authors: Mapping[str, tuple[str, str]]) -> None:
        self.authors = authors
        self.next_id = 700_000
        self.key = ""

    def attrs(self) -> dict[str, str]:
        author, date = self.authors.get(self.key, ("", ""))
        self.next_id += 1
        attrs = {w("id"): str(self.next_id), w("author"): author or "?"}
        if date:
            attrs[w("date")] = date
        return attrs

    def mark(self, tag: str) -> etree._Element:
        return etree.Element(w(tag), self.attrs())


def _text(el: etree._Element) -> str:
    return "".join(t.text or "" for t in el.iter(w("t")))


def _signature(el: etree._Element) -> str:
    if el.tag == w("tbl"):
        return "T:" + "|".join(_text(tc) for tc in el.iter(w("tc")))
    return "P:" + _text(el)


def _runs_of(p: etree._Element) -> list[etree._Element]:
    return [el for el in p if el.tag in (w("r"), w("hyperlink"), w("ins"), w("smartTag"))]


def _para_mark(p: etree._Element, mark: etree._Element) -> None:
    ppr = p.find(w("pPr"))
    if ppr is None:
        ppr = etree.Element(w("pPr"))
        p.insert(0, ppr)
    rpr = ppr.find(w("rPr"))
    if rpr is None:
        rpr = etree.SubElement(ppr, w("rPr"))
        sect = ppr.find(w("sectPr"))
        if sect is not None:  # rPr comes before sectPr
            sect.addprevious(rpr)
    rpr.insert(0, mark)


def _inserted(el: etree._Element, marks: _Marks) -> None:
    """Every run of a paragraph or table marked as inserted."""
    paragraphs = [el] if el.tag == w("p") else list(el.iter(w("p")))
    for p in paragraphs:
        for run in _runs_of(p):
            wrapper = marks.mark("ins")
            run.addprevious(wrapper)
            wrapper.append(run)
        _para_mark(p, marks.mark("ins"))
    if el.tag == w("tbl"):
        for tr in el.iter(w("tr")):
            _row_mark(tr, marks.mark("ins"))


def _row_mark(tr: etree._Element, mark: etree._Element) -> None:
    trpr = tr.find(w("trPr"))
    if trpr is None:
        trpr = etree.Element(w("trPr"))
        tblpr_ex = tr.find(w("tblPrEx"))
        (tblpr_ex.addnext if tblpr_ex is not None else lambda e: tr.insert(0, e))(trpr)
    trpr.append(mark)


def _deleted(el: etree._Element, marks: _Marks) -> etree._Element:
    """A copy of an earlier paragraph or table, every run marked deleted."""
    el = copy.deepcopy(el)
    for tag in _DROP_IN_COPIES:
        for found in list(el.iter(w(tag))):
            found.getparent().remove(found)
    for link in list(el.iter(w("hyperlink"))):  # its relationship is the earlier file's
        parent = link.getparent()
        index = parent.index(link)
        for child in list(link):
            parent.insert(index, child)
            index += 1
        parent.remove(link)
    for t in el.iter(w("t")):
        t.tag = w("delText")
    paragraphs = [el] if el.tag == w("p") else list(el.iter(w("p")))
    for p in paragraphs:
        for run in [r for r in p if r.tag == w("r")]:
            wrapper = marks.mark("del")
            run.addprevious(wrapper)
            wrapper.append(run)
        _para_mark(p, marks.mark("del"))
    if el.tag == w("tbl"):
        for tr in el.iter(w("tr")):
            _row_mark(tr, marks.mark("del"))
    return el


def _run(text: str, rpr: etree._Element | None, deleted: bool) -> etree._Element:
    r = etree.Element(w("r"))
    if rpr is not None:
        r.append(copy.deepcopy(rpr))
    t = etree.SubElement(r, w("delText" if deleted else "t"))
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return r


def _changed_paragraph(old: etree._Element, new: etree._Element, marks: _Marks) -> None:
    """``new`` rewritten as words kept, inserted and deleted against ``old``."""
    first = new.find(f".//{w('r')}/{w('rPr')}")
    rpr = copy.deepcopy(first) if first is not None else None
    a, b = _WORDS.findall(_text(old)), _WORDS.findall(_text(new))
    for child in list(new):
        if child.tag not in (w("pPr"), w("bookmarkStart"), w("bookmarkEnd")):
            new.remove(child)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            mark = marks.mark("del")
            mark.append(_run("".join(a[i1:i2]), rpr, True))
            new.append(mark)
        if op in ("insert", "replace"):
            mark = marks.mark("ins")
            mark.append(_run("".join(b[j1:j2]), rpr, False))
            new.append(mark)
        if op == "equal":
            new.append(_run("".join(b[j1:j2]), rpr, False))


def _changed_table(old: etree._Element, new: etree._Element, marks: _Marks) -> bool:
    """Cell by cell when both tables have the same rows and columns; False otherwise."""
    old_rows = [[tc for tc in tr if tc.tag == w("tc")] for tr in old.iter(w("tr"))]
    new_rows = [[tc for tc in tr if tc.tag == w("tc")] for tr in new.iter(w("tr"))]
    if [len(r) for r in old_rows] != [len(r) for r in new_rows]:
        return False
    for old_cells, new_cells in zip(old_rows, new_rows, strict=True):
        for old_tc, new_tc in zip(old_cells, new_cells, strict=True):
            _compare(
                [c for c in old_tc if c.tag in (w("p"), w("tbl"))],
                [c for c in new_tc if c.tag in (w("p"), w("tbl"))],
                marks,
            )
    return True


def _compare(
    old: list[etree._Element],
    new: list[etree._Element],
    marks: _Marks,
    heading: etree._Element | None = None,
) -> None:
    """Mark ``new`` (elements in the later document) against ``old`` (the earlier's)."""
    matcher = difflib.SequenceMatcher(None, [_signature(e) for e in old], [_signature(e) for e in new], False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = old[i1:i2], new[j1:j2]
        paired = min(len(olds), len(news)) if op == "replace" else 0
        for k in range(paired):
            o, n = olds[k], news[k]
            if o.tag == n.tag == w("p"):
                _changed_paragraph(o, n, marks)
            elif o.tag == n.tag == w("tbl") and _changed_table(o, n, marks):
                pass
            else:
                n.addprevious(_deleted(o, marks))
                _inserted(n, marks)
        for n in news[paired:]:
            _inserted(n, marks)
        if not olds[paired:]:
            continue
        gone = [_deleted(o, marks) for o in olds[paired:]]
        if news or (j1 >= len(new) and new):  # after the last new element here
            anchor = news[-1] if news else new[-1]
            for element in reversed(gone):
                anchor.addnext(element)
        elif j1 < len(new):
            for element in gone:
                new[j1].addprevious(element)
        elif heading is not None:  # the section is empty now: what it held follows its heading
            for element in reversed(gone):
                heading.addnext(element)


def _section_elements(body: etree._Element, start: int, end: int) -> list[etree._Element]:
    blocks = [el for el in body if el.tag in (w("p"), w("tbl"))]
    return blocks[start:end]


def tracked_changes(earlier: bytes, later: bytes, authors: Mapping[str, tuple[str, str]]) -> bytes:
    """``later`` with its sections' changes since ``earlier`` as tracked changes.

    ``authors``: section key → (author, ISO date) of the change, as the marks carry them.
    """
    old_read, new_read = read_blocks(earlier), read_blocks(later)
    old_package = open_package(earlier)
    new_package = open_package(later)
    old_body = parse_xml(old_package.read(old_package.main)).find(w("body"))
    new_root = parse_xml(new_package.read(new_package.main))
    new_body = new_root.find(w("body"))
    marks = _Marks(authors)
    old_ranges = {m.key: old_read.section_blocks(m) for m in old_read.markers}
    # The reader counts top-level paragraphs and tables only: the same indexes here.
    work = []
    for marker in new_read.markers:
        if marker.key not in old_ranges:
            continue
        start, end = new_read.section_blocks(marker)
        o_start, o_end = old_ranges[marker.key]
        work.append(
            (
                marker.key,
                _section_elements(old_body, o_start, o_end),
                _section_elements(new_body, start, end),
                _section_elements(new_body, start - 1, start),
            )
        )
    for key, old, new, heading in work:
        marks.key = key
        _compare(old, new, marks, heading[0] if heading else None)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(later)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == new_package.main:
                data = etree.tostring(new_root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(info, data)
    return out.getvalue()
