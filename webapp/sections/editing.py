"""From the section editor's form to content, and back; resolving a conflict on screen.

The editor's script posts the content as JSON (field ``content``), built from its inputs.
Without the script a text section still saves from its textarea (field ``text``); the
structured editors need the script to add and remove rows.

Nothing here touches the database: the view loads, this shapes, workflows decides.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Literal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from merge3 import Merge3
from werkzeug.datastructures import MultiDict

from webapp.inputs import loads_json
from workflows.content import ITEM_FIELDS, NESTED_ITEMS, SWOT_KEYS, empty_content
from workflows.merge import merge

Resolution = Literal["theirs", "mine", "both"]
RESOLUTIONS: tuple[str, ...] = ("theirs", "mine", "both")

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


# --- conflicts -----------------------------------------------------------------------------


def _pick(base: object, theirs: object, mine: object, prefer: Resolution) -> list[object]:
    """The values one overlapping spot keeps (both: theirs, then mine if different)."""
    if theirs == mine or mine == base:
        return [theirs]
    if theirs == base:
        return [mine]
    if prefer == "theirs":
        return [theirs]
    if prefer == "mine":
        return [mine]
    return [theirs, mine]


def _split_lines(text: str) -> tuple[list[str], bool]:
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1] + "\n")
    return lines, not parts[-1]


def _resolve_sequence(base: list, theirs: list, mine: list, prefer: Resolution, items: bool) -> list:
    """Merge3 over lines (``items`` False) or SWOT items, overlapping runs decided by ``prefer``.

    SWOT items follow workflows.merge: items added at the same place on both sides are
    all kept, and runs edited in place on both sides are decided item by item.
    """
    out: list = []
    for region in Merge3(base, theirs, mine).merge_regions():
        tag = region[0]
        if tag == "unchanged":
            out.extend(base[region[1] : region[2]])
        elif tag in ("a", "same"):
            out.extend(theirs[region[1] : region[2]])
        elif tag == "b":
            out.extend(mine[region[1] : region[2]])
        else:
            _, z1, z2, t1, t2, y1, y2 = region
            b_run, t_run, y_run = base[z1:z2], theirs[t1:t2], mine[y1:y2]
            if items and not b_run:
                out.extend(t_run + [entry for entry in y_run if entry not in t_run])
            elif items and len(b_run) == len(t_run) == len(y_run):
                for b_entry, t_entry, y_entry in zip(b_run, t_run, y_run, strict=True):
                    out.extend(_pick(b_entry, t_entry, y_entry, prefer))
            elif prefer == "theirs":
                out.extend(t_run)
            elif prefer == "mine":
                out.extend(y_run)
            elif items:
                out.extend(t_run + [entry for entry in y_run if entry not in t_run])
            else:
                out.extend(t_run + y_run)
    return out


def _resolve_text(base: str, theirs: str, mine: str, prefer: Resolution) -> str:
    (b, b_end), (t, t_end), (y, y_end) = (
        _split_lines(base),
        _split_lines(theirs),
        _split_lines(mine),
    )
    # Every line ends in "\n" here, so "both" can put mine right after theirs.
    text = "".join(_resolve_sequence(b, t, y, prefer, items=False))
    ends_with_newline = _pick(b_end, t_end, y_end, "theirs" if prefer == "both" else prefer)[0]
    if not ends_with_newline and text.endswith("\n"):
        text = text[:-1]
    return text


_SEGMENT = re.compile(r"\.?(\w+)\[([^\]]*)\]|\.(\w+)")


def _path_segments(path: str) -> tuple[list[tuple[str, str]], str | None]:
    """``goals[g1].objectives[o2].title`` -> ([("goals", "g1"), ("objectives", "o2")], "title")."""
    items: list[tuple[str, str]] = []
    field: str | None = None
    for match in _SEGMENT.finditer(path):
        if match.group(3):
            field = match.group(3)
        else:
            items.append((match.group(1), match.group(2)))
    return items, field


def _find(items: object, item_id: str) -> tuple[list | None, int]:
    if not isinstance(items, list):
        return None, -1
    for index, item in enumerate(items):
        if isinstance(item, Mapping) and item.get("id") == item_id:
            return items, index
    return items, -1


def _locate(content: object, segments: list[tuple[str, str]]) -> tuple[list | None, int]:
    """The list holding the item a path names in ``content``, and its index (-1: absent)."""
    container: object = content
    for depth, (_level, item_id) in enumerate(segments):
        items, index = _find(container, item_id)
        if depth == len(segments) - 1:
            return items, index
        if index < 0:
            return None, -1
        container = items[index].get(segments[depth + 1][0])
    return None, -1


def _revert(side: object, base: object, path: str) -> bool:
    """Put ``side`` back to ``base`` at ``path`` (the overlapping spot); False if it cannot."""
    segments, field = _path_segments(path)
    if not segments:
        return False
    side_list, side_index = _locate(side, segments)
    base_list, base_index = _locate(base, segments)
    if side_list is None:
        return False
    base_item = base_list[base_index] if base_list is not None and base_index >= 0 else None
    if field is not None:
        if side_index < 0 or base_item is None:
            return False
        side_list[side_index][field] = copy.deepcopy(base_item.get(field, ""))
        return True
    if base_item is None:
        if side_index < 0:
            return False
        del side_list[side_index]
    elif side_index < 0:
        side_list.append(copy.deepcopy(base_item))
    else:
        side_list[side_index] = copy.deepcopy(base_item)
    return True


def _without_ids(item: Mapping, level: str) -> dict:
    """A copy of an item that the content rules number afresh (a second version of it)."""
    fresh = {k: copy.deepcopy(v) for k, v in item.items()}
    fresh["id"] = ""
    for field, child_level in NESTED_ITEMS.get(level, {}).items():
        if isinstance(fresh.get(field), list):
            fresh[field] = [
                _without_ids(child, child_level) for child in fresh[field] if isinstance(child, Mapping)
            ]
    return fresh


def _resolve_items(kind: str, base: object, theirs: object, mine: object, prefer: Resolution) -> object:
    winner_is_mine = prefer == "mine"
    original_mine = mine
    theirs, mine = copy.deepcopy(theirs), copy.deepcopy(mine)
    overlapping: list[str] = []
    for _round in range(10):
        result = merge(kind, base, theirs, mine)
        if not result.conflict:
            content = result.content
            break
        overlapping.extend(c.path for c in result.conflicts)
        loser = theirs if winner_is_mine else mine
        if not any([_revert(loser, base, c.path) for c in result.conflicts]):
            content = copy.deepcopy(mine if winner_is_mine else theirs)
            break
    else:  # pragma: no cover - every round reverts at least one spot
        content = copy.deepcopy(mine if winner_is_mine else theirs)
    if prefer == "both" and isinstance(content, list):
        # Keep mine too: each item of mine that overlapped is added as a second version.
        present = [item for item in content if isinstance(item, Mapping)]
        for path in dict.fromkeys(overlapping):
            segments, _field = _path_segments(path)
            if not segments:
                continue
            mine_list, index = _find(original_mine, segments[0][1])
            if mine_list is None or index < 0:
                continue
            item = mine_list[index]
            if item in present:
                continue
            copy_of_mine = _without_ids(item, kind)
            content.append(copy_of_mine)
            present.append(item)
    return content


def resolve(kind: str, base: object, theirs: object, mine: object, prefer: Resolution) -> object:
    """One content from a conflict, the way the person chose on the conflict view.

    Changes that do not overlap are kept from both sides whatever the choice (keeping
    "mine" must not silently drop someone else's other edits); where they overlap,
    ``theirs`` or ``mine`` wins, or ``both`` keeps theirs followed by mine (for text the
    passage twice, for list items both items, for an item's field a second copy of the
    item). Inputs are normalised content; normalise the result again before storing.
    """
    if prefer not in RESOLUTIONS:
        raise ValueError(prefer)
    base = empty_content(kind) if base is None else base
    if kind == "text":
        return _resolve_text(str(base), str(theirs), str(mine), prefer)
    if kind == "swot":
        return {
            key: _resolve_sequence(
                list(base.get(key, [])),
                list(theirs.get(key, [])),
                list(mine.get(key, [])),
                prefer,
                items=True,
            )
            for key in SWOT_KEYS
        }
    return _resolve_items(kind, base, theirs, mine, prefer)


# --- describing changes --------------------------------------------------------------------


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
    segments, field = _path_segments(path)
    if not segments:
        # A list whose order changed ("goals", "goals[g1].objectives" is caught below).
        return PlaceLabel((_("Order of the items"),))
    parts: list[str] = []
    for depth in range(len(segments)):
        level, item_id = segments[depth]
        item = None
        for content in contents:
            items, index = _locate(content, segments[: depth + 1])
            if items is not None and index >= 0:
                item = items[index]
                break
        parts.append(_item_name(level, item, item_id))
    if field:
        parts.append(str(FIELD_LABELS.get(field, field)))
    return PlaceLabel(tuple(parts))
