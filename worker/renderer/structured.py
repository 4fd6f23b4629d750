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
from worker.renderer.values import as_dict, as_list, clean, line, parse_amount, parse_date
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

#: Action-plan columns: (label key, relative width, alignment).
ACTION_COLUMNS: tuple[tuple[str, int, str | None], ...] = (
    ("no", 4, "right"),
    ("action", 22, None),
    ("objective_col", 8, None),
    ("owner", 12, None),
    ("start", 8, None),
    ("end", 8, None),
    ("budget", 11, "right"),
    ("funding_source", 11, None),
    ("kpi", 12, None),
    ("baseline", 7, None),
    ("target", 7, None),
)
KPI_COLUMNS: tuple[tuple[str, int, str | None], ...] = (
    ("no", 5, "right"),
    ("indicator", 35, None),
    ("unit", 12, None),
    ("baseline", 16, None),
    ("target", 16, None),
    ("year", 8, None),
)


def widths(columns: Sequence[tuple[str, int, str | None]], total: int) -> list[int]:
    weight = sum(c[1] for c in columns)
    return [total * c[1] // weight for c in columns]


def item_text(item: object) -> str:
    """A list item as one line: strings as they are, objects by their text-like field."""
    if isinstance(item, Mapping):
        for key in _ITEM_TEXT_KEYS:
            if item.get(key):
                return line(item[key])
        return line(" ".join(clean(v) for v in item.values() if isinstance(v, str | int)))
    return line(item)


def header_row(tbl: Element, ctx: Context, columns: Sequence[tuple[str, int, str | None]]) -> None:
    labels = ctx.labels
    text_cells(
        row(tbl, header=True),
        [labels[key] for key, _, _ in columns],
        ctx.styles.table_text,
        bold=True,
        fill=HEADER_FILL,
    )


def render_swot(ctx: Context, parent: Element, content: object) -> bool:
    """The four lists as a 2×2 table; False when there is nothing to show."""
    data = as_dict(content)
    items = {key: [t for t in map(item_text, as_list(data.get(key))) if t] for key in SWOT_FILLS}
    if not any(items.values()):
        return False
    half = ctx.text_width // 2
    tbl = table(parent, [half, half], ctx.styles.table, caption=_swot_caption(ctx), header=False)
    cell_style = ctx.styles.table_text
    for pair in _SWOT_LAYOUT:
        tr = row(tbl)
        for key in pair:
            tc = cell(tr, fill=SWOT_FILLS[key])
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
    tbl = table(
        parent,
        widths(ACTION_COLUMNS, ctx.landscape_width),
        ctx.styles.table,
        caption=caption or labels["action"],
    )
    header_row(tbl, ctx, ACTION_COLUMNS)
    aligns = [a for _, _, a in ACTION_COLUMNS]
    style = ctx.styles.table_text
    stamp = TextRow(len(ACTION_COLUMNS), style, aligns=aligns)
    numbers = ctx.objective_numbers
    total = Decimal(0)
    for i, item in enumerate(rows, 1):
        amount = parse_amount(item.get("budget_pln"))
        if amount is not None:
            total += amount
        objective = item.get("objective_id")
        objective_text = numbers.get(str(objective), line(objective)) if objective else ""
        stamp.add(
            tbl,
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
    text_cells(row(tbl), totals, style, bold=True, fill=TOTAL_FILL, aligns=aligns)


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
    caption = caption or ctx.labels["kpi"]
    tbl = table(parent, widths(KPI_COLUMNS, ctx.text_width), ctx.styles.table, caption=caption)
    header_row(tbl, ctx, KPI_COLUMNS)
    aligns = [a for _, _, a in KPI_COLUMNS]
    stamp = TextRow(len(KPI_COLUMNS), ctx.styles.table_text, aligns=aligns)
    for i, item in enumerate(rows, 1):
        texts = [str(i)] + [line(item.get(k)) for k in ("indicator", "unit", "baseline", "target", "year")]
        stamp.add(tbl, texts)
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
