"""The front matter: the title page and the document history ("metryka dokumentu").

Why apart from ``document.py``: both read snapshot keys nothing else reads (``agency``,
``history``) and must survive any of them missing or malformed.

``agency``: ``{"name", "city", "logo"}``; ``logo`` is a PNG as base64 text (or bytes),
put there by the web side from ``AGENCY_LOGO``, so the snapshot alone makes the document.
``history``: ``[{"version", "created_at", "final", "changed_sections": [title],
"approved_by": [name]}]``, earlier versions first, this one last.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import date
from typing import Any

from worker.renderer.context import Context
from worker.renderer.values import as_dict, as_int, as_list, line, parse_datetime
from worker.renderer.xml import (
    SPACING,
    Element,
    SubElement,
    TextRow,
    paragraph,
    ppr,
    row,
    table,
    text_cells,
    w,
)

_PNG = b"\x89PNG\r\n\x1a\n"
_MAX_LOGO = 2 * 1024 * 1024
_HEADER_FILL = "DCE6F2"
# Share of the text width per column of the history table.
_HISTORY_COLUMNS = (0.09, 0.15, 0.15, 0.39, 0.22)


def quoted(text: str, language: str) -> str:
    """``text`` in the language's quotation marks: „…” in Polish, “…” in English."""
    return f"„{text}”" if language == "pl" else f"“{text}”"


def agency_of(snapshot: Mapping[str, Any]) -> tuple[str, str, bytes | None]:
    """The agency's name, city and logo (PNG bytes, or None when absent or not a PNG)."""
    agency = as_dict(snapshot.get("agency"))
    return line(agency.get("name")), line(agency.get("city")), _png(agency.get("logo"))


def _png(value: object) -> bytes | None:
    data: bytes | None = None
    if isinstance(value, bytes):
        data = value
    elif isinstance(value, str) and len(value) <= _MAX_LOGO * 2:
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return None
    # The picture's size is read from the PNG header (IHDR), so only a whole PNG will do.
    if data is None or len(data) > _MAX_LOGO or len(data) < 24 or not data.startswith(_PNG):
        return None
    return data


def place_and_year(city: str, day: date) -> str:
    return f"{city}, {day.year}" if city else str(day.year)


def history_rows(snapshot: Mapping[str, Any], ctx: Context) -> list[list[str]]:
    """One row per entry of ``history``: version, date, state, changed sections, approved by.

    Without a history (an older snapshot), the one row of this version.
    """
    labels = ctx.labels
    entries = [h for h in as_list(snapshot.get("history")) if isinstance(h, Mapping)]
    if not entries:
        entries = [
            {
                "version": snapshot.get("version"),
                "created_at": snapshot.get("created_at"),
                "final": snapshot.get("final"),
            }
        ]
    rows = []
    for index, entry in enumerate(entries):
        version = as_int(entry.get("version"), 0)
        moment = parse_datetime(entry.get("created_at"))
        state = labels["history_final"] if entry.get("final") is True else labels["history_draft"]
        changed = [line(t) for t in as_list(entry.get("changed_sections")) if line(t)]
        # The first version changes nothing: it is all new.
        if index == 0 and ("changed_sections" not in entry or (not changed and version <= 1)):
            changes = labels["history_first"]
        else:
            changes = "; ".join(changed) if changed else labels["history_unchanged"]
        approved = entry.get("approved_by")
        names = [line(approved)] if isinstance(approved, str) else [line(n) for n in as_list(approved)]
        rows.append(
            [
                str(version) if version > 0 else "",
                ctx.formats.short_date(moment.date()) if moment else "",
                state,
                changes,
                ", ".join(n for n in names if n) or "—",
            ]
        )
    return rows


def history_table(ctx: Context, parent: Element, rows: list[list[str]]) -> Element:
    labels = ctx.labels
    widths = [int(ctx.text_width * share) for share in _HISTORY_COLUMNS]
    tbl = table(parent, widths, ctx.styles.table, caption=labels["history"])
    head = [
        labels["history_version"],
        labels["history_date"],
        labels["history_state"],
        labels["history_changed"],
        labels["history_approved"],
    ]
    text_cells(row(tbl, header=True), head, ctx.styles.table_text, bold=True, fill=_HEADER_FILL)
    stamp = TextRow(len(head), ctx.styles.table_text, aligns=("center", None, None, None, None))
    for texts in rows:
        stamp.add(tbl, texts)
    return tbl


def spaced(parent: Element, style: str | None, *, before: int = 0, after: int | None = None) -> Element:
    """A paragraph with its own space above (and below), in twips."""
    p = paragraph(parent, style)
    attrs = {w("before"): str(before)}
    if after is not None:
        attrs[w("after")] = str(after)
    SubElement(ppr(p), SPACING, attrs)
    return p
