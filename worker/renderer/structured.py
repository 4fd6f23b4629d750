"""The structured section kinds: SWOT, goals, action plan and KPIs (docs/api.md).

Why separate from Markdown: these kinds are data, and the document shows them as the
tables readers of a strategy expect (a 2×2 SWOT, a numbered goal tree, a landscape
action-plan table with budget totals). Every field is read defensively: rows that are
not objects are skipped, missing fields print empty, amounts that do not parse print as
written and stay out of the total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from worker.renderer.context import Context
from worker.renderer.layout import PADDING, Column, fit
from worker.renderer.values import as_dict, as_list, clean, line, parse_amount, parse_date, unbroken
from worker.renderer.xml import (
    Element,
    TextRow,
    cell,
    numbered,
    paragraph,
    row,
    run,
    table,
    text_cells,
    text_paragraph,
)

HEADER_FILL = "DCE6F2"
TOTAL_FILL = "F2F2F2"
SWOT_FILLS = {
    "strengths": "E2F0E8",
    "weaknesses": "FBE5D6",
    "opportunities": "DEEBF7",
    "threats": "FFF2CC",
}
_SWOT_LAYOUT = (("strengths", "weaknesses"), ("opportunities", "threats"))
_ITEM_TEXT_KEYS = ("text", "title", "name", "label", "description")

#: Table columns: (label key, tokens never broken, alignment). Widths come from the content.
Columns = Sequence[tuple[str, bool, str | None]]
ACTION_COLUMNS: Columns = (
    ("no", True, "right"),
    ("action", False, None),
    ("objective_col", True, None),
    ("owner", False, None),
    ("start", True, None),
    ("end", True, None),
    ("budget", True, "right"),
    ("funding_source", False, None),
    ("kpi", False, None),
    ("baseline", False, None),
    ("target", False, None),
)
KPI_COLUMNS: Columns = (
    ("no", True, "right"),
    ("indicator", False, None),
    ("unit", False, None),
    ("baseline", False, None),
    ("target", False, None),
    ("year", True, None),
)


def measured_table(
    ctx: Context,
    parent: Element,
    columns: Columns,
    rows: Sequence[Sequence[str]],
    width: int,
    *,
    caption: str = "",
    totals: Sequence[str] | None = None,
) -> Element:
    """A table whose column widths (summing to ``width``) come from its content.

    Why one builder: every data table gets the same guarantees — widths at least its
    longest date, amount or word; numbers and identifiers held together by no-break
    characters; the header row repeated on every page; rows never split (xml.row).
    """
    labels = ctx.labels
    headers = [labels[key] for key, _, _ in columns]
    aligns = [align for _, _, align in columns]
    texts = [[unbroken(text) for text in texts] for texts in rows]
    total_texts = [unbroken(text) for text in totals] if totals is not None else None
    spec = [Column(header, keep, align) for header, (_, keep, align) in zip(headers, columns, strict=True)]
    sizes = fit(spec, texts, width, [total_texts] if total_texts is not None else ())
    tbl = table(parent, sizes, ctx.styles.table, caption=caption, padding=PADDING)
    style = ctx.styles.table_text
    text_cells(row(tbl, header=True), headers, style, bold=True, fill=HEADER_FILL, widths=sizes)
    stamp = TextRow(len(columns), style, aligns=aligns, widths=sizes)
    for values in texts:
        stamp.add(tbl, values)
    if total_texts is not None:
        text_cells(row(tbl), total_texts, style, bold=True, fill=TOTAL_FILL, aligns=aligns, widths=sizes)
    return tbl


def item_text(item: object) -> str:
    """A list item as one line: strings as they are, objects by their text-like field."""
    if isinstance(item, Mapping):
        for key in _ITEM_TEXT_KEYS:
            if item.get(key):
                return line(item[key])
        return line(" ".join(clean(v) for v in item.values() if isinstance(v, str | int)))
    return line(item)


def render_swot(ctx: Context, parent: Element, content: object) -> bool:
    """The four lists as a 2×2 table; False when there is nothing to show."""
    data = as_dict(content)
    items = {key: [t for t in map(item_text, as_list(data.get(key))) if t] for key in SWOT_FILLS}
    if not any(items.values()):
        return False
    half = ctx.text_width // 2
    sizes = [half, ctx.text_width - half]
    tbl = table(parent, sizes, ctx.styles.table, caption=_swot_caption(ctx), header=False)
    cell_style = ctx.styles.table_text
    for pair in _SWOT_LAYOUT:
        tr = row(tbl)
        for key, size in zip(pair, sizes, strict=True):
            tc = cell(tr, fill=SWOT_FILLS[key], width=size)
            text_paragraph(tc, ctx.labels[key], cell_style, bold=True)
            for text in items[key]:
                p = paragraph(tc, cell_style)
                numbered(p, ctx.numbering.bullet, 0)
                run(p, text)
    return True


def _swot_caption(ctx: Context) -> str:
    labels = ctx.labels
    return " / ".join(labels[k] for k in ("strengths", "weaknesses", "opportunities", "threats"))


def objective_numbers(goals: object) -> dict[str, str]:
    """Objective id → its number ("1.2"), so the action plan can cite objectives."""
    numbers: dict[str, str] = {}
    for gi, goal in enumerate((g for g in as_list(goals) if isinstance(g, Mapping)), 1):
        objectives = (o for o in as_list(goal.get("objectives")) if isinstance(o, Mapping))
        for oi, objective in enumerate(objectives, 1):
            key = objective.get("id")
            if isinstance(key, str | int) and not isinstance(key, bool):
                numbers.setdefault(str(key), f"{gi}.{oi}")
    return numbers


def render_goals(ctx: Context, parent: Element, content: object, level: int = 3) -> bool:
    """Goals numbered 1, 2 … with their objectives 1.1, 1.2 … as headings and text."""
    goals = [g for g in as_list(content) if isinstance(g, Mapping)]
    if not goals:
        return False
    for gi, goal in enumerate(goals, 1):
        text_paragraph(parent, f"{gi}. {_title(goal)}", ctx.styles.heading(level))
        _description(ctx, parent, goal.get("description"))
        objectives = [o for o in as_list(goal.get("objectives")) if isinstance(o, Mapping)]
        for oi, objective in enumerate(objectives, 1):
            text_paragraph(parent, f"{gi}.{oi} {_title(objective)}", ctx.styles.heading(level + 1))
            _description(ctx, parent, objective.get("description"))
    return True


def _title(item: Mapping[str, Any]) -> str:
    return line(item.get("title")) or line(item.get("id"))


def _description(ctx: Context, parent: Element, value: object) -> None:
    """Plain text; blank lines separate paragraphs, single line feeds break lines."""
    text = clean(value).strip()
    for block in text.replace("\r\n", "\n").split("\n\n"):
        if block.strip():
            text_paragraph(parent, block.strip())


def action_rows(content: object) -> list[Mapping[str, Any]]:
    return [r for r in as_list(content) if isinstance(r, Mapping)]


def render_action_plan(
    ctx: Context, parent: Element, rows: Sequence[Mapping[str, Any]], caption: str = ""
) -> None:
    """The action plan table (for a landscape section) with a budget total row."""
    labels, formats = ctx.labels, ctx.formats
    numbers = ctx.objective_numbers
    total = Decimal(0)
    texts = []
    for i, item in enumerate(rows, 1):
        amount = parse_amount(item.get("budget_pln"))
        if amount is not None:
            total += amount
        objective = item.get("objective_id")
        objective_text = numbers.get(str(objective), line(objective)) if objective else ""
        texts.append(
            [
                str(i),
                line(item.get("action")),
                objective_text,
                line(item.get("owner")),
                formats.date_text(item.get("start")),
                formats.date_text(item.get("end")),
                formats.money(amount) if amount is not None else line(item.get("budget_pln")),
                line(item.get("funding_source")),
                line(item.get("kpi")),
                line(item.get("baseline")),
                line(item.get("target")),
            ],
        )
    totals = [""] * len(ACTION_COLUMNS)
    totals[1] = labels["total"]
    totals[6] = formats.money(total)
    width = ctx.landscape_width
    measured_table(
        ctx, parent, ACTION_COLUMNS, texts, width, caption=caption or labels["action"], totals=totals
    )


def gantt_rows(rows: Sequence[Mapping[str, Any]]) -> list[tuple[str, Any, Any]]:
    """(label, start, end) per action for the chart; unparsable dates become None."""
    result = []
    for i, item in enumerate(rows, 1):
        label = f"{i}. {line(item.get('action'))}".strip()
        result.append((label, parse_date(item.get("start")), parse_date(item.get("end"))))
    return result


def render_kpi(ctx: Context, parent: Element, content: object, caption: str = "") -> bool:
    rows = [r for r in as_list(content) if isinstance(r, Mapping)]
    if not rows:
        return False
    keys = ("indicator", "unit", "baseline", "target", "year")
    texts = [[str(i)] + [line(item.get(k)) for k in keys] for i, item in enumerate(rows, 1)]
    measured_table(ctx, parent, KPI_COLUMNS, texts, ctx.text_width, caption=caption or ctx.labels["kpi"])
    return True


def render_other(ctx: Context, parent: Element, content: object) -> bool:
    """Content of an unknown kind or shape: what reads as text, as plain lines.

    Why: a definition may add kinds this renderer does not know yet, and a section must
    not vanish from the document because of it.
    """
    if isinstance(content, Mapping):
        lines = [f"{line(k)}: {item_text(v)}" for k, v in content.items() if item_text(v)]
    elif isinstance(content, list | tuple):
        lines = [text for text in map(item_text, content) if text]
    else:
        lines = [line(content)] if line(content) else []
    for text in lines:
        if isinstance(content, list | tuple):
            p = paragraph(parent, ctx.styles.list_paragraph)
            numbered(p, ctx.numbering.bullet, 0)
            run(p, text)
        else:
            text_paragraph(parent, text)
    return bool(lines)
