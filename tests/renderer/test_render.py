"""The DOCX renderer, read back with python-docx: structure, content, determinism."""

from __future__ import annotations

import copy
import hashlib
import io
import zipfile
from datetime import UTC, datetime
from decimal import Decimal

import docx
import pytest
from babel.numbers import format_currency
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from worker.renderer import render_strategy
from worker.renderer.labels import LABELS
from worker.renderer.markdown_docx import MAX_TABLE_COLUMNS
from worker.renderer.sample import sample_snapshot


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def body_paragraph_texts(document: docx.document.Document) -> list[str]:
    """Text of every paragraph in the body, table cells included."""
    texts = []
    for p in document.element.body.iter(qn("w:p")):
        texts.append("".join(t.text or "" for t in p.iter(qn("w:t"))))
    return texts


def table_texts(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def header_of(table) -> list[str]:
    return [cell.text for cell in table.rows[0].cells] if table.rows else []


def find_table(document, first_cell: str):
    for table in document.tables:
        if table.rows and table.rows[0].cells and table.rows[0].cells[0].text.startswith(first_cell):
            return table
    return None


def sections_of(snapshot, kind):
    return [s for stage in snapshot["stages"] for s in stage["sections"] if s["kind"] == kind]


@pytest.fixture(scope="module")
def draft_snapshot():
    return sample_snapshot()


@pytest.fixture(scope="module")
def draft_bytes(draft_snapshot):
    return render_strategy(draft_snapshot)


@pytest.fixture(scope="module")
def draft(draft_bytes):
    return open_docx(draft_bytes)


@pytest.fixture(scope="module")
def final_snapshot():
    return sample_snapshot(final=True)


@pytest.fixture(scope="module")
def final(final_snapshot):
    return open_docx(render_strategy(final_snapshot))


def test_headings_in_order_and_numbered(draft, draft_snapshot):
    expected = []
    for i, stage in enumerate(draft_snapshot["stages"], 1):
        expected.append(("Heading 1", f"{i}. {stage['title']}"))
        for j, section in enumerate(stage["sections"], 1):
            expected.append(("Heading 2", f"{i}.{j} {section['title']}"))
    found = [
        (p.style.name, p.text)
        for p in draft.paragraphs
        if p.style.name in ("Heading 1", "Heading 2") and p.text[:1].isdigit()
    ]
    assert found == expected
    annexes = [
        p.text for p in draft.paragraphs if p.style.name == "Heading 1" and p.text.startswith("Załącznik")
    ]
    assert annexes == [
        "Załącznik 1. Członkowie klastra według rodzaju organizacji",
        "Załącznik 2. Spotkania i frekwencja",
    ]


def test_every_text_section_present(draft, draft_snapshot):
    text = "\n".join(body_paragraph_texts(draft))
    for section in sections_of(draft_snapshot, "text"):
        first_paragraph = section["content"].split("\n\n")[0]
        assert first_paragraph in text
        assert "**" not in text and "](" not in text  # Markdown became formatting


def test_markdown_becomes_word_structure(draft):
    body = draft.element.body
    assert body.findall(f".//{qn('w:b')}")  # **bold**
    assert body.findall(f".//{qn('w:i')}")  # *italic*
    levels = {el.get(qn("w:val")) for el in body.iter(qn("w:ilvl"))}
    assert {"0", "1"} <= levels  # nested list
    numbering = draft.part.numbering_part.element
    formats = {el.get(qn("w:val")) for el in numbering.iter(qn("w:numFmt"))}
    assert {"bullet", "decimal"} <= formats
    header_rows = body.findall(f".//{qn('w:tblHeader')}")
    assert header_rows  # Markdown and plan tables repeat their header row
    verbatim = [s for s in draft.styles if s.name == "Verbatim Char"]
    assert verbatim


def test_swot_is_a_two_by_two_table(draft, draft_snapshot):
    table = find_table(draft, "Mocne strony")
    assert table is not None
    assert len(table.rows) == 2 and len(table.columns) == 2
    swot = sections_of(draft_snapshot, "swot")[0]["content"]
    cells = table_texts(table)
    assert cells[0][1].startswith("Słabe strony")
    assert cells[1][0].startswith("Szanse")
    assert cells[1][1].startswith("Zagrożenia")
    for item in swot["strengths"]:
        assert item in cells[0][0]
    for item in swot["threats"]:
        assert item in cells[1][1]


def test_goals_numbered_with_objectives(draft, draft_snapshot):
    goals = sections_of(draft_snapshot, "goals")[0]["content"]
    texts = [p.text for p in draft.paragraphs]
    for gi, goal in enumerate(goals, 1):
        assert f"{gi}. {goal['title']}" in texts
        for oi, objective in enumerate(goal["objectives"], 1):
            assert f"{gi}.{oi} {objective['title']}" in texts


def test_action_plan_table_rows_and_polish_total(draft, draft_snapshot):
    plan = sections_of(draft_snapshot, "action_plan")[0]["content"]
    table = find_table(draft, "Lp.")
    header = [c.text for c in table.rows[0].cells]
    assert header[:3] == ["Lp.", "Działanie", "Cel operacyjny"]
    assert "Budżet (PLN)" in header
    assert len(table.rows) == 1 + len(plan) + 1
    total = sum(Decimal(r["budget_pln"]) for r in plan)
    last = [c.text for c in table.rows[-1].cells]
    assert "Razem" in last
    assert format_currency(total, "PLN", locale="pl_PL") in last
    first = [c.text for c in table.rows[1].cells]
    assert "1\xa0234,50\xa0zł" in first  # 1234.50 the Polish way
    assert "01.01.2027" in first  # dates the Polish way
    assert "1.1" in first  # the objective cited by its number


def test_action_plan_sits_in_a_landscape_section(draft):
    orientations = [s.orientation for s in draft.sections]
    assert WD_ORIENT.LANDSCAPE in orientations
    assert orientations[-1] == WD_ORIENT.PORTRAIT
    for section in draft.sections:
        if section.orientation == WD_ORIENT.LANDSCAPE:
            assert section.page_width > section.page_height


def test_kpi_table(draft, draft_snapshot):
    kpis = sections_of(draft_snapshot, "kpi")[0]["content"]
    tables = [t for t in draft.tables if header_of(t)[1:2] == ["Wskaźnik"]]
    assert tables and len(tables[0].rows) == 1 + len(kpis)
    assert kpis[0]["indicator"] in tables[0].rows[1].cells[1].text


def test_pictures_present(draft):
    assert len(draft.inline_shapes) == 2  # the Gantt chart and the members chart
    descriptions = [el.get("descr") for el in draft.element.body.iter(qn("wp:docPr"))]
    assert "Harmonogram działań" in descriptions


def test_hyperlink_is_real_and_relationship_reused(draft):
    urls = [link.url for p in draft.paragraphs for link in p.hyperlinks]
    assert any(url.startswith("https://example.org/klaster/") for url in urls)
    rels = [r for r in draft.part.rels.values() if r.reltype.endswith("/hyperlink")]
    targets = [r.target_ref for r in rels]
    assert len(targets) == len(set(targets))  # one relationship per URL


def test_one_relationship_per_url():
    source = "[a](https://x.example/p) i [b](https://x.example/p) i [c](https://y.example/)"
    document = open_docx(render_strategy(_one_text_section(source)))
    links = [link for p in document.paragraphs for link in p.hyperlinks if link.address]  # not the contents'
    assert [link.text for link in links] == ["a", "b", "c"]
    assert links[0].address == links[1].address == "https://x.example/p"
    rels = [r for r in document.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert sorted(r.target_ref for r in rels) == ["https://x.example/p", "https://y.example/"]


def test_draft_header_on_every_page(draft):
    for section in draft.sections:
        header = "\n".join(p.text for p in section.header.paragraphs)
        assert "WERSJA ROBOCZA" in header
        assert "Mazowiecki Klaster Chemiczny" in header
        assert "Wersja 3" in header


def test_final_has_no_draft_mark_and_carries_signoffs(final, final_snapshot, draft):
    for section in final.sections:
        assert "WERSJA ROBOCZA" not in "\n".join(p.text for p in section.header.paragraphs)
    texts = body_paragraph_texts(final)
    assert "PRZYJĘTA" in texts and "WERSJA ROBOCZA" not in texts
    table = next(t for t in final.tables if "Osoba podpisująca" in header_of(t))
    assert len(table.rows) == 1 + len(final_snapshot["signoffs"])
    assert table.rows[1].cells[1].text == final_snapshot["signoffs"][0]["organisation"]
    assert not any("Osoba podpisująca" in header_of(t) for t in draft.tables)


def test_cover_contents_and_footer(draft):
    texts = body_paragraph_texts(draft)
    assert "Strategia rozwoju klastra" in texts
    assert "Wersja 3" in texts
    assert "Data: 27 listopada 2026" in texts
    assert "Spis treści" in texts
    instructions = " ".join(el.text for el in draft.element.body.iter(qn("w:instrText")))
    assert 'TOC \\o "1-2"' in instructions
    footer = draft.sections[0].footer._element
    footer_fields = " ".join(el.text for el in footer.iter(qn("w:instrText")))
    assert "PAGE" in footer_fields


def test_language_and_core_properties(draft, draft_bytes):
    lang = draft.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"
    )
    assert lang.get(qn("w:val")) == "pl-PL"
    props = draft.core_properties
    assert props.revision == 3
    assert "Strategia rozwoju klastra" in props.title
    assert props.created == datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    assert props.modified == datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    assert "Wersja 3" in props.keywords
    with zipfile.ZipFile(io.BytesIO(draft_bytes)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2026, 11, 27, 12, 0, 0)}
        names = archive.namelist()
    assert "docProps/thumbnail.jpeg" not in names


