"""WordprocessingML building blocks, made straight with lxml.

Why: python-docx's proxies (``add_paragraph``, ``table.cell``, ``run.bold``) resolve styles
by name, search the tree and wrap every element in Python objects, which makes a
300-page document slow. Here each element is one ``etree.SubElement`` call on plain lxml
elements; callers pass style *ids* resolved once. Children are added in the order the
OOXML schema requires, because Word refuses files that break it.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from xml.sax.saxutils import escape as xml_escape

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_W = f"{{{W_NS}}}"

SubElement = etree.SubElement
Element = etree._Element


def w(tag: str) -> str:
    """Clark name of a ``w:`` tag or attribute."""
    return _W + tag


P, R, T, BR, TAB = w("p"), w("r"), w("t"), w("br"), w("tab")
PPR, RPR, PSTYLE, RSTYLE = w("pPr"), w("rPr"), w("pStyle"), w("rStyle")
BOLD, ITALIC, STRIKE, U, COLOR, SZ = w("b"), w("i"), w("strike"), w("u"), w("color"), w("sz")
JC, IND, SPACING, NUMPR, ILVL, NUMID = (
    w("jc"),
    w("ind"),
    w("spacing"),
    w("numPr"),
    w("ilvl"),
    w("numId"),
)
KEEP_NEXT, PBDR, BOTTOM, SHD = w("keepNext"), w("pBdr"), w("bottom"), w("shd")
TBL, TBLPR, TBLGRID, GRIDCOL, TR, TRPR, TC, TCPR = (
    w("tbl"),
    w("tblPr"),
    w("tblGrid"),
    w("gridCol"),
    w("tr"),
    w("trPr"),
    w("tc"),
    w("tcPr"),
)
TBLSTYLE, TBLW, TBLLAYOUT, TBLLOOK, TBLHEADER, TCW = (
    w("tblStyle"),
    w("tblW"),
    w("tblLayout"),
    w("tblLook"),
    w("tblHeader"),
    w("tcW"),
)
CANT_SPLIT, TBL_CAPTION = w("cantSplit"), w("tblCaption")
HYPERLINK, FLDCHAR, INSTR = w("hyperlink"), w("fldChar"), w("instrText")
SECTPR, DRAWING = w("sectPr"), w("drawing")
VAL, W_W, W_TYPE, LEFT, HANGING = w("val"), w("w"), w("type"), w("left"), w("hanging")
R_ID = f"{{{R_NS}}}id"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

#: Twips per centimetre (1 cm = 567 twips).
CM = 567


def paragraph(parent: Element, style: str | None = None) -> Element:
    p = SubElement(parent, P)
    if style:
        SubElement(SubElement(p, PPR), PSTYLE, {VAL: style})
    return p


def ppr(p: Element) -> Element:
    """The paragraph's properties element, created (as first child) if missing."""
    if len(p) and p[0].tag == PPR:
        return p[0]
    props = etree.Element(PPR)
    p.insert(0, props)
    return props


#: Beyond this many line feeds a run is built from one XML string (parsed in C) rather
#: than element by element: text kept plain because it was too dense to parse may have
#: tens of thousands of lines.
_MANY_LINES = 64


def add_text(r: Element, text: str) -> None:
    """Text into a run; line feeds become breaks and tabs real tabs."""
    if "\n" in text or "\t" in text or "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if text.count("\n") > _MANY_LINES:
            _add_lines(r, text)
            return
        for i, piece in enumerate(text.split("\n")):
            if i:
                SubElement(r, BR)
            for j, part in enumerate(piece.split("\t")):
                if j:
                    SubElement(r, TAB)
                if part:
                    _t(r, part)
        return
    _t(r, text)


def _add_lines(r: Element, text: str) -> None:
    # The same elements add_text makes, as one fragment: escaped, every text node preserved.
    body = (
        xml_escape(text)
        .replace("\t", '</w:t><w:tab/><w:t xml:space="preserve">')
        .replace("\n", '</w:t><w:br/><w:t xml:space="preserve">')
    )
    fragment = etree.fromstring(f'<w:r xmlns:w="{W_NS}"><w:t xml:space="preserve">{body}</w:t></w:r>')
    r.extend(child for child in fragment if child.tag != T or child.text)


def _t(r: Element, text: str) -> None:
    t = SubElement(r, T)
    t.text = text
    if text[:1].isspace() or text[-1:].isspace():
        t.set(XML_SPACE, "preserve")


