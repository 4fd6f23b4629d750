"""Tables that read, checked in the DOCX: widths from the content, tokens held together,
header rows repeated, rows unsplit, amounts right-aligned, annexes as real tables."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from worker.renderer import render_strategy
from worker.renderer.layout import Column, fit
from worker.renderer.sample import sample_snapshot
from worker.renderer.values import unbroken

#: Width of a character of table text, in em: DejaVu Sans' digit (0.64 em; its dot is
#: 0.32), the widest font LibreOffice may fall back to, so "30.12.2026" is 5.76 em.
DIGIT_EM, DOT_EM = 0.64, 0.32
LONGEST_DATE = "30.12.2026"


def text_em(text: str) -> float:
    return sum(DIGIT_EM if c.isdigit() else DOT_EM for c in text)


def big_snapshot() -> dict:
    """The sample with a longer plan, big amounts, a percentage, identifiers, local times."""
    snapshot = sample_snapshot(sections=5, actions=40)
    plan = next(s for st in snapshot["stages"] for s in st["sections"] if s["kind"] == "action_plan")
    plan["content"][0]["budget_pln"] = "120000"
    plan["content"][1]["budget_pln"] = "1234567.89"
    plan["content"][2]["end"] = LONGEST_DATE[6:] + "-12-30"
    plan["content"][3]["target"] = "12,5 %"
    plan["content"][4]["kpi"] = "KPI-12"
    for meeting in snapshot["meetings"]:
        meeting["starts_at"] = meeting["starts_at"].replace("+01:00", "+02:00")
    return snapshot


@pytest.fixture(scope="module")
def snapshot() -> dict:
    return big_snapshot()


@pytest.fixture(scope="module")
def document(snapshot) -> docx.document.Document:
    return docx.Document(io.BytesIO(render_strategy(snapshot)))


def tables_with_width(document) -> Iterator[tuple[object, int]]:
    """Every table with the text width (twips) of the section it sits in."""
    pending = []
    for child in document.element.body:
        if child.tag == qn("w:tbl"):
            pending.append(child)
        sect = child if child.tag == qn("w:sectPr") else child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}")
        if sect is not None:
            size, margin = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
            width = int(size.get(qn("w:w"))) - int(margin.get(qn("w:left"))) - int(margin.get(qn("w:right")))
            for tbl in pending:
                yield tbl, width
            pending = []
    assert not pending


def grid(tbl) -> list[int]:
    return [int(col.get(qn("w:w"))) for col in tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))]


def texts(tbl) -> list[list[str]]:
    rows = []
    for tr in tbl.findall(qn("w:tr")):
        rows.append(["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.findall(qn("w:tc"))])
    return rows


def table_headed(document, *first: str):
    for tbl, width in tables_with_width(document):
        if texts(tbl)[0][: len(first)] == list(first):
            return tbl, width
    raise AssertionError(f"no table headed {first}")


def test_every_header_row_repeats_and_no_row_splits(document):
    count = 0
    for tbl, _ in tables_with_width(document):
        look = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblLook')}")
        rows = tbl.findall(qn("w:tr"))
        for tr in rows:
            assert tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
        if look is not None and look.get(qn("w:firstRow")) == "1":
            count += 1
            assert rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
            assert all(tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None for tr in rows[1:])
    assert count >= 5


def test_widths_fixed_and_summing_to_the_text_width(document):
    measured = 0
    for tbl, width in tables_with_width(document):
        widths = grid(tbl)
        assert sum(widths) <= width
        layout = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblLayout')}")
        assert layout is not None and layout.get(qn("w:type")) == "fixed"
        if tbl.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}") is None:
            continue  # not sized from its content (the document history)
        measured += 1
        assert sum(widths) == width
        for tr in tbl.findall(qn("w:tr")):
            cells = [tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}") for tc in tr.findall(qn("w:tc"))]
            assert [int(c.get(qn("w:w"))) for c in cells] == widths
    assert measured >= 9  # Markdown, plan, KPI, kinds, members per kind (4), meetings


def test_markdown_numbers_columns_hold_their_numbers():
    rows = "\n".join(f"| {'słowo ' * 30} | {n * 1_234_567} |" for n in range(1, 4))
    snapshot = sample_snapshot(sections=5, actions=1)
    text = next(s for st in snapshot["stages"] for s in st["sections"] if s["kind"] == "text")
    text["content"] = f"| Opis | Kwota |\n|---|--:|\n{rows}"
    document = docx.Document(io.BytesIO(render_strategy(snapshot)))
    tbl, width = table_headed(document, "Opis", "Kwota")
    widths = grid(tbl)
    assert sum(widths) == width and widths[0] > widths[1]
    size = (document.styles["Table Text"].font.size or Pt(11)).pt
    assert widths[1] >= text_em(str(3 * 1_234_567)) * size * 20


def test_action_plan_is_landscape_wide_and_dates_fit(document, snapshot):
    tbl, width = table_headed(document, "Lp.", "Działanie")
    first = document.sections[0]
    portrait = first.page_width.twips - first.left_margin.twips - first.right_margin.twips
    assert width > portrait  # a landscape section
    header = texts(tbl)[0]
    size = (document.styles["Table Text"].font.size or Pt(11)).pt
    margins = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}")
    padding = sum(int(margins.find(qn(side)).get(qn("w:w"))) for side in ("w:left", "w:right"))
    needed = text_em(LONGEST_DATE) * size * 20 + padding
    widths = grid(tbl)
    for label in ("Początek", "Koniec"):
        assert widths[header.index(label)] >= needed
    rows = texts(tbl)
    assert LONGEST_DATE in [r[header.index("Koniec")] for r in rows]


def test_amounts_polish_unbroken_and_right_aligned(document, snapshot):
    tbl, _ = table_headed(document, "Lp.", "Działanie")
    header = texts(tbl)[0]
    column = header.index("Budżet (PLN)")
    rows = tbl.findall(qn("w:tr"))
    amounts = [texts(tbl)[i][column] for i in range(1, len(rows))]
    assert amounts[0] == "120\xa0000,00\xa0zł"
    assert amounts[1] == "1\xa0234\xa0567,89\xa0zł"
    money = re.compile(r"\d{1,3}(\xa0\d{3})*,\d{2}\xa0zł")
    assert all(money.fullmatch(a) for a in amounts)  # the total row too
    for tr in rows[1:]:
        jc = tr.findall(qn("w:tc"))[column].find(f"{qn('w:p')}/{qn('w:pPr')}/{qn('w:jc')}")
        assert jc is not None and jc.get(qn("w:val")) == "right"


def test_percentages_and_identifiers_held_together(document):
    tbl, _ = table_headed(document, "Lp.", "Działanie")
    cells = {c for r in texts(tbl) for c in r}
    assert "12,5\xa0%" in cells
    assert "KPI\u201112" in cells
    assert "FEM 2021\u20112027" in cells


def test_meetings_annex_is_a_table_of_five_columns(document, snapshot):
    tbl, _ = table_headed(document, "Data", "Godzina")
    rows = texts(tbl)
    assert rows[0] == ["Data", "Godzina", "Miejsce", "Liczba uczestników", "Liczba organizacji"]
    meetings = snapshot["meetings"]
    assert len(rows) == 1 + len(meetings) + 1  # a row per meeting, then the totals
    for row, meeting in zip(rows[1:], meetings, strict=False):
        day = meeting["starts_at"][:10]
        assert row == [
            f"{day[8:10]}.{day[5:7]}.{day[:4]}",
            "10:00",  # the offset's wall clock, not UTC (08:00)
            meeting["place"],
            str(meeting["participants"]),
            str(len(meeting["organisations"])),
        ]
    names = {name for m in meetings for name in m["organisations"]}
    assert rows[-1][0] == "Razem" and rows[-1][4] == str(len(names))


def test_members_by_kind(document, snapshot):
    labels = snapshot["organisation_kind_labels"]
    paragraphs = [p.text for p in document.paragraphs]
    members = [
        t for t, _ in tables_with_width(document) if texts(t)[0] == ["Lp.", "Organizacja", "Miejscowość"]
    ]
    by_kind: dict[str, list[dict]] = {}
    for org in snapshot["organisations"]:
        by_kind.setdefault(org["kind"], []).append(org)
    assert len(members) == len(by_kind)
    order = [k for k in labels if k in by_kind]
    for tbl, kind in zip(members, order, strict=True):
        assert f"{labels[kind]} ({len(by_kind[kind])})" in paragraphs
        assert [r[1:] for r in texts(tbl)[1:]] == [[o["name"], o["city"]] for o in by_kind[kind]]


def test_fit_keeps_tokens_and_sums_exactly():
    columns = [Column("Lp.", keep=True), Column("Opis"), Column("Kwota", keep=True)]
    rows = [["1", "słowo " * 40, unbroken("120 000,00 zł")]] * 3
    widths = fit(columns, rows, 9072)
    assert sum(widths) == 9072
    assert widths[1] > widths[2] > widths[0]
    # Too many wide columns for the page: keep tokens give way last, and the sum holds.
    crowded = [Column(f"Nagłówek{i}") for i in range(12)] + [Column("Data", keep=True)]
    widths = fit(crowded, [["wyrazdługiiszeroki"] * 12 + ["30.12.2026"]], 9072)
    assert sum(widths) == 9072
    assert widths[-1] >= max(widths[:-1])
