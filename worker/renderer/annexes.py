"""The tables drawn from the cluster's data: members by kind, meetings, sign-offs.

Why apart from the sections: these come from the snapshot's lists rather than from a
section's content, and they read the same in every strategy. Headings and pictures stay
with the document builder; here are the tables only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from worker.renderer.context import Context
from worker.renderer.structured import HEADER_FILL, TOTAL_FILL
from worker.renderer.values import as_dict, as_int, as_list, line, parse_datetime
from worker.renderer.xml import Element, TextRow, row, table, text_cells

ORGANISATION_KINDS = ("enterprise", "business_support", "science", "other")


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


def _header(ctx: Context, tbl: Element, keys: Sequence[str]) -> None:
    texts = [ctx.labels[key] for key in keys]
    row_el = row(tbl, header=True)
    text_cells(row_el, texts, ctx.styles.table_text, bold=True, fill=HEADER_FILL)


def _totals(ctx: Context, tbl: Element, texts: Sequence[str], aligns: Sequence[str | None]) -> None:
    style = ctx.styles.table_text
    text_cells(row(tbl), texts, style, bold=True, fill=TOTAL_FILL, aligns=aligns)


def members_tables(
    ctx: Context, parent: Element, members: Sequence[Mapping[str, Any]], kinds: Mapping[str, str]
) -> None:
    """A count per kind with its total, then every member, grouped by kind."""
    width = ctx.text_width
    counts = organisation_counts(members)
    order = [k for k in kinds if k in counts] + sorted(k for k in counts if k not in kinds)
    aligns = [None, "right"]
    tbl = table(parent, [width * 3 // 4, width // 4], ctx.styles.table)
    _header(ctx, tbl, ["organisation_kind", "count"])
    for kind in order:
        texts = [kinds.get(kind, kind), str(counts[kind])]
        text_cells(row(tbl), texts, ctx.styles.table_text, aligns=aligns)
    _totals(ctx, tbl, [ctx.labels["total"], str(sum(counts.values()))], aligns)

    rank = {kind: i for i, kind in enumerate(order)}
    ordered = sorted(members, key=lambda org: rank.get(kind_of(org), len(rank)))
    widths = [width * n // 20 for n in (2, 9, 5, 4)]
    tbl = table(parent, widths, ctx.styles.table, caption=ctx.labels["annex_members"])
    _header(ctx, tbl, ["no", "organisation", "organisation_kind", "city"])
    stamp = TextRow(4, ctx.styles.table_text, aligns=["right", None, None, None])
    for i, org in enumerate(ordered, 1):
        kind = kind_of(org)
        stamp.add(tbl, [str(i), line(org.get("name")), kinds.get(kind, kind), line(org.get("city"))])


def meetings_table(ctx: Context, parent: Element, meetings: Sequence[Mapping[str, Any]]) -> None:
    """Each meeting with its date, place and attendance, and the total attendance."""
    labels, formats = ctx.labels, ctx.formats
    widths = [ctx.text_width * n // 40 for n in (3, 11, 6, 7, 5, 8)]
    tbl = table(parent, widths, ctx.styles.table, caption=labels["annex_meetings"])
    _header(ctx, tbl, ["no", "meeting", "date", "place", "participants", "organisations"])
    aligns = ["right", None, None, None, "right", None]
    stamp = TextRow(6, ctx.styles.table_text, aligns=aligns)
    total = 0
    for i, meeting in enumerate(meetings, 1):
        participants = max(as_int(meeting.get("participants")), 0)
        total += participants
        kind = line(meeting.get("kind"))
        title = line(meeting.get("title"))
        parts = (labels.get(f"meeting_{kind}", kind), line(meeting.get("number")))
        name = " ".join(p for p in parts if p)
        if title:
            name = f"{name} – {title}" if name else title
        when = parse_datetime(meeting.get("starts_at"))
        names = [line(o) for o in as_list(meeting.get("organisations")) if line(o)]
        stamp.add(
            tbl,
            [
                str(i),
                name,
                formats.short_datetime(when) if when else line(meeting.get("starts_at")),
                line(meeting.get("place")),
                str(participants),
                ", ".join(names),
            ],
        )
    totals = [""] * 6
    totals[1], totals[4] = labels["total"], str(total)
    _totals(ctx, tbl, totals, aligns)


def signoffs_table(
    ctx: Context, parent: Element, signoffs: Sequence[Mapping[str, Any]], kinds: Mapping[str, str]
) -> None:
    """Who signed the strategy for which member organisation, and when."""
    widths = [ctx.text_width * n // 20 for n in (2, 7, 4, 4, 3)]
    tbl = table(parent, widths, ctx.styles.table, caption=ctx.labels["signoffs"])
    _header(ctx, tbl, ["no", "organisation", "organisation_kind", "person", "signed_at"])
    stamp = TextRow(5, ctx.styles.table_text, aligns=["right", None, None, None, None])
    for i, signoff in enumerate(signoffs, 1):
        kind = line(signoff.get("kind"))
        signed = parse_datetime(signoff.get("signed_at"))
        date_text = ctx.formats.short_date(signed.date()) if signed else None
        stamp.add(
            tbl,
            [
                str(i),
                line(signoff.get("organisation")),
                kinds.get(kind, kind),
                line(signoff.get("person")),
                date_text or ctx.formats.date_text(signoff.get("signed_at")),
            ],
        )