def run(
    parent: Element,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    style: str | None = None,
    color: str | None = None,
    size: int | None = None,
) -> Element:
    """A run of ``text``; ``size`` in half-points."""
    r = SubElement(parent, R)
    if bold or italic or style or color or size:
        props = SubElement(r, RPR)
        if style:
            SubElement(props, RSTYLE, {VAL: style})
        if bold:
            SubElement(props, BOLD)
        if italic:
            SubElement(props, ITALIC)
        if color:
            SubElement(props, COLOR, {VAL: color})
        if size:
            SubElement(props, SZ, {VAL: str(size)})
    if text:
        add_text(r, text)
    return r


def text_paragraph(
    parent: Element,
    text: str,
    style: str | None = None,
    *,
    bold: bool = False,
    italic: bool = False,
    align: str | None = None,
) -> Element:
    p = paragraph(parent, style)
    if align:
        SubElement(ppr(p), JC, {VAL: align})
    if text:
        run(p, text, bold=bold, italic=italic)
    return p


def page_break(parent: Element) -> None:
    SubElement(SubElement(SubElement(parent, P), R), BR, {W_TYPE: "page"})


def complex_field(p: Element, instruction: str, placeholder: str = "", *, dirty: bool = False) -> None:
    """A field (PAGE, TOC …) as begin/instr/separate/result/end runs.

    ``dirty`` marks the result stale, so Word recomputes it on opening (the contents).
    """
    begin = {w("fldCharType"): "begin"}
    if dirty:
        begin[w("dirty")] = "true"
    SubElement(SubElement(p, R), FLDCHAR, begin)
    instr = SubElement(SubElement(p, R), INSTR)
    instr.text = f" {instruction} "
    instr.set(XML_SPACE, "preserve")
    SubElement(SubElement(p, R), FLDCHAR, {w("fldCharType"): "separate"})
    run(p, placeholder or "1")
    SubElement(SubElement(p, R), FLDCHAR, {w("fldCharType"): "end"})


def table(
    parent: Element,
    widths: Sequence[int],
    style: str | None,
    *,
    caption: str = "",
    fixed: bool = True,
    header: bool = True,
    padding: int | None = None,
) -> Element:
    """An empty table of full text width whose columns have ``widths`` (twips).

    ``caption`` is the table's alternative text; ``header`` says whether its first row
    heads the columns (readers and converters take it so). ``padding`` (twips, left and
    right of every cell) overrides the style's, for widths measured from the content.
    """
    if len(parent) and parent[-1].tag == TBL:
        SubElement(parent, P)  # adjacent tables would merge into one in Word
    tbl = SubElement(parent, TBL)
    props = SubElement(tbl, TBLPR)
    if style:
        SubElement(props, TBLSTYLE, {VAL: style})
    SubElement(props, TBLW, {W_W: "5000", W_TYPE: "pct"})
    if fixed:
        SubElement(props, TBLLAYOUT, {W_TYPE: "fixed"})
    if padding is not None:
        margins = SubElement(props, w("tblCellMar"))
        for side in ("left", "right"):
            SubElement(margins, w(side), {W_W: str(padding), W_TYPE: "dxa"})
    SubElement(
        props,
        TBLLOOK,
        {
            VAL: "0620" if header else "0600",  # the same flags as a legacy bit mask
            w("firstRow"): "1" if header else "0",
            w("lastRow"): "0",
            w("firstColumn"): "0",
            w("lastColumn"): "0",
            w("noHBand"): "1",
            w("noVBand"): "1",
        },
    )
    if caption:
        SubElement(props, TBL_CAPTION, {VAL: caption[:250]})
    grid = SubElement(tbl, TBLGRID)
    for width in widths:
        SubElement(grid, GRIDCOL, {W_W: str(max(int(width), 100))})
    return tbl


def row(tbl: Element, *, header: bool = False) -> Element:
    """A table row that never splits across pages; header rows repeat on every page."""
    tr = SubElement(tbl, TR)
    props = SubElement(tr, TRPR)
    SubElement(props, CANT_SPLIT)
    if header:
        SubElement(props, TBLHEADER)
    return tr


