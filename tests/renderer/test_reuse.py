"""The worker's two renderings of a document share their Markdown parses and charts, and
the bytes are those of renderings made apart."""

from __future__ import annotations

from worker.renderer import document, markdown_docx, render_strategy, reusing_parses
from worker.renderer.contents import Placeholders
from worker.renderer.sample import sample_snapshot


def test_renderings_inside_reusing_parses_parse_each_source_once_and_are_unchanged(monkeypatch):
    snapshot = sample_snapshot(sections=6, actions=10)
    alone = render_strategy(snapshot, pages=Placeholders()), render_strategy(snapshot, pages=[3] * 40)
    calls: list[str] = []
    parse = markdown_docx.markup.parse

    def counting(md, source):  # noqa: ANN001, ANN202
        calls.append(source)
        return parse(md, source)

    monkeypatch.setattr(markdown_docx.markup, "parse", counting)
    with reusing_parses():
        together = render_strategy(snapshot, pages=Placeholders()), render_strategy(snapshot, pages=[3] * 40)
    assert together == alone
    assert calls and len(calls) == len(set(calls))  # the second rendering parsed nothing
    calls.clear()
    render_strategy(snapshot)
    assert calls  # outside the block every rendering parses


def test_a_chart_is_drawn_once_for_the_same_data_and_the_memo_stays_small(monkeypatch):
    kept = document._CHARTS_KEPT
    drawn: list[str] = []
    gantt = document.figures.gantt

    def counting(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        drawn.append("gantt")
        return gantt(*args, **kwargs)

    monkeypatch.setattr(document.figures, "gantt", counting)
    document._CHARTS.clear()
    snapshot = sample_snapshot(sections=2, actions=5)
    first = render_strategy(snapshot)
    assert render_strategy(snapshot) == first and drawn == ["gantt"]
    for actions in range(6, 6 + kept + 1):  # other plans: drawn each, the oldest let go
        render_strategy(sample_snapshot(sections=2, actions=actions))
    assert len(drawn) == kept + 2 and len(document._CHARTS) <= kept
