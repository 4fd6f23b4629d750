"""Markdown (CommonMark + GFM tables and strikethrough) as real Word structure.

Why: section text is written in Markdown, and the document must carry it as Word
headings, lists with numbering definitions, tables, quotes and hyperlinks, not as
literal asterisks. markdown-it-py gives a flat token stream; one pass over it builds
the elements (no recursion, so nesting depth cannot overflow the stack). Raw HTML is off:
markdown-it then hands it over as text, which is printed as it was typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.token import Token

from worker.renderer.context import Context
from worker.renderer.layout import PADDING, Column, fit
from worker.renderer.numbering import MAX_LEVEL, list_indent
from worker.renderer.xml import (
    BOLD,
    BR,
    HYPERLINK,
    IND,
    ITALIC,
    JC,
    PBDR,
    R_ID,
    RPR,
    RSTYLE,
    STRIKE,
    VAL,
    Element,
    R,
    SubElement,
    add_text,
    cell,
    indent,
    numbered,
    paragraph,
    ppr,
    row,
    run,
    table,
    w,
)
from workflows import markup

#: Word refuses tables wider than 63 columns; wider ones are split side by side.
MAX_TABLE_COLUMNS = 63
HEADER_FILL = "DCE6F2"
_ALIGN = {"text-align:left": "left", "text-align:right": "right", "text-align:center": "center"}


#: The parses of the Markdown sources met while ``reusing_parses`` is open, by source.
_PARSED: ContextVar[dict[str, list[Token] | None] | None] = ContextVar("parsed_markdown", default=None)


@contextmanager
def reusing_parses() -> Iterator[None]:
    """Parse each Markdown source once across the renderings made inside the block.

    Why: the worker renders a document twice (placeholder page numbers, then the real
    ones: worker/paginate.py) and parsing the Markdown was half of a rendering. The
    tokens are only read, so the same ones serve both; they are let go with the block.
    """
    reset = _PARSED.set({})
    try:
        yield
    finally:
        _PARSED.reset(reset)


def _parse(md: MarkdownIt, source: str) -> list[Token] | None:
    parsed = _PARSED.get()
    if parsed is None:
        return markup.parse(md, source)
    if source not in parsed:
        parsed[source] = markup.parse(md, source)
    return parsed[source]


def make_parser() -> MarkdownIt:
    """The studio's Markdown dialect (``workflows.markup``): GFM tables, raw HTML off, bounded cost."""
    return markup.make_parser()


_BLANK_LINES = re.compile(r"\n[ \t]*\n")


class _List:
    __slots__ = ("num_id", "ordered", "first")

    def __init__(self, num_id: int, ordered: bool) -> None:
        self.num_id = num_id
        self.ordered = ordered
        self.first = False  # the next block opens a list item (gets the number/bullet)


