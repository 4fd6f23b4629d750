"""The document skeleton: python-docx's default package, tuned once per document.

Why: python-docx is good at the package (parts, relationships, styles, numbering,
headers), so it does that here, a few dozen calls per document. The body is built
elsewhere with lxml. Here: A4 pages, the text language (so Word spell-checks in Polish or
British English), darker heading colours (contrast), the few styles Markdown needs, a
header and a footer part, and no leftovers of the template (thumbnail, customXml).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Pt, RGBColor
from lxml import etree

from worker.renderer.context import StyleIds
from worker.renderer.xml import CM, SECTPR, VAL, Element, SubElement, w

PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838  # A4 in twips
MARGIN = 1417  # 2.5 cm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
LANDSCAPE_WIDTH = PAGE_HEIGHT - 2 * MARGIN
TEXT_HEIGHT = PAGE_HEIGHT - 2 * MARGIN - 2 * CM  # portrait, room for header and footer
_HEADING_COLOUR = RGBColor(0x1F, 0x3A, 0x5F)
_LINK_COLOUR = RGBColor(0x05, 0x63, 0xC1)


@dataclass
class Skeleton:
    doc: DocxDocument
    styles: StyleIds
    header: Element
    footer: Element
    references: list[Element]  # headerReference/footerReference for every section


def new_skeleton(word_lang: str, decimal_symbol: str) -> Skeleton:
    doc = Document()
    _prune(doc)
    styles = _styles(doc, word_lang)
    _settings(doc, word_lang, decimal_symbol)
    section = doc.sections[0]
    section.header.is_linked_to_previous = False
    section.footer.is_linked_to_previous = False
    header = section.header._element
    footer = section.footer._element
    for part in (header, footer):
        for child in list(part):
            part.remove(child)
    sect = section._sectPr
    references = [copy.deepcopy(el) for el in sect if el.tag in (w("headerReference"), w("footerReference"))]
    return Skeleton(doc, styles, header, footer, references)


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
    for level in range(1, 5):
        styles[f"Heading {level}"].font.color.rgb = _HEADING_COLOUR
    styles["Title"].font.color.rgb = _HEADING_COLOUR
    styles["Caption"].font.color.rgb = RGBColor(0x40, 0x40, 0x40)

    code = styles.add_style("Source Code", WD_STYLE_TYPE.PARAGRAPH)
    code.base_style = styles["Normal"]
    code.font.name = "Consolas"
    code.font.size = Pt(9)
    code.paragraph_format.space_after = Pt(6)
    code.paragraph_format.line_spacing = 1.0
    code_char = styles.add_style("Verbatim Char", WD_STYLE_TYPE.CHARACTER)
    code_char.font.name = "Consolas"
    link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = _LINK_COLOUR
    link.font.underline = True
    cell = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = styles["Normal"]
    cell.font.size = Pt(9)
    cell.paragraph_format.space_after = Pt(0)
    cell.paragraph_format.line_spacing = 1.0

    def sid(name: str) -> str:
        return styles[name].style_id

    return StyleIds(
        headings=("",) + tuple(sid(f"Heading {n}") for n in range(1, 10)),
        title=sid("Title"),
        toc_heading=sid("TOC Heading"),
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
    # "Already checked" would stop Word from spell-checking the new text.
    for name in ("proofState", "rsids", "attachedTemplate"):
        for el in settings.findall(w(name)):
            settings.remove(el)
    # Ask Word to update fields (the table of contents, page numbers) on opening.
    update = etree.Element(w("updateFields"), {VAL: "true"})
    compat = settings.find(w("compat"))
    if compat is not None:
        compat.addprevious(update)
    else:
        settings.append(update)
    theme_lang = settings.find(w("themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(VAL, word_lang)
    symbol = settings.find(w("decimalSymbol"))
    if symbol is not None:
        symbol.set(VAL, decimal_symbol)
    separator = settings.find(w("listSeparator"))
    if separator is not None:
        separator.set(VAL, ";" if decimal_symbol == "," else ",")


def sect_pr(references: list[Element], *, landscape: bool = False) -> Element:
    """Section properties: A4, 2.5 cm margins, the shared header and footer."""
    sect = etree.Element(SECTPR)
    for ref in references:
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
    SubElement(sect, w("docGrid"), {w("linePitch"): "360"})
    return sect
