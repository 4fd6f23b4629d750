"""The house style's furniture: title page, document history, "Strona X z Y", the table of
contents written filled (with or without page numbers), and an agency's own template."""

from __future__ import annotations

import base64
import copy
import hashlib
import io
import re
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import RGBColor

from worker.paginate import match_pages, render_paginated
from worker.renderer import render_strategy
from worker.renderer.contents import Placeholders, entry_titles
from worker.renderer.sample import sample_snapshot

# A 2x1 PNG (red, blue).
LOGO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAD0lEQVR4nGM4wcDAwHACAAV/AZEUKhLIAAAAAElFTkSuQmCC"
)
HISTORY = [
    {"version": 1, "created_at": "2026-03-02T09:00:00+01:00", "final": False},
    {
        "version": 2,
        "created_at": "2026-06-10T09:00:00+02:00",
        "final": False,
        "changed_sections": ["Analiza SWOT", "Plan działań"],
        "approved_by": [],
    },
    {
        "version": 3,
        "created_at": "2026-11-27T12:00:00+00:00",
        "final": True,
        "changed_sections": [],
        "approved_by": ["Anna Nowak"],
    },
]


def snapshot(**extra: object) -> dict:
    snap = sample_snapshot(sections=3, actions=3)
    snap["agency"] = {
        "name": "Agencja Rozwoju Mazowsza",
        "city": "Płock",
        "logo": base64.b64encode(LOGO).decode(),
    }
    snap["history"] = copy.deepcopy(HISTORY)
    snap.update(extra)
    return snap


def document_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml")


def text_of(p) -> str:  # noqa: ANN001
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def body_paragraphs(data: bytes) -> list:
    return list(docx.Document(io.BytesIO(data)).element.body.iter(qn("w:p")))


def style_of(p) -> str:  # noqa: ANN001
    found = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return found.get(qn("w:val")) if found is not None else ""


def headings(data: bytes) -> list[str]:
    """Every Heading 1 and Heading 2 of the body, in order."""
    return [text_of(p) for p in body_paragraphs(data) if style_of(p) in ("Heading1", "Heading2")]


def toc_entries(data: bytes) -> list[tuple[str, str]]:
    """(style, text) of each paragraph of the TOC field's result."""
    return [(style_of(p), text_of(p)) for p in body_paragraphs(data) if style_of(p) in ("TOC1", "TOC2")]


@pytest.fixture(scope="module")
def plain() -> bytes:
    return render_strategy(snapshot())


@pytest.fixture(scope="module")
def numbered() -> tuple[list[int], bytes]:
    data = render_strategy(snapshot())
    pages = [10 + 3 * i for i in range(len(entry_titles(data)))]
    return pages, render_strategy(snapshot(), pages=pages)


def test_the_contents_list_every_heading_of_levels_one_and_two_in_order(plain):
    expected = headings(plain)
    assert len(expected) > 10 and any(h.startswith("Załącznik") for h in expected)
    entries = toc_entries(plain)
    assert [text for _, text in entries] == expected  # without pages: titles only
    levels = {text: style for style, text in entries}
    assert levels["1. Diagnoza"] == "TOC1" and levels["1.2 Analiza SWOT"] == "TOC2"
    xml = document_xml(plain).decode()
    assert 'TOC \\o "1-2" \\h \\z \\u' in xml
    assert 'w:dirty="true"' not in xml
    for anchor in re.findall(r'w:anchor="(_Toc\d+)"', xml):  # each entry links to its heading
        assert f'w:name="{anchor}"' in xml
    assert entry_titles(plain) == expected


def test_with_pages_each_entry_ends_with_its_number(numbered):
    pages, data = numbered
    entries = toc_entries(data)
    assert [text for _, text in entries] == [
        f"{h}{page}" for h, page in zip(headings(data), pages, strict=True)
    ]
    xml = document_xml(data).decode()
    assert xml.count("PAGEREF _Toc") == len(pages)
    assert 'w:leader="dot"' in xml


def test_placeholders_take_the_place_of_every_number():
    data = render_strategy(snapshot(), pages=Placeholders())
    assert all(text.endswith("88") for _, text in toc_entries(data))


def test_title_page_shows_agency_title_cluster_place_and_year(plain):
    paragraphs = body_paragraphs(plain)
    history_at = next(i for i, p in enumerate(paragraphs) if text_of(p) == "Metryka dokumentu")
    cover = [text_of(p) for p in paragraphs[:history_at]]
    assert "Agencja Rozwoju Mazowsza" in cover
    assert "Strategia rozwoju klastra" in cover
    assert "„Mazowiecki Klaster Chemiczny”" in cover
    assert "Płock, 2026" in cover
    blips = [p for p in paragraphs[:history_at] if p.find(f".//{qn('a:blip')}") is not None]
    assert len(blips) == 1  # the logo
    document = docx.Document(io.BytesIO(plain))
    images = [r.target_part.blob for r in document.part.rels.values() if r.reltype.endswith("/image")]
    assert LOGO in images


def test_no_logo_without_one_and_a_broken_logo_is_left_out():
    for logo in (None, "not base64!", base64.b64encode(b"GIF89a not a png").decode()):
        snap = snapshot()
        snap["agency"]["logo"] = logo
        paragraphs = body_paragraphs(render_strategy(snap, pages=None))
        history_at = next(i for i, p in enumerate(paragraphs) if text_of(p) == "Metryka dokumentu")
        assert not any(p.find(f".//{qn('a:blip')}") is not None for p in paragraphs[:history_at])


