"""The table of contents, written filled: the TOC field with its result.

Why filled: a TOC field whose result is empty (or "update fields") shows nothing until
the reader updates it, and LibreOffice's PDF export never does. So the field's result is
written here, as Word itself would write it: one paragraph per Heading 1 and Heading 2
(styles TOC 1 and TOC 2), each a hyperlink to a bookmark at its heading, with a dotted
right tab and a PAGEREF field holding the page number. The field code stays, so Word can
still update it (F9) after the reader edits the file.

Page numbers need a layout, which the renderer does not have: the caller passes
``pages`` (one number per entry, in document order), computed by the worker from a PDF
of a first rendering (``worker/paginate.py``). Without ``pages`` (no LibreOffice on
this installation) every heading is still listed, with no page numbers.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from lxml import etree

from worker.renderer.xml import FLDCHAR, INSTR, PPR, PSTYLE, VAL, XML_SPACE, Element, R, SubElement, run, w

#: Levels 1-2: stages and annexes, and their sections. Deeper headings (goals, Markdown)
#: would make the contents as long as a chapter.
TOC_INSTRUCTION = 'TOC \\o "1-2" \\h \\z \\u'
LEVELS = 2
_BOOKMARK_BASE = 100_000_000  # Word's own look: _Toc100000001 …
#: The page number sits in the paragraph's right indent (the tab stands past it), so a
#: title wraps at the same place whatever its number: the first rendering, made with
#: placeholder numbers to lay the document out, breaks its pages where the final does.
NUMBER_ROOM = 567  # 1 cm: room for four digits


class Placeholders(Sequence[int]):
    """A page number for every entry, whatever their count: the first pass's layout."""

    def __init__(self, page: int = 88) -> None:
        self.page = page

    def __len__(self) -> int:
        return 1_000_000

    def __getitem__(self, index):  # noqa: ANN001, ANN204 (Sequence's overloads)
        if isinstance(index, slice):
            return [self.page] * len(range(*index.indices(len(self))))
        return self.page

    def __iter__(self) -> Iterator[int]:
        return iter(self[:])


@dataclass(frozen=True)
class Entry:
    level: int  # 1 or 2
    text: str
    anchor: str  # the bookmark at the heading


class Contents:
    """Collects the headings while the body is written; writes the field at the end."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []

    def mark(self, p: Element, level: int, text: str) -> None:
        """Bookmark a heading paragraph (its runs) and list it, when its level is listed."""
        if level > LEVELS or not text:
            return
        number = len(self.entries) + 1
        anchor = f"_Toc{_BOOKMARK_BASE + number}"
        start = etree.Element(w("bookmarkStart"), {w("id"): str(number), w("name"): anchor})
        p.insert(1 if len(p) and p[0].tag == PPR else 0, start)
        SubElement(p, w("bookmarkEnd"), {w("id"): str(number)})
        self.entries.append(Entry(level, text, anchor))

    def paragraphs(
        self, styles: tuple[str, str], tab: int, pages: Sequence[int | None] | None
    ) -> list[Element]:
        """The field's paragraphs: begin and code in the first, end in a last one of its own.

        ``styles``: the ids of TOC 1 and TOC 2; ``tab``: the right tab's position (twips).
        """
        result: list[Element] = []
        first = etree.Element(w("p"))
        _field_start(first)
        for index, entry in enumerate(self.entries):
            p = first if index == 0 else etree.Element(w("p"))
            props = etree.Element(PPR)
            p.insert(0, props)
            SubElement(props, PSTYLE, {VAL: styles[entry.level - 1]})
            tabs = SubElement(props, w("tabs"))
            SubElement(tabs, w("tab"), {VAL: "right", w("leader"): "dot", w("pos"): str(tab)})
            indent = SubElement(props, w("ind"), {w("right"): str(NUMBER_ROOM)})
            if entry.level > 1:
                indent.set(w("left"), "440")
            link = SubElement(p, w("hyperlink"), {w("anchor"): entry.anchor, w("history"): "1"})
            run(link, entry.text)
            page = pages[index] if pages is not None and index < len(pages) else None
            if page is not None:
                SubElement(SubElement(link, R), w("tab"))
                _pageref(link, entry.anchor, str(page))
            result.append(p)
        if not result:
            result.append(first)
        end = etree.Element(w("p"))
        SubElement(SubElement(end, R), FLDCHAR, {w("fldCharType"): "end"})
        result.append(end)
        return result


def _field_start(p: Element) -> None:
    SubElement(SubElement(p, R), FLDCHAR, {w("fldCharType"): "begin"})
    instr = SubElement(SubElement(p, R), INSTR, {XML_SPACE: "preserve"})
    instr.text = f" {TOC_INSTRUCTION} "
    SubElement(SubElement(p, R), FLDCHAR, {w("fldCharType"): "separate"})


def _pageref(parent: Element, anchor: str, page: str) -> None:
    SubElement(SubElement(parent, R), FLDCHAR, {w("fldCharType"): "begin"})
    instr = SubElement(SubElement(parent, R), INSTR, {XML_SPACE: "preserve"})
    instr.text = f" PAGEREF {anchor} \\h "
    SubElement(SubElement(parent, R), FLDCHAR, {w("fldCharType"): "separate"})
    run(parent, page)
    SubElement(SubElement(parent, R), FLDCHAR, {w("fldCharType"): "end"})


_TOC_ANCHOR = re.compile(r"_Toc\d+")


def entry_titles(docx: bytes) -> list[str]:
    """The contents' entries of a rendered DOCX, in order: the text of each bookmarked heading."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    titles = []
    body = root.find(w("body"))
    for p in body.iter(w("p")) if body is not None else ():
        start = p.find(w("bookmarkStart"))
        if start is not None and _TOC_ANCHOR.fullmatch(start.get(w("name"), "")):
            titles.append("".join(t.text or "" for t in p.iter(w("t"))))
    return titles
