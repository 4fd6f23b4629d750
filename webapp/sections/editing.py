"""From the section editor's form to content, and back; naming the places of changes.

The editor's script posts the content as JSON (field ``content``), built from its inputs.
Without the script a text section still saves from its textarea (field ``text``); the
structured editors need the script to add and remove rows.

Nothing here touches the database: the view loads, this shapes, workflows decides.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from webapp.inputs import loads_json
from workflows.content import ITEM_FIELDS, NESTED_ITEMS, SWOT_KEYS
from workflows.merge import locate, path_segments

SWOT_LABELS = {
    "strengths": _l("Strengths"),
    "weaknesses": _l("Weaknesses"),
    "opportunities": _l("Opportunities"),
    "threats": _l("Threats"),
}
FIELD_LABELS = {
    "id": _l("Identifier"),
    "title": _l("Title"),
    "description": _l("Description"),
    "objectives": _l("Operational objectives"),
    "action": _l("Action"),
    "objective_id": _l("Objective served"),
    "owner": _l("Owner organisation"),
    "start": _l("Start"),
    "end": _l("End"),
    "budget_pln": _l("Budget (PLN)"),
    "funding_source": _l("Funding source"),
    "kpi": _l("KPI"),
    "baseline": _l("Baseline"),
    "target": _l("Target"),
    "indicator": _l("Indicator"),
    "unit": _l("Unit"),
    "year": _l("Year"),
}
ITEM_LABELS = {
    "goals": _l("Goal"),
    "objectives": _l("Objective"),
    "action_plan": _l("Action"),
    "kpi": _l("Indicator"),
}
#: The field that names an item in lists, diffs and conflicts.
ITEM_NAME_FIELD = {
    "goals": "title",
    "objectives": "title",
    "action_plan": "action",
    "kpi": "indicator",
}


class UnreadableContent(ValueError):
    """The posted form holds no content this editor can read (no script, broken JSON)."""


def posted_content(kind: str, form: MultiDict) -> object:
    """The content as posted: the JSON built by the script, else the plain textarea."""
    raw = form.get("content", "")
    if raw.strip():
        try:
            # Bounded (depth, numbers, NUL): the field is JSON a hand-made post may fill.
            return loads_json(raw)
        except ValueError:
            raise UnreadableContent(raw) from None
    if kind == "text" and "text" in form:
        return form.get("text", "")
    raise UnreadableContent("")


# --- what the editor shows ---------------------------------------------------------------


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return ""
    if isinstance(value, int | float | Decimal):
        return str(value)
    return ""


def _rows(value: object, level: str) -> list[dict]:
    rows: list[dict] = []
    if not isinstance(value, list):
        return rows
    nested = NESTED_ITEMS.get(level, {})
    for raw in value:
        if not isinstance(raw, Mapping):
            continue
        row: dict = {}
        for field in ITEM_FIELDS[level]:
            if field in nested:
                row[field] = _rows(raw.get(field), nested[field])
            else:
                row[field] = _text(raw.get(field))
        rows.append(row)
    return rows


def editor_content(kind: str, raw: object) -> object:
    """Content of any shape (what someone typed, even if refused) as the editor shows it.

    Strings stay exactly as typed so a refused save loses nothing; what cannot be shown
    at all (a number where a list belongs) is dropped, which only a hand-made request
    can cause.
    """
    if kind == "text":
        return raw if isinstance(raw, str) else ""
    if kind == "swot":
        source = raw if isinstance(raw, Mapping) else {}
        return {
            key: [_text(v) for v in source.get(key, [])] if isinstance(source.get(key), list) else []
            for key in SWOT_KEYS
        }
    return _rows(raw, kind)


def objective_choices(goals_contents: list[object]) -> list[tuple[str, str]]:
    """(objective id, "goal › objective") for the action plan's "objective served" list."""
    choices: list[tuple[str, str]] = []
    for content in goals_contents:
        for goal in _rows(content, "goals"):
            for objective in goal["objectives"]:
                if objective["id"]:
                    label = f"{goal['title']} › {objective['title']}" if goal["title"] else objective["title"]
                    choices.append((objective["id"], label or objective["id"]))
    return choices


def with_current(choices: list[tuple[str, str]], values: list[str]) -> list[tuple[str, str]]:
    """The choices plus any value in use that is not among them, so saving keeps it."""
    known = {value for value, _label in choices}
    extra = [(v, v) for v in dict.fromkeys(values) if v and v not in known]
    return choices + extra


