"""A published version's snapshot as the parts of an accessible web page.

Why from the snapshot, not the live sections: the page must show exactly what was
adopted and published, the text of the DOCX beside it, whatever the cluster edits later.
The snapshot holds organisations' names, meetings and sign-offs but no comment and no
e-mail address (webapp.documents.snapshot); of the sign-offs only the organisation and
the date are shown here, no person. Text goes through the studio's one Markdown
renderer and sanitiser (webapp.markdown); everything else is escaped by Jinja.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from flask_babel import format_currency, format_date, format_time
from flask_babel import gettext as _
from markupsafe import Markup

import charts
from webapp.markdown import render_markdown
from webapp.sections.editing import (
    SWOT_LABELS,
    as_date,
    budget_total,
    editor_content,
    objective_choices,
    parse_amount,
)

_NOT_ANCHOR = re.compile(r"[^a-z0-9-]+")


@dataclass
class Entry:
    """One heading of the page and its line in the table of contents."""

    anchor: str
    number: str
    title: str
    level: int  # 2: a stage or an annex, 3: a section
    kind: str = ""
    data: dict = field(default_factory=dict)
    children: list[Entry] = field(default_factory=list)


def money(amount: Decimal | None) -> str:
    """Polish style in Polish: "1 450 000 zł", the grosze only when there are some; no
    space in it breaks a line (the locale's grouping and the one before "zł" are no-break)."""
    if amount is None:
        return ""
    pattern = "#,##0\u00a0¤" if amount == amount.to_integral_value() else "#,##0.00\u00a0¤"
    return format_currency(amount, "PLN", format=pattern, currency_digits=False)


def _anchor(prefix: str, key: object) -> str:
    return f"{prefix}-{_NOT_ANCHOR.sub('-', str(key).lower()).strip('-') or 'x'}"


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _dict(value: object) -> Mapping:
    return value if isinstance(value, Mapping) else {}


def _when(value: object) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


_HEADING_TAG = re.compile(r"<(/?)h([1-6])>")


def _below_section(html: Markup) -> Markup:
    """Headings written in a section sit below the section's own (h3): h1 becomes h4.

    The sanitiser leaves heading tags without attributes, so the tags are exactly these.
    """
    shifted = _HEADING_TAG.sub(lambda m: f"<{m[1]}h{min(6, int(m[2]) + 3)}>", str(html))
    return Markup(shifted)  # noqa: S704  (sanitised HTML, only tag names changed)


def section_data(kind: str, content: object, objectives: Mapping[str, str]) -> dict:
    """What the template shows of one section: safe HTML for text, formatted rows else."""
    if kind == "text":
        return {"html": _below_section(render_markdown(content if isinstance(content, str) else ""))}
    rows = editor_content(kind, content)
    if kind == "swot":
        return {"rows": rows, "labels": {k: str(v) for k, v in SWOT_LABELS.items()}}
    if kind == "action_plan":
        for row in rows:
            start, end = as_date(row["start"]), as_date(row["end"])
            row["start_shown"] = format_date(start, "short") if start else row["start"]
            row["end_shown"] = format_date(end, "short") if end else row["end"]
            amount = parse_amount(row["budget_pln"])
            row["budget_shown"] = money(amount) if amount is not None else row["budget_pln"]
            row["objective_label"] = objectives.get(row["objective_id"], row["objective_id"])
        timeline = tuple(
            (row["action"], as_date(row["start"]), as_date(row["end"]))
            for row in rows
            if as_date(row["start"]) and as_date(row["end"])
        )
        title = _("Action plan timeline")
        chart = _gantt_uri(timeline, title) if timeline else ""
        return {"rows": rows, "total": money(budget_total(rows)), "chart": chart, "chart_title": title}
    return {"rows": rows if isinstance(rows, list) else []}


# A published version never changes, so neither do its charts: drawn once per process.
@lru_cache(maxsize=64)
def _gantt_uri(rows: tuple[tuple[str, date, date], ...], title: str) -> str:
    return _svg_uri(charts.gantt(rows, title, fmt="svg"))


@lru_cache(maxsize=64)
def _mix_uri(counts: tuple[tuple[str, int], ...], labels: tuple[tuple[str, str], ...], title: str) -> str:
    return _svg_uri(charts.organisation_mix(dict(counts), dict(labels), fmt="svg", title=title))


def _svg_uri(svg: bytes) -> str:
    """Inline in the page (the CSP allows data: images): no route that could tell which
    clusters exist, and the chart carries no CSS (charts.svg)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def contents(snapshot: Mapping) -> list[Entry]:
    """The stages with their sections, then the sign-offs and the annexes, numbered as in
    the DOCX ("1. Diagnoza", "1.4 Analiza SWOT")."""
    stages = [_dict(s) for s in _list(snapshot.get("stages"))]
    goals = [_dict(sec).get("content") for st in stages for sec in _list(st.get("sections"))]
    goals = [c for c in goals if isinstance(c, list)]
    objectives = dict(objective_choices(goals))
    entries: list[Entry] = []
    for n, stage in enumerate(stages, start=1):
        entry = Entry(_anchor("etap", stage.get("key")), f"{n}.", str(stage.get("title") or ""), 2)
        for m, raw in enumerate(_list(stage.get("sections")), start=1):
            section = _dict(raw)
            kind = str(section.get("kind") or "text")
            entry.children.append(
                Entry(
                    _anchor("sekcja", section.get("key")),
                    f"{n}.{m}",
                    str(section.get("title") or ""),
                    3,
                    kind,
                    section_data(kind, section.get("content"), objectives),
                )
            )
        entries.append(entry)
    signoffs = [_dict(s) for s in _list(snapshot.get("signoffs"))]
    if snapshot.get("final") and signoffs:
        rows = [
            {"organisation": s.get("organisation", ""), "when": _when(s.get("signed_at"))} for s in signoffs
        ]
        for row in rows:
            row["when"] = format_date(row["when"], "long") if row["when"] else ""
        entries.append(Entry("podpisy", "", _("Sign-offs"), 2, "signoffs", {"rows": rows}))
    entries.append(
        Entry("zalacznik-1", "", _("Annex 1. Member organisations"), 2, "members", _members(snapshot))
    )
    entries.append(Entry("zalacznik-2", "", _("Annex 2. Meetings"), 2, "meetings", _meetings(snapshot)))
    return entries


def _members(snapshot: Mapping) -> dict:
    """Organisations by kind, in the snapshot's order of kinds: names and cities only."""
    labels = _dict(snapshot.get("organisation_kind_labels"))
    groups: dict[str, list[dict]] = {}
    for raw in _list(snapshot.get("organisations")):
        org = _dict(raw)
        groups.setdefault(str(org.get("kind") or "other"), []).append(
            {"name": str(org.get("name") or ""), "city": str(org.get("city") or "")}
        )
    order = [k for k in labels if k in groups] + [k for k in groups if k not in labels]
    title = _("Organisations by kind")
    counts = tuple((k, len(groups[k])) for k in order)
    chart = _mix_uri(counts, tuple((k, str(labels.get(k, k))) for k in order), title) if counts else ""
    named = [(str(labels.get(k, k)), groups[k]) for k in order]
    return {"groups": named, "chart": chart, "chart_title": title}


def _meetings(snapshot: Mapping) -> dict:
    """Date and local time (the agency's time zone), place, head count, organisations."""
    rows = []
    for raw in _list(snapshot.get("meetings")):
        meeting = _dict(raw)
        when = _when(meeting.get("starts_at"))
        rows.append(
            {
                "title": str(meeting.get("title") or ""),
                "date": format_date(when, "short") if when else "",
                "time": format_time(when, "HH:mm") if when else "",
                "place": str(meeting.get("place") or ""),
                "participants": meeting.get("participants")
                if isinstance(meeting.get("participants"), int)
                else "",
                "organisations": [str(o) for o in _list(meeting.get("organisations"))],
            }
        )
    return {"rows": rows}
