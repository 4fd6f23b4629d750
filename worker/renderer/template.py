"""The document skeleton: the reference template's package, tuned once per document.

Why: python-docx is good at the package (parts, relationships, styles, numbering,
headers), so it does that here, a few dozen calls per document. The body is built
elsewhere with lxml. Here: A4 pages, the text language (so Word spell-checks in Polish or
British English), the house style (``style.py``) or an agency's own template, the few
styles Markdown needs, header and footer parts (an empty one for the title page), and no
leftovers of the template (thumbnail, customXml, its body).

The reference template: python-docx's default package restyled by ``style.py`` (nothing
binary ships), or the bytes of an agency's ``.docx`` (``DOCX_TEMPLATE``), whose styles,
header and footer (with its logo) are kept; the renderer adds only what the template lacks.
"""

from __future__ import annotations

import copy
import io
import zipfile
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Pt, RGBColor
from lxml import etree

from worker.renderer.context import StyleIds
from worker.renderer.style import apply_house_style, ensure_styles
from worker.renderer.xml import CM, SECTPR, VAL, Element, SubElement, w

PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838  # A4 in twips
MARGIN = 1417  # 2.5 cm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
LANDSCAPE_WIDTH = PAGE_HEIGHT - 2 * MARGIN
TEXT_HEIGHT = PAGE_HEIGHT - 2 * MARGIN - 2 * CM  # portrait, room for header and footer
_LINK_COLOUR = RGBColor(0x05, 0x63, 0xC1)


@dataclass
class Skeleton:
    doc: DocxDocument
    styles: StyleIds
    header: Element
    footer: Element
    references: list[Element]  # headerReference/footerReference for every section
    own_header: bool  # the agency's template brought a header of its own (kept)
    own_footer: bool  # … and a footer


def new_skeleton(word_lang: str, decimal_symbol: str, template: bytes | None = None) -> Skeleton:
    """The package to fill: the house style, or the agency's ``template`` (DOCX bytes)."""
    doc = Document(io.BytesIO(as_document(template))) if template else Document()
    _prune(doc)
    if template:
        ensure_styles(doc)
    else:
        apply_house_style(doc)
    styles = _styles(doc, word_lang)
    _settings(doc, word_lang, decimal_symbol)
    section = doc.sections[0]
    own = {"header": False, "footer": False}
    for kind in ("header", "footer"):
        part = getattr(section, kind)
        if template and not part.is_linked_to_previous:
            own[kind] = _has_content(part._element)
        part.is_linked_to_previous = False
        if not own[kind]:
            _clear(part._element)
        # The title page carries neither: its own empty first-page parts.
        first = getattr(section, f"first_page_{kind}")
        first.is_linked_to_previous = False
        if not template:
            _clear(first._element)
            SubElement(first._element, w("p"))
    sect = section._sectPr
    references = [copy.deepcopy(el) for el in sect if el.tag in (w("headerReference"), w("footerReference"))]
    header, footer = section.header._element, section.footer._element
    return Skeleton(doc, styles, header, footer, references, own["header"], own["footer"])


_TEMPLATE_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def as_document(template: bytes) -> bytes:
    """A Word template (.dotx) as a document (.docx): python-docx opens only the latter, and
    the two differ in the main part's content type alone."""
    with zipfile.ZipFile(io.BytesIO(template)) as source:
        types = source.read("[Content_Types].xml")
        if _TEMPLATE_TYPE not in types:
            return template
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename == "[Content_Types].xml":
                    data = types.replace(_TEMPLATE_TYPE, _DOCUMENT_TYPE)
                target.writestr(info, data)
    return buffer.getvalue()


def _clear(part: Element) -> None:
    for child in list(part):
        part.remove(child)


def _has_content(part: Element) -> bool:
    """Whether a header or footer shows anything (text, a picture, a field)."""
    return any(el.text and el.text.strip() for el in part.iter(w("t"))) or any(
        True for tag in ("drawing", "pict", "fldSimple", "instrText") for _ in part.iter(w(tag))
    )