# --- amounts and dates for the screen ---------------------------------------------------

_SPACES = re.compile("[ \u00a0\u2007\u2009\u202f]")


def parse_amount(value: object) -> Decimal | None:
    """A stored budget ("125000.00") or a typed one ("125 000,50") as a Decimal."""
    text = _SPACES.sub("", _text(value)).replace(",", ".")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def budget_total(rows: list[Mapping]) -> Decimal:
    return sum((parse_amount(row.get("budget_pln")) or Decimal(0) for row in rows), Decimal(0))


def amount_for_input(value: object) -> str:
    """A stored amount as people write it in Poland ("125 000,00"); content.py reads it back.

    The input always uses this form, whatever the interface language, because it is the
    one form the content parser reads unambiguously (no comma thousands separators).
    """
    amount = parse_amount(value)
    if amount is None:
        return _text(value)
    whole, _, fraction = f"{amount.quantize(Decimal('0.01')):f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return f"{sign}{' '.join(groups) or '0'},{fraction}"


def as_date(value: object) -> date | None:
    try:
        return date.fromisoformat(_text(value))
    except ValueError:
        return None


# --- describing changes --------------------------------------------------------------------

_STEP = re.compile(r"(\w+)\[(\d+)\]")


def field_place(kind: str, path: str | None) -> str | None:
    """A refused field's path as people say it: "action_plan[10].end" → "Action 11 · End".

    None for a text section (the whole text) or a path of no known shape.
    """
    if not path or kind == "text":
        return None
    steps = _STEP.findall(path)
    if not steps:
        return None
    parts: list[str] = []
    for level, index in steps:
        if level in SWOT_LABELS:
            parts += [str(SWOT_LABELS[level]), _("item %(n)s", n=int(index) + 1)]
        else:
            parts.append(f"{ITEM_LABELS.get(level, level)} {int(index) + 1}")
    field = path.rsplit(".", 1)[1] if "." in path.rsplit("]", 1)[-1] else None
    if field:
        parts.append(str(FIELD_LABELS.get(field, field)))
    return " · ".join(parts)


@dataclass(frozen=True)
class PlaceLabel:
    """Where in a section a change or a conflict sits, for people: "Action “Pilot” · Budget"."""

    parts: tuple[str, ...]

    def __str__(self) -> str:
        return " · ".join(self.parts)


def _item_name(level: str, item: Mapping | None, item_id: str) -> str:
    name = _text(item.get(ITEM_NAME_FIELD.get(level, "id"))) if item else ""
    label = str(ITEM_LABELS.get(level, level))
    return f"{label} {item_id}: {name}" if name else f"{label} {item_id}"


_SLICE = re.compile(r"^(\w+)\[(\d+)(?::(\d+))?\]$")


def place_label(kind: str, path: str, *contents: object) -> PlaceLabel:
    """A readable name for a diff or conflict path, using the items' titles where found."""
    if kind == "text":
        match = re.fullmatch(r"lines\[(\d+):(\d+)\]", path)
        if match:
            first, last = int(match[1]) + 1, int(match[2])
            if last <= first:
                return PlaceLabel((_("Line %(n)s", n=first),))
            return PlaceLabel((_("Lines %(first)s–%(last)s", first=first, last=last),))
        return PlaceLabel((_("Text"),))
    if kind == "swot":
        match = _SLICE.match(path)
        if match and match[1] in SWOT_LABELS:
            return PlaceLabel((str(SWOT_LABELS[match[1]]), _("item %(n)s", n=int(match[2]) + 1)))
        return PlaceLabel((path,))
    segments, field = path_segments(path)
    if not segments:
        # A list whose order changed ("goals", "goals[g1].objectives" is caught below).
        return PlaceLabel((_("Order of the items"),))
    parts: list[str] = []
    for depth in range(len(segments)):
        level, item_id = segments[depth]
        item = None
        for content in contents:
            items, index = locate(content, segments[: depth + 1])
            if items is not None and index >= 0:
                item = items[index]
                break
        parts.append(_item_name(level, item, item_id))
    if field:
        parts.append(str(FIELD_LABELS.get(field, field)))
    return PlaceLabel(tuple(parts))