def cell(tr: Element, *, fill: str | None = None, span: int = 1, width: int | None = None) -> Element:
    """A table cell; ``width`` (twips) repeats its grid column's for Word's fixed layout."""
    tc = SubElement(tr, TC)
    if fill or span > 1 or width:
        props = SubElement(tc, TCPR)
        if width:
            SubElement(props, TCW, {W_W: str(width), W_TYPE: "dxa"})
        if span > 1:
            SubElement(props, w("gridSpan"), {VAL: str(span)})
        if fill:
            SubElement(props, SHD, {VAL: "clear", w("color"): "auto", w("fill"): fill})
    return tc


class TextRow:
    """Rows of single-paragraph text cells stamped from one template.

    Why: a long table (the action plan has up to a thousand rows) is the hottest path;
    copying a prepared row is one C call (``deepcopy``), about five times faster than
    making its ~70 elements one by one. Only the texts are then set.
    """

    def __init__(
        self,
        columns: int,
        style: str | None,
        *,
        bold: bool = False,
        fill: str | None = None,
        aligns: Sequence[str | None] | None = None,
        header: bool = False,
        widths: Sequence[int] | None = None,
    ) -> None:
        template = etree.Element(TR)
        props = SubElement(template, TRPR)
        SubElement(props, CANT_SPLIT)  # a row of a long table never splits across pages
        if header:
            SubElement(props, TBLHEADER)
        for i in range(columns):
            tc = SubElement(template, TC)
            width = widths[i] if widths and i < len(widths) else None
            if fill or width:
                cell_props = SubElement(tc, TCPR)
                if width:
                    SubElement(cell_props, TCW, {W_W: str(width), W_TYPE: "dxa"})
                if fill:
                    shading = {VAL: "clear", w("color"): "auto", w("fill"): fill}
                    SubElement(cell_props, SHD, shading)
            p = SubElement(tc, P)
            align = aligns[i] if aligns and i < len(aligns) else None
            if style or align:
                props = SubElement(p, PPR)
                if style:
                    SubElement(props, PSTYLE, {VAL: style})
                if align:
                    SubElement(props, JC, {VAL: align})
            r = SubElement(p, R)
            if bold:
                SubElement(SubElement(r, RPR), BOLD)
            SubElement(r, T, {XML_SPACE: "preserve"})
        self._template = template
        self.columns = columns

    def add(self, tbl: Element, texts: Sequence[str]) -> Element:
        """Append a row holding ``texts`` (missing ones empty, extra ones dropped)."""
        tr = copy.deepcopy(self._template)
        tbl.append(tr)
        for t, text in zip(tr.iter(T), texts, strict=False):
            t.text = text
        return tr


def text_cells(
    tr: Element,
    texts: Sequence[str],
    style: str | None,
    *,
    bold: bool = False,
    fill: str | None = None,
    aligns: Sequence[str | None] | None = None,
    widths: Sequence[int] | None = None,
) -> None:
    """One single-paragraph cell per text, for the odd row (totals, short tables)."""
    for i, text in enumerate(texts):
        tc = SubElement(tr, TC)
        width = widths[i] if widths and i < len(widths) else None
        if fill or width:
            props = SubElement(tc, TCPR)
            if width:
                SubElement(props, TCW, {W_W: str(width), W_TYPE: "dxa"})
            if fill:
                SubElement(props, SHD, {VAL: "clear", w("color"): "auto", w("fill"): fill})
        p = SubElement(tc, P)
        align = aligns[i] if aligns else None
        if style or align:
            props = SubElement(p, PPR)
            if style:
                SubElement(props, PSTYLE, {VAL: style})
            if align:
                SubElement(props, JC, {VAL: align})
        if text:
            r = SubElement(p, R)
            if bold:
                SubElement(SubElement(r, RPR), BOLD)
            t = SubElement(r, T)
            t.text = text
            if text[:1].isspace() or text[-1:].isspace():
                t.set(XML_SPACE, "preserve")


def numbered(p: Element, num_id: int, level: int) -> None:
    """Attach list numbering to a paragraph (after its style, as the schema orders)."""
    props = ppr(p)
    num = etree.Element(NUMPR)
    SubElement(num, ILVL, {VAL: str(level)})
    SubElement(num, NUMID, {VAL: str(num_id)})
    index = 1 if len(props) and props[0].tag == PSTYLE else 0
    props.insert(index, num)


def indent(p: Element, left: int) -> None:
    SubElement(ppr(p), IND, {LEFT: str(left)})