def test_annexes_members_and_meetings(draft, draft_snapshot):
    kinds = find_table(draft, "Rodzaj organizacji")
    assert kinds is not None
    assert table_texts(kinds)[-1] == ["Razem", str(len(draft_snapshot["organisations"]))]
    meetings = next(t for t in draft.tables if header_of(t)[:2] == ["Data", "Godzina"])
    assert len(meetings.rows) == 1 + len(draft_snapshot["meetings"]) + 1
    total = sum(m["participants"] for m in draft_snapshot["meetings"])
    assert table_texts(meetings)[-1][3] == str(total)


def test_same_snapshot_same_bytes(draft_snapshot, draft_bytes):
    render_strategy(sample_snapshot(language="en"))  # nothing leaks between renderings
    again = render_strategy(copy.deepcopy(draft_snapshot))
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(draft_bytes).hexdigest()


def test_new_version_new_bytes(draft_snapshot, draft_bytes):
    changed = render_strategy({**draft_snapshot, "version": 4})
    assert changed != draft_bytes
    assert "Wersja 4" in body_paragraph_texts(open_docx(changed))


def test_english_document():
    document = open_docx(render_strategy(sample_snapshot(language="en")))
    texts = body_paragraph_texts(document)
    assert "DRAFT" in "\n".join(p.text for p in document.sections[0].header.paragraphs)
    assert "Version 3" in texts and "Contents" in texts
    table = find_table(document, "No.")
    last = [c.text for c in table.rows[-1].cells]
    assert "Total" in last
    assert any(text.startswith("PLN\xa0") and "," in text for text in last)
    first = [c.text for c in table.rows[1].cells]
    assert "PLN\xa01,234.50" in first
    lang = document.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"
    )
    assert lang.get(qn("w:val")) == "en-GB"