def test_the_metryka_has_a_row_per_version(plain):
    document = docx.Document(io.BytesIO(plain))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Wersja")
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["Wersja", "Data", "Stan", "Zmienione sekcje", "Zatwierdzona przez"]
    assert rows[1:] == [
        ["1", "02.03.2026", "wersja robocza", "pierwsza wersja", "—"],
        ["2", "10.06.2026", "wersja robocza", "Analiza SWOT; Plan działań", "—"],
        ["3", "27.11.2026", "przyjęta", "bez zmian treści", "Anna Nowak"],
    ]


def test_without_history_the_metryka_holds_this_version():
    snap = snapshot()
    del snap["history"]
    document = docx.Document(io.BytesIO(render_strategy(snap)))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Wersja")
    assert [c.text for c in table.rows[1].cells][:3] == ["3", "27.11.2026", "wersja robocza"]
    assert len(table.rows) == 2


def test_footer_counts_pages_and_the_title_page_has_none(plain):
    document = docx.Document(io.BytesIO(plain))
    footer = document.sections[0].footer._element
    instructions = [el.text.strip() for el in footer.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert "Strona 1 z 1" in "".join(t.text for t in footer.iter(qn("w:t")))  # cached results
    first = document.sections[0]._sectPr
    assert first.find(qn("w:titlePg")) is not None
    assert document.sections[0].first_page_footer._element.find(f".//{qn('w:instrText')}") is None
    for section in document.sections:  # the draft mark stays on every page but the title's
        assert "WERSJA ROBOCZA" in "\n".join(p.text for p in section.header.paragraphs)
    with zipfile.ZipFile(io.BytesIO(plain)) as archive:
        settings = archive.read("word/settings.xml").decode()
    assert "updateFields" not in settings  # no prompt on opening


def test_house_style_fonts_and_headings(plain):
    with zipfile.ZipFile(io.BytesIO(plain)) as archive:
        styles = archive.read("word/styles.xml").decode()
    assert 'w:ascii="Calibri"' in styles
    document = docx.Document(io.BytesIO(plain))
    heading = document.styles["Heading 1"]
    assert heading.font.color.rgb == RGBColor(0x1F, 0x3A, 0x5F)
    assert heading.paragraph_format.keep_with_next
    assert document.styles["Heading 1"].font.size > document.styles["Heading 2"].font.size


def agency_template() -> bytes:
    template = docx.Document()
    template.styles["Heading 1"].font.color.rgb = RGBColor(0xAB, 0x12, 0x34)
    header = template.sections[0].header
    header.is_linked_to_previous = False
    header.paragraphs[0].text = "Urząd Marszałkowski — szablon agencji"
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def test_an_agency_template_brings_its_styles_and_header():
    data = render_strategy(snapshot(), template=agency_template())
    document = docx.Document(io.BytesIO(data))
    assert document.styles["Heading 1"].font.color.rgb == RGBColor(0xAB, 0x12, 0x34)
    header = "\n".join(p.text for p in document.sections[0].header.paragraphs)
    assert "Urząd Marszałkowski — szablon agencji" in header and "WERSJA ROBOCZA" in header
    assert headings(data) == [text for _, text in toc_entries(data)]
    footer = document.sections[0].footer._element
    assert [el.text.strip() for el in footer.iter(qn("w:instrText"))] == ["PAGE", "NUMPAGES"]


def test_the_same_snapshot_gives_the_same_bytes(numbered):
    pages, data = numbered
    again = render_strategy(copy.deepcopy(snapshot()), pages=list(pages))
    assert hashlib.sha256(again).digest() == hashlib.sha256(data).digest()
    template = agency_template()
    assert render_strategy(snapshot(), template=template) == render_strategy(snapshot(), template=template)


def test_pages_are_matched_in_order_and_missing_ones_stay_empty():
    outline = [("1. A", 4), ("Goal", 4), ("1.1 B", 5), ("2. C", 7), ("1.1 B", 8), ("Załącznik 1.  D", 9)]
    assert match_pages(["1. A", "1.1 B", "2. C", "1.1 B", "Załącznik 1. D", "X"], outline) == [
        4,
        5,
        7,
        8,
        9,
        None,
    ]


def test_paginate_uses_the_layout_and_survives_its_failure():
    snap = snapshot()
    titles = entry_titles(render_strategy(snap))
    outline = [(title, 5 + i) for i, title in enumerate(titles)]
    seen: list[bytes] = []

    def convert(data: bytes) -> bytes:
        seen.append(data)
        return b"%PDF"

    data = render_paginated(snap, convert=convert, heading_pages=lambda _pdf: outline)
    assert [text for _, text in toc_entries(seen[0])] == [f"{t}88" for t in titles]  # the first pass
    assert [text for _, text in toc_entries(data)] == [f"{t}{5 + i}" for i, t in enumerate(titles)]

    def broken(_data: bytes) -> bytes:
        raise RuntimeError("LibreOffice died")

    fallback = render_paginated(snap, convert=broken, heading_pages=lambda _pdf: outline)
    assert fallback == render_strategy(snap)


def test_a_word_template_file_dotx_is_taken_too():
    source = io.BytesIO(agency_template())
    dotx = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(dotx, "w") as target:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            target.writestr(info, data)
    document = docx.Document(io.BytesIO(render_strategy(snapshot(), template=dotx.getvalue())))
    assert document.styles["Heading 1"].font.color.rgb == RGBColor(0xAB, 0x12, 0x34)


def test_the_entries_take_words_own_contents_styles(plain):
    document = docx.Document(io.BytesIO(plain))
    names = {s.style_id: s.name for s in document.styles}
    assert names["TOC1"] == "toc 1" and names["TOC2"] == "toc 2"
