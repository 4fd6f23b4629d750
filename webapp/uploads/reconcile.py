"""What a section of an uploaded file proposes, against the version the file came from.

Three things are at hand for each section: the content the version showed (``source``,
with its item ids and its own Markdown), the version's DOCX read back (``before``) and
the uploaded file read back (``after``). Reading both files with the same reader means
only what the person changed differs; everything they did not touch is taken from
``source`` unchanged:

- text: ``resolve(base=before, theirs=source, mine=after, prefer="mine")`` — the person's
  edits applied to the source's own Markdown; where an edit meets a passage the reader
  spells differently, the edited passage wins;
- SWOT: the same, list by list;
- table rows (action plan, KPIs) and goals: rows aligned before → after; an unchanged row
  is the source's item as it was (id included); a changed one keeps its id and takes only
  the fields whose printed text changed, read back from how they are printed (dates,
  amounts, objective numbers); new rows are new items (ids assigned when normalised).

Pure: no Flask, no database.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from worker.renderer.reader import Block
from worker.renderer.reader import content as read
from worker.renderer.structured import ACTION_COLUMNS, KPI_COLUMNS, objective_numbers
from workflows.content import ContentError, normalize_content
from workflows.merge import resolve

_DATE = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
ACTION_KEYS = tuple(key for key, _, _ in ACTION_COLUMNS)
KPI_KEYS = tuple(key for key, _, _ in KPI_COLUMNS)
#: Printed column → content field (where they differ).
_ACTION_FIELDS = {"objective_col": "objective_id", "budget": "budget_pln"}
_KPI_FIELDS: dict[str, str] = {}


def iso_date(text: str) -> str:
    """01.04.2027 or 01/04/2027 → 2027-04-01; ISO stays; anything else as written."""
    text = text.strip()
    if _ISO.fullmatch(text):
        return text
    match = _DATE.fullmatch(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return f"{year:04d}-{month:02d}-{day:02d}"
    return text


def amount(text: str, language: str) -> str:
    """'1 234,50 zł' / 'PLN 1,234.50' → '1234.50'; unreadable text as written."""
    cleaned = re.sub(r"[^\d,.\-]", "", text)
    pl = language == "pl"  # a decimal comma, dots (or spaces) between thousands
    cleaned = cleaned.replace(".", "").replace(",", ".") if pl else cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return text.strip()
    return f"{value:.2f}" if value.is_finite() else text.strip()


def markdown(blocks: Sequence[Block], heading_base: int = 2) -> str:
    return read.to_markdown(blocks, heading_base)


def _normal(kind: str, value: object) -> object:
    try:
        return normalize_content(kind, value)
    except ContentError:
        return value


def _text(source: object, before: Sequence[Block], after: Sequence[Block]) -> object | None:
    old, new = markdown(before), markdown(after)
    if old == new:
        return None
    return resolve("text", old, source if isinstance(source, str) else "", new, "mine")


def _swot(source: object, before: Sequence[Block], after: Sequence[Block]) -> object | None:
    empty = {key: [] for key in ("strengths", "weaknesses", "opportunities", "threats")}
    old, new = read.swot(before) or empty, read.swot(after) or empty
    if old == new:
        return None
    return resolve("swot", old, _normal("swot", source), new, "mine")


def _aligned(
    old: Sequence[Any], new: Sequence[Any], signature: Callable[[Any], object]
) -> list[tuple[int | None, int | None]]:
    """Pairs (old index, new index): equal rows, changed rows in place, additions, removals."""
    pairs: list[tuple[int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(None, [signature(x) for x in old], [signature(x) for x in new], False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or op == "replace":
            for offset in range(max(i2 - i1, j2 - j1)):
                i = i1 + offset if i1 + offset < i2 else None
                j = j1 + offset if j1 + offset < j2 else None
                pairs.append((i, j))
        elif op == "delete":
            pairs.extend((i, None) for i in range(i1, i2))
        else:
            pairs.extend((None, j) for j in range(j1, j2))
    return pairs


def _row_signature(row: read.Row) -> tuple:
    return tuple(sorted((k, v) for k, v in row.cells.items() if k != "no"))


def _rows(
    kind: str,
    source: object,
    before: Sequence[Block],
    after: Sequence[Block],
    language: str,
    goals: object,
) -> object | None:
    keys = ACTION_KEYS if kind == "action_plan" else KPI_KEYS
    old = read.rows(before, keys, total_label=kind == "action_plan") or []
    new = read.rows(after, keys, total_label=kind == "action_plan") or []
    if [_row_signature(r) for r in old] == [_row_signature(r) for r in new]:
        return None
    items = [dict(x) for x in source if isinstance(x, Mapping)] if isinstance(source, list) else []
    if len(items) != len(old):  # the file does not show the version's rows: read afresh
        items, old = [], []
    parse = _field_parser(kind, language, goals)
    result = []
    for i, j in _aligned(old, new, _row_signature):
        if j is None:
            continue  # a row removed
        if i is None:
            result.append(
                {
                    field: value
                    for column, text in new[j].cells.items()
                    for field, value in parse(column, text)
                }
            )
            continue
        item = copy.deepcopy(items[i])
        for column, text in new[j].cells.items():
            if old[i].cells.get(column) != text:
                item.update(parse(column, text))
        result.append(item)
    return result


def _field_parser(kind: str, language: str, goals: object) -> Callable[[str, str], list[tuple[str, object]]]:
    numbers = {number: key for key, number in objective_numbers(goals).items()}
    names = _ACTION_FIELDS if kind == "action_plan" else _KPI_FIELDS
    fields = set(ACTION_KEYS if kind == "action_plan" else KPI_KEYS) - {"no"}

    def parse(column: str, text: str) -> list[tuple[str, object]]:
        if column not in fields:
            return []
        field = names.get(column, column)
        if column in ("start", "end"):
            return [(field, iso_date(text))]
        if column == "budget":
            return [(field, amount(text, language) if text else "")]
        if column == "objective_col":
            return [(field, numbers.get(text.strip(), text.strip()))]
        if column == "year":
            return [(field, int(text) if text.strip().isdigit() else text)]
        return [(field, text)]

    return parse


def _goal_signature(goal: read.GoalRead) -> tuple:
    return (goal.title, goal.description, tuple(goal.objectives))


def _goals(source: object, before: Sequence[Block], after: Sequence[Block]) -> object | None:
    old, new = read.goals(before), read.goals(after)
    if [_goal_signature(g) for g in old] == [_goal_signature(g) for g in new]:
        return None
    items = [dict(x) for x in source if isinstance(x, Mapping)] if isinstance(source, list) else []
    if len(items) != len(old):
        items, old = [], []
    result = []
    for i, j in _aligned(old, new, _goal_signature):
        if j is None:
            continue
        goal = new[j]
        if i is None:
            result.append(
                {
                    "title": goal.title,
                    "description": goal.description,
                    "objectives": [{"title": t, "description": d} for t, d in goal.objectives],
                }
            )
            continue
        item = copy.deepcopy(items[i])
        if old[i].title != goal.title:
            item["title"] = goal.title
        if old[i].description != goal.description:
            item["description"] = goal.description
        sources = [dict(o) for o in item.get("objectives") or () if isinstance(o, Mapping)]
        olds = old[i].objectives if len(sources) == len(old[i].objectives) else []
        sources = sources if olds else []
        objectives = []
        for oi, oj in _aligned(olds, goal.objectives, lambda o: o):
            if oj is None:
                continue
            title, description = goal.objectives[oj]
            if oi is None:
                objectives.append({"title": title, "description": description})
                continue
            objective = sources[oi]
            if olds[oi][0] != title:
                objective["title"] = title
            if olds[oi][1] != description:
                objective["description"] = description
            objectives.append(objective)
        item["objectives"] = objectives
        result.append(item)
    return result


def proposed_content(
    kind: str,
    source: object,
    before: Sequence[Block],
    after: Sequence[Block],
    *,
    language: str = "pl",
    goals: object = None,
) -> object | None:
    """The section's new content, or None when the file leaves it as the version showed it.

    ``goals``: the goals the version showed (for the action plan's objective numbers).
    """
    if kind == "swot":
        new = _swot(source, before, after)
    elif kind in ("action_plan", "kpi"):
        new = _rows(kind, source, before, after, language, goals)
    elif kind == "goals":
        new = _goals(source, before, after)
    else:
        new = _text(source, before, after)
    if new is None or _normal(kind, new) == _normal(kind, source):
        return None
    return new


def imported_content(kind: str, blocks: Sequence[Block], heading_base: int, language: str) -> object | None:
    """A section's content from a part of a file the studio did not make (new items)."""
    if kind == "swot":
        return read.swot(blocks)
    if kind in ("action_plan", "kpi"):
        keys = ACTION_KEYS if kind == "action_plan" else KPI_KEYS
        rows = read.rows(blocks, keys, total_label=kind == "action_plan")
        if rows is None:
            return None
        parse = _field_parser(kind, language, None)
        return [{f: v for c, t in row.cells.items() for f, v in parse(c, t)} for row in rows]
    if kind == "goals":
        found = read.goals(blocks)
        return [
            {
                "title": g.title,
                "description": g.description,
                "objectives": [{"title": t, "description": d} for t, d in g.objectives],
            }
            for g in found
        ] or None
    text = markdown(blocks, heading_base)
    return text or None
