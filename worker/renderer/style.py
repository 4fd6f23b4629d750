"""The house style: the designed style set of the default reference template.

Why in code and not a shipped ``.docx``: the default template is python-docx's own
package restyled here, so a change of style is a reviewed diff, not a binary, and the
same code gives the same bytes. An agency's own template (``DOCX_TEMPLATE``) keeps its
styles; only styles it lacks are added (``ensure_styles``).

Typography: Calibri 11 pt. It is Word's default body font, and LibreOffice on Debian
draws it with Carlito (``fonts-crosextra-carlito``), which has the same metrics, so a
page breaks at the same line in Word and in the PDF the worker makes (and the page
numbers of the table of contents, computed from that PDF, hold in Word). Headings in
navy, sized 16/13/11.5/11 pt, kept with the next paragraph; tables with light rules.
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from lxml import etree

from worker.renderer.xml import VAL, Element, SubElement, w

BODY_FONT = "Calibri"
NAVY = "1F3A5F"
ACCENT = "2E75B6"
SUBTLE = "595959"
RULE = "BFBFBF"

# level: (size in half-points, space before, space after in twips, italic)
_HEADINGS = {
    1: (32, 0, 240, False),  # a Heading 1 always opens a page: no space above
    2: (26, 360, 120, False),
    3: (23, 240, 80, False),
    4: (22, 200, 60, True),
}

#: Paragraph and character styles the renderer uses, with what a template lacking them gets.
_NEEDED_PARAGRAPH = ("Title", "Subtitle", "TOC Heading", "Caption", "Header", "Footer")
#: Word's built-in contents styles: its own names ("toc 1") and ids, so Word, updating the
#: field, restyles the entries with these rather than adding styles of its own.
_TOC_STYLES = (("TOC1", "toc 1"), ("TOC2", "toc 2"))


def apply_house_style(doc: DocxDocument) -> None:
    """Restyle python-docx's default template into the house style (in place)."""
    root = doc.styles.element
    defaults = root.find(w("docDefaults"))
    rpr = defaults.find(f"{w('rPrDefault')}/{w('rPr')}")
    _fonts(rpr)
    _set(rpr, "sz", {VAL: "22"})
    _set(rpr, "szCs", {VAL: "22"})
    ppr = defaults.find(f"{w('pPrDefault')}/{w('pPr')}")
    _set(ppr, "spacing", {w("after"): "120", w("line"): "264", w("lineRule"): "auto"})
    ensure_styles(doc)
    styles = doc.styles
    for level in range(1, 10):
        size, before, after, italic = _HEADINGS.get(level, (22, 200, 60, False))
        style = _reset(styles[f"Heading {level}"].element)
        p = _ppr(style)
        SubElement(p, w("keepNext"))
        SubElement(p, w("keepLines"))
        if level == 1:
            borders = SubElement(p, w("pBdr"))
            SubElement(
                borders, w("bottom"), {VAL: "single", w("sz"): "8", w("space"): "4", w("color"): ACCENT}
            )
        SubElement(p, w("spacing"), {w("before"): str(before), w("after"): str(after)})
        SubElement(p, w("outlineLvl"), {VAL: str(level - 1)})
        _run(style, size=size, colour=NAVY, bold=True, italic=italic)
    title = _reset(styles["Title"].element)
    p = _ppr(title)
    borders = SubElement(p, w("pBdr"))  # a bold rule above the title: the title page's one ornament
    SubElement(borders, w("top"), {VAL: "single", w("sz"): "36", w("space"): "12", w("color"): ACCENT})
    SubElement(p, w("spacing"), {w("before"): "0", w("after"): "240", w("line"): "240"})
    _run(title, size=56, colour=NAVY, bold=True)
    subtitle = _reset(styles["Subtitle"].element)
    SubElement(_ppr(subtitle), w("spacing"), {w("after"): "120"})
    _run(subtitle, size=36, colour=ACCENT)
    toc_heading = _reset(styles["TOC Heading"].element)
    p = _ppr(toc_heading)
    SubElement(p, w("keepNext"))
    SubElement(p, w("spacing"), {w("before"): "0", w("after"): "240"})
    SubElement(p, w("outlineLvl"), {VAL: "9"})  # not itself an entry of the contents
    _run(toc_heading, size=32, colour=NAVY, bold=True)
    toc1 = _reset(styles["toc 1"].element)
    SubElement(_ppr(toc1), w("spacing"), {w("before"): "120", w("after"): "40"})
    _run(toc1, bold=True)
    toc2 = _reset(styles["toc 2"].element)
    p = _ppr(toc2)
    SubElement(p, w("spacing"), {w("after"): "40"})
    SubElement(p, w("ind"), {w("left"): "440"})
    caption = _reset(styles["Caption"].element)
    SubElement(_ppr(caption), w("spacing"), {w("before"): "60", w("after"): "240"})
    _run(caption, size=18, colour=SUBTLE, italic=True)
    for name in ("Header", "Footer"):
        _run(_reset(styles[name].element, keep_ppr=True), size=16, colour=SUBTLE)
    quote = _reset(styles["Quote"].element)
    p = _ppr(quote)
    borders = SubElement(p, w("pBdr"))
    SubElement(borders, w("left"), {VAL: "single", w("sz"): "12", w("space"): "8", w("color"): ACCENT})
    SubElement(p, w("ind"), {w("left"): "284", w("right"): "284"})
    _run(quote, colour="404040", italic=True)
    _table_grid(styles["Table Grid"].element)