def test_progress_is_reported(draft_snapshot):
    calls: list[tuple[int, str]] = []
    render_strategy(draft_snapshot, lambda percent, step: calls.append((percent, step)))
    percents = [p for p, _ in calls]
    assert percents[0] == 0 and percents[-1] == 100
    assert percents == sorted(percents)
    assert len(calls) >= 4 and all(isinstance(step, str) and step for _, step in calls)


def test_labels_complete_in_both_languages():
    assert set(LABELS["pl"]) == set(LABELS["en"])
    assert all(value.strip() for labels in LABELS.values() for value in labels.values())
    assert LABELS["pl"]["draft"] == "WERSJA ROBOCZA"
    assert LABELS["pl"]["total"] == "Razem"


def _one_text_section(content, kind="text"):
    snapshot = sample_snapshot(sections=5, actions=1)
    snapshot["stages"] = [
        {
            "key": "diagnosis",
            "title": "Diagnoza",
            "state": "drafting",
            "sections": [{"key": "x", "title": "Sekcja", "kind": kind, "content": content}],
        }
    ]
    return snapshot


def test_raw_html_is_inert_text():
    data = render_strategy(_one_text_section("Tekst <script>alert(1)</script> i <b>nie</b>."))
    texts = body_paragraph_texts(open_docx(data))
    assert "Tekst <script>alert(1)</script> i <b>nie</b>." in texts


def test_unsafe_links_stay_text():
    source = "[a](javascript:alert(1)) [b](file:///etc/passwd) [c](https://ok.example/x)"
    document = open_docx(render_strategy(_one_text_section(source)))
    urls = [link.url for p in document.paragraphs for link in p.hyperlinks if link.address]
    assert urls == ["https://ok.example/x"]


def test_deep_lists_are_capped():
    source = "\n".join("  " * depth + f"- level {depth}" for depth in range(30))
    document = open_docx(render_strategy(_one_text_section(source)))
    levels = [int(el.get(qn("w:val"))) for el in document.element.body.iter(qn("w:ilvl"))]
    assert levels and max(levels) == 8
    assert "level 29" in "\n".join(body_paragraph_texts(document))


