"""The tables drawn from the cluster's data: members by kind, meetings, sign-offs.

Why apart from the sections: these come from the snapshot's lists rather than from a
section's content, and they read the same in every strategy. Headings and pictures stay
with the document builder; here are the tables only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from worker.renderer.context import Context
from worker.renderer.structured import Columns, measured_table
from worker.renderer.values import as_dict, as_int, as_list, line, parse_datetime, wall_clock
from worker.renderer.xml import (
    KEEP_NEXT,
    SPACING,
    Element,
    SubElement,
    paragraph,
    ppr,
    run,
    text_paragraph,
    w,
)

ORGANISATION_KINDS = ("enterprise", "business_support", "science", "other")
_KIND_COLUMNS: Columns = (("organisation_kind", False, None), ("count", True, "right"))
_MEMBER_COLUMNS: Columns = (("no", True, "right"), ("organisation", False, None), ("city", False, None))
_MEETING_COLUMNS: Columns = (
    ("date", True, None),
    ("time", True, None),
    ("place", False, None),
    ("participants_count", True, "right"),
    ("organisations_count", True, "right"),
)
_SIGNOFF_COLUMNS: Columns = (
    ("no", True, "right"),
    ("organisation", False, None),
    ("organisation_kind", False, None),
    ("person", False, None),
    ("signed_at", True, None),
    ("signed_version", True, "right"),
)


def kind_labels(snapshot: Mapping[str, Any], ctx: Context) -> dict[str, str]:
    """Kind → label: the snapshot's labels first, ours for the kinds it leaves out."""
    given = as_dict(snapshot.get("organisation_kind_labels"))
    labels = {key: line(given.get(key)) or ctx.labels[f"kind_{key}"] for key in ORGANISATION_KINDS}
    for key, value in given.items():
        if isinstance(key, str) and key not in labels:
            labels[key] = line(value) or key
    return labels


def organisations(snapshot: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [o for o in as_list(snapshot.get("organisations")) if isinstance(o, Mapping)]


def kind_of(organisation: Mapping[str, Any]) -> str:
    return line(organisation.get("kind")) or "other"


def organisation_counts(members: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for org in members:
        kind = kind_of(org)
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def members_tables(
    ctx: Context, parent: Element, members: Sequence[Mapping[str, Any]], kinds: Mapping[str, str]
) -> None:
    """A count per kind with its total, then a table of the members of each kind."""
    width = ctx.text_width
    counts = organisation_counts(members)
    order = [k for k in kinds if k in counts] + sorted(k for k in counts if k not in kinds)
    rows = [[kinds.get(kind, kind), str(counts[kind])] for kind in order]
    totals = [ctx.labels["total"], str(sum(counts.values()))]
    measured_table(ctx, parent, _KIND_COLUMNS, rows, width, totals=totals)
    for kind in order:
        group = [org for org in members if kind_of(org) == kind]
        title = f"{kinds.get(kind, kind)} ({len(group)})"
        # The kind names the table below it, on the same page.
        p = text_paragraph(parent, title, bold=True)
        props = ppr(p)
        SubElement(props, KEEP_NEXT)
        SubElement(props, SPACING, {w("before"): "240", w("after"): "80"})
        rows = [[str(i), line(org.get("name")), line(org.get("city"))] for i, org in enumerate(group, 1)]
        caption = f"{ctx.labels['annex_members']}: {title}"
        measured_table(ctx, parent, _MEMBER_COLUMNS, rows, width, caption=caption)


def meeting_name(ctx: Context, meeting: Mapping[str, Any]) -> str:
    """The kind, the number and the title that are given ("Warsztat 3 – Lato")."""
    kind = line(meeting.get("kind"))
    title = line(meeting.get("title"))
    parts = (ctx.labels.get(f"meeting_{kind}", kind), line(meeting.get("number")))
    name = " ".join(p for p in parts if p)
    if title:
        name = f"{name} – {title}" if name else title
    return name


def meetings_table(ctx: Context, parent: Element, meetings: Sequence[Mapping[str, Any]]) -> None:
    """A row per meeting (date, local time, place, participants, organisations), the
    totals, then which meeting it was and who came, a short paragraph per meeting.

    The time is the wall-clock time of the offset the snapshot gives (the agency's time
    zone), never converted: a 10:00 workshop prints 10:00.
    """
    formats = ctx.formats
    rows, notes = [], []
    total, everyone = 0, set()
    for meeting in meetings:
        participants = max(as_int(meeting.get("participants")), 0)
        total += participants
        names = [line(o) for o in as_list(meeting.get("organisations")) if line(o)]
        everyone.update(names)
        when = parse_datetime(meeting.get("starts_at"))
        day = formats.short_date(when.date()) if when else formats.date_text(meeting.get("starts_at"))
        rows.append(
            [
                day,
                wall_clock(when) if when else "",
                line(meeting.get("place")),
                str(participants),
                str(len(set(names))),
            ]
        )
        notes.append((day, meeting_name(ctx, meeting), names))
    totals = [ctx.labels["total"], "", "", str(total), str(len(everyone))]
    caption = ctx.labels["annex_meetings"]
    measured_table(ctx, parent, _MEETING_COLUMNS, rows, ctx.text_width, caption=caption, totals=totals)
    style = ctx.styles.table_text
    for day, name, names in notes:
        p = paragraph(parent, style)
        SubElement(ppr(p), SPACING, {w("before"): "120"})
        run(p, " · ".join(t for t in (day, name) if t), bold=True)
        if names:
            run(p, f": {', '.join(names)}")


def signoffs_table(
    ctx: Context, parent: Element, signoffs: Sequence[Mapping[str, Any]], kinds: Mapping[str, str]
) -> None:
    """Who signed the strategy for which member organisation, when, and which version."""
    rows = []
    for i, signoff in enumerate(signoffs, 1):
        kind = line(signoff.get("kind"))
        signed = parse_datetime(signoff.get("signed_at"))
        date_text = ctx.formats.short_date(signed.date()) if signed else None
        rows.append(
            [
                str(i),
                line(signoff.get("organisation")),
                kinds.get(kind, kind),
                line(signoff.get("person")),
                date_text or ctx.formats.date_text(signoff.get("signed_at")),
                line(signoff.get("version")) or "—",
            ]
        )
    caption = ctx.labels["signoffs"]
    measured_table(ctx, parent, _SIGNOFF_COLUMNS, rows, ctx.text_width, caption=caption)
