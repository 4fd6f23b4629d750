"""The annex "Wyniki priorytetyzacji": each closed poll's question, rule, turnout, chart
and table; a snapshot without polls has no such annex; broken members never fail."""

from __future__ import annotations

import io
import zipfile

import docx
from docx.oxml.ns import qn

from worker.renderer import render_strategy
from worker.renderer.sample import sample_snapshot

POLL = {
    "question": "Które działania najpierw?",
    "kind": "dot",
    "voter": "organisation",
    "rule": "Głosowanie kropkami: każdy głosujący rozdziela kropki (łącznie najwyżej 5).",
    "closed_at": "2014-02-20T11:00:00+01:00",
    "turnout": {"voted": 7, "eligible": 9},
    "options": [
        {"label": "Portal $eksportowy$", "total": 12, "place": 1, "by_kind": {"enterprise": 8, "science": 4}},
        {"label": "Targi", "total": 9, "place": 2, "by_kind": {"business_support": 9}},
        {"label": "Szkolenia", "total": 9, "place": 2, "by_kind": {"other": 9}},
    ],
}


def _texts(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in document.element.body.iter(qn("w:p"))]


def _images(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return len([n for n in package.namelist() if n.startswith("word/media/")])


def test_closed_polls_make_an_annex_with_chart_and_table():
    plain = sample_snapshot(sections=4, actions=3)
    with_polls = {**plain, "polls": [POLL, {**POLL, "question": "Które cele?", "options": []}]}
    before, after = render_strategy(plain), render_strategy(with_polls)
    texts = _texts(after)
    assert not any("Wyniki priorytetyzacji" in t for t in _texts(before))
    heading = next(t for t in texts if "Wyniki priorytetyzacji" in t)
    assert heading.startswith("Załącznik ")
    assert "Które działania najpierw?" in texts and "Które cele?" in texts
    assert any(t.startswith("Głosowanie kropkami") for t in texts)
    assert "Frekwencja: 7 / 9 organizacji członkowskich" in texts
    document = docx.Document(io.BytesIO(after))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Miejsce")
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0][:3] == ["Miejsce", "Opcja", "Wynik"] and len(rows[0]) == 7
    assert rows[1][1:4] == ["Portal $eksportowy$", "12", "8"]
    assert [r[0] for r in rows[1:]] == ["1", "2", "2"]
    assert _images(after) == _images(before) + 1  # one chart: the second poll has no points


def test_english_labels_and_a_broken_poll_list():
    snapshot = {**sample_snapshot(sections=3, actions=2, language="en"), "polls": [POLL, "x", {"options": 5}]}
    texts = _texts(render_strategy(snapshot))
    assert any("Prioritisation results" in t for t in texts)
    assert "Turnout: 7 / 9 member organisations" in texts
    assert render_strategy({**snapshot, "polls": "nonsense"})


def test_the_poll_chart_is_deterministic_text_without_styles():
    from charts.polls import poll_results

    kinds = {"enterprise": "Przedsiębiorstwa", "business_support": "IOB", "science": "Nauka", "other": "Inne"}
    rows = [("Portal $x$", {"enterprise": 3, "science": 1}), ("Targi", {"business_support": 2})]
    svg = poll_results(rows, kinds, title="Wyniki")
    assert svg == poll_results(rows, kinds, title="Wyniki")
    text = svg.decode()
    assert "Portal $x$" in text and "Przedsiębiorstwa" in text and "<style" not in text
    assert poll_results(rows, kinds, fmt="png", large=True).startswith(b"\x89PNG")