@pytest.mark.parametrize(
    "source",
    [
        "\n".join(" " * (2 * d) + f"- level {d}" for d in range(300)) + "\n\nEND level 299",
        ">" * 500 + " level 299\n\nEND",
        "- > " * 200 + "level 299\n\nEND",
    ],
    ids=["deep-list", "deep-quote", "list-quote"],
)
def test_absurd_nesting_loses_no_text(source):
    texts = "\n".join(body_paragraph_texts(open_docx(render_strategy(_one_text_section(source)))))
    assert "level 299" in texts and "END" in texts


def test_ordered_lists_restart():
    source = "1. a\n2. b\n\ntext\n\n5. c\n6. d\n"
    document = open_docx(render_strategy(_one_text_section(source)))
    num_ids = [el.get(qn("w:val")) for el in document.element.body.iter(qn("w:numId"))]
    assert len(set(num_ids)) == 2
    starts = [el.get(qn("w:val")) for el in document.part.numbering_part.element.iter(qn("w:startOverride"))]
    assert "1" in starts and "5" in starts


def test_wide_markdown_table_is_split():
    columns = 200
    source = "\n".join(
        [
            "|" + "|".join(f"h{i}" for i in range(columns)) + "|",
            "|" + "---|" * columns,
            "|" + "|".join(str(i) for i in range(columns)) + "|",
        ]
    )
    document = open_docx(render_strategy(_one_text_section(source)))
    widths = [len(t.columns) for t in document.tables if header_of(t)[0].startswith("h")]
    assert max(widths) <= MAX_TABLE_COLUMNS
    assert sum(widths) == columns
    assert "h199" in "\n".join(body_paragraph_texts(document))


def test_long_paragraph_and_control_characters():
    words = " ".join(f"słowo{i}" for i in range(10_000))
    source = words + "\n\nA\x00B\x0bC\ud800D\ufffeE"
    document = open_docx(render_strategy(_one_text_section(source)))
    texts = body_paragraph_texts(document)
    assert words in texts
    assert "ABCDE" in texts


@pytest.mark.parametrize(
    "snapshot",
    [
        {},
        {"stages": "nope", "cluster": 5, "organisations": {"a": 1}, "meetings": [1, None]},
        {"language": "xx", "version": "abc", "created_at": "yesterday", "final": "yes"},
        {"stages": [None, {"sections": [None, {"kind": "swot", "content": [1, 2]}]}]},
        {
            "stages": [
                {
                    "title": 7,
                    "sections": [
                        {"kind": "goals", "content": {"not": "a list"}},
                        {"kind": "goals", "content": [{"objectives": "x"}, "x", {"title": None}]},
                        {"kind": "action_plan", "content": [{"budget_pln": "abc"}, 3, {}]},
                        {"kind": "action_plan", "content": "x"},
                        {"kind": "kpi", "content": [{"year": {"a": 1}}]},
                        {"kind": "text", "content": None},
                        {"kind": "unknown", "content": 12},
                        {"kind": "text", "content": ""},
                    ],
                }
            ],
            "signoffs": [{"signed_at": 5}],
            "final": True,
            "meetings": [{"participants": "many", "starts_at": None, "organisations": "x"}],
        },
    ],
)
def test_broken_snapshots_still_render(snapshot):
    data = render_strategy(snapshot)
    document = open_docx(data)
    assert document.paragraphs


def test_empty_sections_say_so():
    document = open_docx(render_strategy(_one_text_section("   ")))
    assert "Ta sekcja nie została jeszcze wypełniona." in body_paragraph_texts(document)


def test_each_action_plan_has_its_gantt_chart():
    snapshot = sample_snapshot(sections=5, actions=3)
    plan = sections_of(snapshot, "action_plan")[0]
    snapshot["stages"][2]["sections"].insert(0, {**plan, "title": "Plan B"})
    document = open_docx(render_strategy(snapshot))
    assert len(document.inline_shapes) == 3  # two Gantt charts and the members chart
    landscape = [s for s in document.sections if s.orientation == WD_ORIENT.LANDSCAPE]
    assert len(landscape) == 2


def test_unknown_kinds_keep_their_text():
    document = open_docx(render_strategy(_one_text_section(["jeden", {"text": "dwa"}], "risks")))
    texts = body_paragraph_texts(document)
    assert "jeden" in texts and "dwa" in texts