def ensure_styles(doc: DocxDocument) -> None:
    """Add the styles the renderer refers to that a template lacks (an agency's own)."""
    styles = doc.styles
    names = {s.name for s in styles}
    for name in _NEEDED_PARAGRAPH:
        if name not in names:
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = styles["Normal"]
    if "Table Grid" not in names:
        styles.add_style("Table Grid", WD_STYLE_TYPE.TABLE)
    for style_id, name in _TOC_STYLES:
        if name not in names:
            style = SubElement(styles.element, w("style"), {w("type"): "paragraph", w("styleId"): style_id})
            SubElement(style, w("name"), {VAL: name})
            SubElement(style, w("basedOn"), {VAL: "Normal"})
            SubElement(style, w("next"), {VAL: "Normal"})
            SubElement(style, w("uiPriority"), {VAL: "39"})
            SubElement(style, w("unhideWhenUsed"))


def _set(parent: Element, tag: str, attrs: dict[str, str]) -> Element:
    """Replace ``tag`` where it stands (Word refuses properties out of the schema's order)."""
    new = etree.Element(w(tag), attrs)
    old = parent.find(w(tag))
    if old is not None:
        old.addprevious(new)
        parent.remove(old)
    else:
        parent.append(new)
    return new


def _fonts(rpr: Element) -> None:
    old = rpr.find(w("rFonts"))
    fonts = etree.Element(w("rFonts"), {w(key): BODY_FONT for key in ("ascii", "hAnsi", "eastAsia", "cs")})
    if old is not None:
        old.addprevious(fonts)
        rpr.remove(old)
    else:
        rpr.insert(0, fonts)


_STYLE_HEAD = ("name", "aliases", "basedOn", "next", "link", "autoRedefine", "hidden", "uiPriority")
_STYLE_HEAD += ("semiHidden", "unhideWhenUsed", "qFormat", "locked", "personal", "rsid")


def _reset(style: Element, *, keep_ppr: bool = False) -> Element:
    """Drop a style's own paragraph/run properties (theme fonts, colours) before restyling."""
    for child in list(style):
        tag = etree.QName(child).localname
        if tag == "pPr" and keep_ppr:
            continue
        if tag not in _STYLE_HEAD:
            style.remove(child)
    return style


def _ppr(style: Element) -> Element:
    found = style.find(w("pPr"))
    return found if found is not None else SubElement(style, w("pPr"))


def _run(
    style: Element,
    *,
    size: int | None = None,
    colour: str | None = None,
    bold: bool = False,
    italic: bool = False,
) -> None:
    rpr = style.find(w("rPr"))
    if rpr is None:
        rpr = SubElement(style, w("rPr"))
    if bold:
        SubElement(rpr, w("b"))
        SubElement(rpr, w("bCs"))
    if italic:
        SubElement(rpr, w("i"))
    if colour:
        SubElement(rpr, w("color"), {VAL: colour})
    if size:
        SubElement(rpr, w("sz"), {VAL: str(size)})
        SubElement(rpr, w("szCs"), {VAL: str(size)})


def _table_grid(style: Element) -> None:
    """Light grey rules and a little room in every cell, instead of black grid lines."""
    _reset(style)
    p = SubElement(style, w("pPr"))
    SubElement(p, w("spacing"), {w("after"): "0", w("line"): "240", w("lineRule"): "auto"})
    props = SubElement(style, w("tblPr"))
    SubElement(props, w("tblInd"), {w("w"): "0", w("type"): "dxa"})
    borders = SubElement(props, w("tblBorders"))
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        SubElement(borders, w(side), {VAL: "single", w("sz"): "4", w("space"): "0", w("color"): RULE})
    margins = SubElement(props, w("tblCellMar"))
    for side, width in (("top", "40"), ("left", "85"), ("bottom", "40"), ("right", "85")):
        SubElement(margins, w(side), {w("w"): width, w("type"): "dxa"})