def _prune(doc: DocxDocument) -> None:
    """Drop template parts that would mislead (a blank thumbnail) or only add weight."""
    drop = {
        RT.CUSTOM_XML,
        "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    }
    for rels in (doc.part.rels, doc.part.package.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype in drop or rel.reltype == RT.THUMBNAIL:
                del rels[rid]
                rels.related_parts.pop(rid, None)


def _styles(doc: DocxDocument, word_lang: str) -> StyleIds:
    styles = doc.styles
    lang = styles.element.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('lang')}")
    if lang is not None:
        lang.set(VAL, word_lang)
    names = {s.name for s in styles}

    def added(name: str, kind: WD_STYLE_TYPE) -> tuple[object, bool]:
        # An agency's template may define these already: its definition wins.
        if name in names:
            return styles[name], False
        return styles.add_style(name, kind), True

    code, new = added("Source Code", WD_STYLE_TYPE.PARAGRAPH)
    if new:
        code.base_style = styles["Normal"]
        code.font.name = "Consolas"
        code.font.size = Pt(9)
        code.paragraph_format.space_after = Pt(6)
        code.paragraph_format.line_spacing = 1.0
    code_char, new = added("Verbatim Char", WD_STYLE_TYPE.CHARACTER)
    if new:
        code_char.font.name = "Consolas"
    link, new = added("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    if new:
        link.font.color.rgb = _LINK_COLOUR
        link.font.underline = True
    cell, new = added("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    if new:
        cell.base_style = styles["Normal"]
        cell.font.size = Pt(9)
        cell.paragraph_format.space_after = Pt(0)
        cell.paragraph_format.line_spacing = 1.0

    def sid(name: str) -> str:
        return styles[name].style_id

    return StyleIds(
        headings=("",) + tuple(sid(f"Heading {n}") for n in range(1, 10)),
        title=sid("Title"),
        subtitle=sid("Subtitle"),
        toc_heading=sid("TOC Heading"),
        toc=(sid("toc 1"), sid("toc 2")),
        list_paragraph=sid("List Paragraph"),
        quote=sid("Quote"),
        code=code.style_id,
        code_char=code_char.style_id,
        hyperlink=link.style_id,
        table=sid("Table Grid"),
        table_text=cell.style_id,
        caption=sid("Caption"),
        header=sid("Header"),
        footer=sid("Footer"),
    )


def _settings(doc: DocxDocument, word_lang: str, decimal_symbol: str) -> None:
    settings = doc.settings.element
    # "Already checked" would stop Word from spell-checking the new text. No
    # updateFields: the contents come filled, so Word has nothing to ask on opening.
    for name in ("proofState", "rsids", "attachedTemplate", "updateFields"):
        for el in settings.findall(w(name)):
            settings.remove(el)
    theme_lang = settings.find(w("themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(VAL, word_lang)
    symbol = settings.find(w("decimalSymbol"))
    if symbol is not None:
        symbol.set(VAL, decimal_symbol)
    separator = settings.find(w("listSeparator"))
    if separator is not None:
        separator.set(VAL, ";" if decimal_symbol == "," else ",")


def sect_pr(references: list[Element], *, landscape: bool = False, title_page: bool = False) -> Element:
    """Section properties: A4, 2.5 cm margins, the shared header and footer.

    ``title_page``: the section's first page takes the first-page header and footer
    (empty in the house style: the title page shows neither).
    """
    sect = etree.Element(SECTPR)
    for ref in references:
        if title_page or ref.get(w("type")) != "first":
            sect.append(copy.deepcopy(ref))
    size = {w("w"): str(PAGE_WIDTH), w("h"): str(PAGE_HEIGHT)}
    if landscape:
        size = {w("w"): str(PAGE_HEIGHT), w("h"): str(PAGE_WIDTH), w("orient"): "landscape"}
    SubElement(sect, w("pgSz"), size)
    margin = str(MARGIN)
    SubElement(
        sect,
        w("pgMar"),
        {
            w("top"): margin,
            w("right"): margin,
            w("bottom"): margin,
            w("left"): margin,
            w("header"): "709",
            w("footer"): "709",
            w("gutter"): "0",
        },
    )
    SubElement(sect, w("cols"), {w("space"): "708"})
    if title_page:
        SubElement(sect, w("titlePg"))
    SubElement(sect, w("docGrid"), {w("linePitch"): "360"})
    return sect