class MarkdownRenderer:
    """Renders Markdown sources into a parent element (the body, usually)."""

    def __init__(self, ctx: Context, parser: MarkdownIt | None = None) -> None:
        self.ctx = ctx
        self.md = parser or make_parser()
        styles = ctx.styles
        self._list_style = styles.list_paragraph
        self._quote_style = styles.quote
        self._code_style = styles.code
        self._code_char = styles.code_char
        self._link_style = styles.hyperlink
        self._table_style = styles.table
        self._cell_style = styles.table_text

    def render(self, parent: Element, source: str, heading_base: int = 2) -> None:
        """Append ``source``'s blocks to ``parent``; Markdown ``#`` sits below ``heading_base``."""
        tokens = _parse(self.md, source)
        if tokens is None:  # nested past any sense: kept whole, as plain text
            self._plain(parent, source)
            return
        lists: list[_List] = []
        quotes = 0
        current: Element | None = None
        table_rows: list[tuple[bool, list[tuple[Token | None, str | None]]]] | None = None
        header_part = False
        styles = self.ctx.styles
        for tok in tokens:
            kind = tok.type
            if kind == "inline":
                if table_rows is not None:
                    if table_rows and table_rows[-1][1]:
                        cells = table_rows[-1][1]
                        cells[-1] = (tok, cells[-1][1])
                elif current is not None:
                    self.inline(current, tok.children or ())
            elif kind == "paragraph_open":
                current = self._block(parent, lists, quotes, None)
            elif kind == "heading_open":
                level = heading_base + int(tok.tag[1:]) if tok.tag[1:].isdigit() else 9
                current = paragraph(parent, styles.heading(level))
            elif kind in ("paragraph_close", "heading_close"):
                current = None
            elif kind == "bullet_list_open" or kind == "ordered_list_open":
                level = min(len(lists), MAX_LEVEL)
                if kind == "ordered_list_open":
                    start = tok.attrs.get("start", 1)
                    start = start if isinstance(start, int) else 1
                    lists.append(_List(self.ctx.numbering.ordered(start, level), True))
                else:
                    lists.append(_List(self.ctx.numbering.bullet, False))
            elif kind == "bullet_list_close" or kind == "ordered_list_close":
                if lists:
                    lists.pop()
            elif kind == "list_item_open":
                if lists:
                    lists[-1].first = True
            elif kind == "list_item_close":
                if lists and lists[-1].first:  # an empty item still shows its bullet
                    self._block(parent, lists, quotes, None)
            elif kind == "blockquote_open":
                quotes += 1
            elif kind == "blockquote_close":
                quotes = max(0, quotes - 1)
            elif kind == "code_block" or kind == "fence":
                p = self._block(parent, lists, quotes, self._code_style)
                content = tok.content[:-1] if tok.content.endswith("\n") else tok.content
                if content:
                    add_text(SubElement(p, R), content)
            elif kind == "hr":
                p = self._block(parent, lists, quotes, None)
                border = etree.Element(PBDR)
                SubElement(
                    border,
                    w("bottom"),
                    {VAL: "single", w("sz"): "6", w("space"): "1", w("color"): "auto"},
                )
                props = ppr(p)
                indented = props.find(IND)  # the border goes before the indent (schema order)
                if indented is not None:
                    indented.addprevious(border)
                else:
                    props.append(border)
            elif kind == "table_open":
                table_rows = []
            elif kind == "thead_open":
                header_part = True
            elif kind == "thead_close":
                header_part = False
            elif kind == "tr_open" and table_rows is not None:
                table_rows.append((header_part, []))
            elif (kind == "th_open" or kind == "td_open") and table_rows:
                style = tok.attrs.get("style")
                table_rows[-1][1].append((None, _ALIGN.get(style) if isinstance(style, str) else None))
            elif kind == "table_close":
                if table_rows:
                    self._table(parent, table_rows)
                table_rows = None
            elif kind in ("html_block", "html_inline"):  # only if a caller enables HTML
                p = self._block(parent, lists, quotes, None)
                run(p, tok.content)

    def _plain(self, parent: Element, source: str) -> None:
        for block in _BLANK_LINES.split(source):
            if block.strip():
                run(paragraph(parent), block.strip("\n"))

    def _block(self, parent: Element, lists: list[_List], quotes: int, style: str | None) -> Element:
        """A block paragraph in its list/quote context: the first block of an item is numbered."""
        if lists:
            top = lists[-1]
            level = min(len(lists) - 1, MAX_LEVEL)
            p = paragraph(parent, style or self._list_style)
            if top.first:
                numbered(p, top.num_id, level)
                top.first = False
            else:
                indent(p, list_indent(level))
            return p
        if quotes:
            p = paragraph(parent, style or self._quote_style)
            indent(p, 567 * min(quotes, MAX_LEVEL))
            return p
        return paragraph(parent, style)

    def inline(self, p: Element, children: Sequence[Token], *, bold: bool = False) -> None:
        """Inline tokens into runs; consecutive text of one format becomes one run."""
        strong = 1 if bold else 0
        em = strike = 0
        container = p
        linked = False
        pending: list[str] = []
        for tok in children:
            kind = tok.type
            if kind == "text":
                pending.append(tok.content)
                continue
            if kind == "softbreak":
                pending.append(" ")
                continue
            if pending:
                self._run(container, "".join(pending), strong, em, strike, linked)
                pending.clear()
            if kind == "strong_open":
                strong += 1
            elif kind == "strong_close":
                strong -= 1
            elif kind == "em_open":
                em += 1
            elif kind == "em_close":
                em -= 1
            elif kind == "s_open":
                strike += 1
            elif kind == "s_close":
                strike -= 1
            elif kind == "code_inline":
                r = SubElement(container, R)
                SubElement(SubElement(r, RPR), RSTYLE, {VAL: self._code_char})
                add_text(r, tok.content)
            elif kind == "hardbreak":
                SubElement(SubElement(container, R), BR)
            elif kind == "link_open":
                href = tok.attrs.get("href")
                rid = self.ctx.links.rid(href) if isinstance(href, str) else None
                if rid is not None:
                    container = SubElement(p, HYPERLINK, {R_ID: rid, w("history"): "1"})
                    linked = True
            elif kind == "link_close":
                container = p
                linked = False
            elif kind == "image":  # never fetched: its description stands in for it
                alt = "".join(c.content for c in tok.children or ()) or tok.content
                if alt:
                    self._run(container, alt, strong, 1, strike, linked)
            elif tok.content:
                pending.append(tok.content)
        if pending:
            self._run(container, "".join(pending), strong, em, strike, linked)

    def _run(self, parent: Element, text: str, strong: int, em: int, strike: int, linked: bool) -> None:
        r = SubElement(parent, R)
        if strong > 0 or em > 0 or strike > 0 or linked:
            props = SubElement(r, RPR)
            if linked:
                SubElement(props, RSTYLE, {VAL: self._link_style})
            if strong > 0:
                SubElement(props, BOLD)
            if em > 0:
                SubElement(props, ITALIC)
            if strike > 0:
                SubElement(props, STRIKE)
        add_text(r, text)

    def _table(self, parent: Element, rows: list[tuple[bool, list[tuple[Token | None, str | None]]]]) -> None:
        columns = max((len(cells) for _, cells in rows), default=0)
        if columns == 0:
            return
        for first in range(0, columns, MAX_TABLE_COLUMNS):
            chunk = range(first, min(columns, first + MAX_TABLE_COLUMNS))
            sizes = _widths(rows, chunk, self.ctx.text_width)
            tbl = table(parent, sizes, self._table_style, padding=PADDING)
            for header, cells in rows:
                tr = row(tbl, header=header)
                for c, size in zip(chunk, sizes, strict=True):
                    tc = cell(tr, fill=HEADER_FILL if header else None, width=size)
                    p = paragraph(tc, self._cell_style)
                    if c >= len(cells):
                        continue
                    tok, align = cells[c]
                    if align:
                        SubElement(ppr(p), JC, {VAL: align})
                    if tok is not None:
                        self.inline(p, tok.children or (), bold=header)


def _widths(
    rows: list[tuple[bool, list[tuple[Token | None, str | None]]]], chunk: range, total: int
) -> list[int]:
    """Column widths from the cells' source text (layout.fit); right-aligned columns hold
    numbers, whose tokens must not break."""

    def text(cells: list[tuple[Token | None, str | None]], c: int) -> str:
        tok = cells[c][0] if c < len(cells) else None
        return tok.content if tok is not None else ""

    heads = [cells for header, cells in rows if header][:1] or [[]]
    columns = []
    for c in chunk:
        align = next((cells[c][1] for _, cells in rows if c < len(cells)), None)
        columns.append(Column(text(heads[0], c), keep=align == "right"))
    body = [[text(cells, c) for c in chunk] for header, cells in rows if not header]
    return fit(columns, body, total)
