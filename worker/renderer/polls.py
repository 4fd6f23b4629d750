"""The annex "Wyniki priorytetyzacji": each closed poll's question, rule, turnout, chart
and a table of the same numbers.

Pure like the rest of the renderer: the snapshot's ``polls`` list in (see
``webapp.polls.queries.closed_polls_snapshot``), paragraphs and tables out; any member
may be missing or of the wrong type. The charts are drawn before the body (`charts`),
as the document builder draws its others, and placed by the builder.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from charts.polls import poll_results
from worker.renderer.context import Context
from worker.renderer.structured import Columns, measured_table
from worker.renderer.values import as_dict, as_int, as_list, line
from worker.renderer.xml import KEEP_NEXT, SPACING, Element, SubElement, ppr, text_paragraph, w

ORGANISATION_KINDS = ("enterprise", "business_support", "science", "other")

LABELS: Mapping[str, Mapping[str, str]] = {
    "pl": {
        "annex_polls": "Wyniki priorytetyzacji",
        "poll_place": "Miejsce",
        "poll_option": "Opcja",
        "poll_points": "Wynik",
        "poll_turnout": "Frekwencja",
        "poll_of_organisations": "organizacji członkowskich",
        "poll_of_members": "członków",
        "poll_results_of": "Wyniki głosowania",
        "poll_closed": "zamknięte",
    },
    "en": {
        "annex_polls": "Prioritisation results",
        "poll_place": "Place",
        "poll_option": "Option",
        "poll_points": "Result",
        "poll_turnout": "Turnout",
        "poll_of_organisations": "member organisations",
        "poll_of_members": "members",
        "poll_results_of": "Results of the poll",
        "poll_closed": "closed",
    },
}


def closed_polls(snapshot: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [p for p in as_list(snapshot.get("polls")) if isinstance(p, Mapping) and line(p.get("question"))]


def _options(poll: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [o for o in as_list(poll.get("options")) if isinstance(o, Mapping)]


def charts(polls: Sequence[Mapping[str, Any]], kinds: Mapping[str, str]) -> list[bytes | None]:
    """One PNG per poll that has any points (None for one without)."""
    drawn: list[bytes | None] = []
    labels = {k: kinds.get(k, k) for k in ORGANISATION_KINDS}
    for poll in polls:
        rows = [
            (line(o.get("label")), {k: as_int(as_dict(o.get("by_kind")).get(k)) for k in ORGANISATION_KINDS})
            for o in _options(poll)
        ]
        if any(sum(by_kind.values()) for _, by_kind in rows):
            drawn.append(poll_results(rows, labels, fmt="png"))
        else:
            drawn.append(None)
    return drawn


def annex(
    ctx: Context,
    parent: Element,
    polls: Sequence[Mapping[str, Any]],
    kinds: Mapping[str, str],
    language: str,
    picture: Callable[[int, str], None],
) -> None:
    """Per poll: its question (bold), the rule, the turnout, the chart (`picture(i,
    caption)` places the i-th drawn chart) and the table of places, totals and kinds."""
    own = LABELS.get(language, LABELS["pl"])
    kind_keys = [f"kind_{k}" for k in ORGANISATION_KINDS]
    labels = ChainMap(dict(own), {f"kind_{k}": kinds.get(k, k) for k in ORGANISATION_KINDS}, ctx.labels)
    local = replace(ctx, labels=labels)
    columns: Columns = (
        ("poll_place", True, "right"),
        ("poll_option", False, None),
        ("poll_points", True, "right"),
        *((key, True, "right") for key in kind_keys),
    )
    for index, poll in enumerate(polls):
        question = line(poll.get("question"))
        p = text_paragraph(parent, question, bold=True)
        props = ppr(p)
        SubElement(props, KEEP_NEXT)
        SubElement(props, SPACING, {w("before"): "240", w("after"): "80"})
        rule = line(poll.get("rule"))
        if rule:
            text_paragraph(parent, rule, ctx.styles.table_text)
        turnout = as_dict(poll.get("turnout"))
        whom = own["poll_of_organisations"] if poll.get("voter") != "person" else own["poll_of_members"]
        voted, eligible = as_int(turnout.get("voted")), as_int(turnout.get("eligible"))
        text_paragraph(parent, f"{own['poll_turnout']}: {voted} / {eligible} {whom}", ctx.styles.table_text)
        caption = f"{own['poll_results_of']}: {question}"
        picture(index, caption)
        rows = []
        for option in _options(poll):
            by_kind = as_dict(option.get("by_kind"))
            rows.append(
                [
                    str(as_int(option.get("place"))),
                    line(option.get("label")),
                    str(as_int(option.get("total"))),
                    *(str(as_int(by_kind.get(k))) for k in ORGANISATION_KINDS),
                ]
            )
        if rows:
            measured_table(local, parent, columns, rows, ctx.text_width, caption=caption)
