"""Three-way merge of section content, for co-editing (docs/design.md, "Co-editing").

A save names the revision it was based on (``base``); when someone else saved in between
(``theirs``), the editor's version (``yours``) is merged with theirs. Changes that do not
overlap are all kept; overlapping different changes are refused as conflicts, which the
editor resolves on screen, so no save is ever lost silently.

- ``text``: line by line, as version control merges files (merge3, the merge of Breezy,
  on difflib's matcher). Edits to line ranges separated by at least one unchanged line
  are both kept; the same edit on both sides is taken once. A missing final newline is
  merged like any other change, so adding a line after an unterminated last line does not
  conflict with an edit elsewhere. A conflict's path is the base's line range as a slice,
  ``lines[3:5]`` (0-based, end excluded), its values the lines joined.
- ``swot``: each list as a sequence of items, like lines, with two refinements fit for
  bullet lists: items inserted at the same place on both sides are all kept (theirs
  first), and a run of items edited in place on both sides is merged item by item.
  Conflict paths are slices too: ``strengths[2:3]``, with lists as values.
- ``goals``, ``action_plan``, ``kpi``: item by item (by ``id``) and field by field. An item
  added on either side is kept; deleted on one side and unchanged on the other, removed;
  deleted on one side and changed on the other, a conflict at ``action_plan[a3]``. A field
  changed on one side only takes that side; changed to different values on both, a
  conflict at ``action_plan[a3].budget_pln`` or ``goals[g1].objectives[o2].title``.
  Objectives merge inside their goal the same way. Order: the item ids are merged as a
  sequence, so theirs' order wins when only they reordered, yours when only you did, and
  yours' additions sit where you put them; where both reordered the same stretch, theirs'
  order is kept and your additions follow it.

  Both sides adding an item with the same new id (two people adding a row while ids are
  numbered "highest + 1") is two different items unless they are equal: yours then gets
  a fresh id. If both sides moved one objective into different goals, or an action's
  merged dates end before they start, that is a conflict too.

Resolving a conflict (``resolve``) is the same merge with the person's choice for every
overlapping spot: ``theirs``, ``mine`` or ``both``; changes that do not overlap are kept
from both sides whatever the choice. Text and SWOT lists go through the same walk over
merge3's regions as the plain merge, the choice standing in for the conflict; items with
ids are merged again with the losing side put back to base at each conflict, and "both"
adds a second copy (without ids) of each of mine's overlapping items.

Inputs are normalised content (workflows.content.normalize_content); validate the merged
result with it again before storing it (two additions may, together, exceed a limit).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from merge3 import Merge3

from workflows.content import (
    ID_PREFIXES,
    NESTED_ITEMS,
    SWOT_KEYS,
    ContentError,
    empty_content,
    highest_number,
)
from workflows.kinds import SectionKind

#: How the person settles a conflict on screen (see ``resolve``).
Resolution = Literal["theirs", "mine", "both"]
RESOLUTIONS: tuple[str, ...] = ("theirs", "mine", "both")


@dataclass(frozen=True)
class Conflict:
    """An overlapping change: what ``path`` held in base, theirs and yours (None: absent)."""

    path: str
    base: object
    theirs: object
    yours: object

    def as_dict(self) -> dict[str, object]:
        """The JSON shape the API and the editor use."""
        return {"path": self.path, "base": self.base, "theirs": self.theirs, "yours": self.yours}


@dataclass(frozen=True)
class MergeResult:
    """The merged content, or None with the conflicts that kept it from being merged."""

    content: object | None
    conflict: bool
    conflicts: tuple[Conflict, ...] = ()


class _Missing:
    """A field one side does not have (older content); distinct from None and ""."""

    def __repr__(self) -> str:
        return "MISSING"


_MISSING = _Missing()


def _shown(value: object) -> object:
    return None if value is _MISSING else value


def _pick(base: object, theirs: object, yours: object) -> tuple[bool, object]:
    """The three-way rule for one value: (merged?, value)."""
    if theirs == yours:
        return True, theirs
    if theirs == base:
        return True, yours
    if yours == base:
        return True, theirs
    return False, None


class _Overlaps:
    """What becomes of a spot both sides changed differently: a conflict, or the person's choice.

    A plain merge (``prefer`` None) records the conflict and keeps nothing there (its content
    is dropped anyway); a resolution keeps theirs, mine, or both as the caller spelled "both".
    """

    def __init__(self, prefer: Resolution | None) -> None:
        self.prefer = prefer
        self.conflicts: list[Conflict] = []

    def settle(self, conflict: Conflict, theirs: list, yours: list, both: list) -> list:
        if self.prefer is None:
            self.conflicts.append(conflict)
            return []
        return {"theirs": theirs, "mine": yours, "both": both}[self.prefer]


def _merge_runs(
    base: Sequence, theirs: Sequence, yours: Sequence, overlap: Callable[[int, int, list, list, list], list]
) -> list:
    """The one walk over merge3's regions of two sequences (lines, SWOT items).

    What only one side changed, or both the same way, is kept; each overlapping run goes to
    ``overlap(z1, z2, base run, theirs run, yours run)`` (``base[z1:z2]`` is the base run),
    which returns what the merged sequence holds there.
    """
    merged: list = []
    for region in Merge3(base, theirs, yours).merge_regions():
        if region[0] == "unchanged":
            merged.extend(base[region[1] : region[2]])
        elif region[0] in ("a", "same"):
            merged.extend(theirs[region[1] : region[2]])
        elif region[0] == "b":
            merged.extend(yours[region[1] : region[2]])
        else:
            _, z1, z2, t1, t2, y1, y2 = region
            merged.extend(overlap(z1, z2, list(base[z1:z2]), list(theirs[t1:t2]), list(yours[y1:y2])))
    return merged


# --- text --------------------------------------------------------------------------------


def _lines(text: str) -> tuple[list[str], bool]:
    """Lines each ending in "\\n", and whether the text itself ended in one."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1] + "\n")
    return lines, not parts[-1]


def _merge_text(base: object, theirs: object, yours: object, overlaps: _Overlaps) -> str:
    if not (isinstance(base, str) and isinstance(theirs, str) and isinstance(yours, str)):
        raise ContentError("", "not_a_string")
    (b, b_end), (t, t_end), (y, y_end) = _lines(base), _lines(theirs), _lines(yours)

    def overlap(z1: int, z2: int, b_run: list, t_run: list, y_run: list) -> list:
        conflict = Conflict(f"lines[{z1}:{z2}]", "".join(b_run), "".join(t_run), "".join(y_run))
        # Every line ends in "\n" here, so "both" can put yours right after theirs.
        return overlaps.settle(conflict, t_run, y_run, t_run + y_run)

    text = "".join(_merge_runs(b, t, y, overlap))
    # Three booleans: at least two agree, so this pick always succeeds.
    _, ends_with_newline = _pick(b_end, t_end, y_end)
    if not ends_with_newline and text.endswith("\n"):
        text = text[:-1]
    return text


# --- swot --------------------------------------------------------------------------------


def _merge_entries(
    key: str, base: list[str], theirs: list[str], yours: list[str], overlaps: _Overlaps
) -> list:
    def overlap(z1: int, z2: int, b_run: list, t_run: list, y_run: list) -> list:
        all_kept = t_run + [entry for entry in y_run if entry not in t_run]
        if not b_run:
            # Both inserted items at the same place: keep all, theirs first.
            return all_kept
        if len(b_run) == len(t_run) == len(y_run):
            # Items edited in place on both sides: merge them one by one.
            kept: list = []
            for k, (b_entry, t_entry, y_entry) in enumerate(zip(b_run, t_run, y_run, strict=True)):
                ok, value = _pick(b_entry, t_entry, y_entry)
                if ok:
                    kept.append(value)
                else:
                    conflict = Conflict(f"{key}[{z1 + k}:{z1 + k + 1}]", [b_entry], [t_entry], [y_entry])
                    kept.extend(overlaps.settle(conflict, [t_entry], [y_entry], [t_entry, y_entry]))
            return kept
        return overlaps.settle(Conflict(f"{key}[{z1}:{z2}]", b_run, t_run, y_run), t_run, y_run, all_kept)

    return _merge_runs(base, theirs, yours, overlap)


def _swot_list(content: object, key: str) -> list[str]:
    if not isinstance(content, Mapping):
        raise ContentError("", "not_an_object")
    value = content.get(key, [])
    if not isinstance(value, list | tuple):
        raise ContentError(key, "not_a_list")
    return list(value)


def _merge_swot(base: object, theirs: object, yours: object, overlaps: _Overlaps) -> dict[str, list[str]]:
    return {
        key: _merge_entries(key, *(_swot_list(side, key) for side in (base, theirs, yours)), overlaps)
        for key in SWOT_KEYS
    }


# --- items with ids ----------------------------------------------------------------------


def _items(value: object, path: str) -> list[Mapping]:
    """The items of a list level, checked just enough to merge them by id."""
    if not isinstance(value, list | tuple):
        raise ContentError(path, "not_a_list")
    seen: set[str] = set()
    for i, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise ContentError(f"{path}[{i}]", "not_an_object")
        item_id = item.get("id")
        if not isinstance(item_id, str) or not item_id:
            raise ContentError(f"{path}[{i}].id", "missing_field", {"field": "id"})
        if item_id in seen:
            raise ContentError(f"{path}[{i}].id", "duplicate_id", {"id": item_id})
        seen.add(item_id)
    return list(value)


def _walk(items: Iterable[Mapping], level: str, parent: str | None = None) -> Iterator:
    """(level, parent id, item) for every item, nested ones after their parent."""
    for item in items:
        yield level, parent, item
        for field, child_level in NESTED_ITEMS.get(level, {}).items():
            children = item.get(field)
            if isinstance(children, list | tuple):
                yield from _walk((c for c in children if isinstance(c, Mapping)), child_level, item.get("id"))


def _renumber_yours(kind: str, base: list, theirs: list, yours: list) -> list:
    """Yours, with a fresh id for each item that is new on both sides but not the same item.

    Ids of new items are numbered "highest + 1", so two people adding a row at once both
    get "a4". Equal items under the same parent are one addition made twice and keep the
    id; anything else is two items.
    """
    base_ids = {item["id"] for _, _, item in _walk(base, kind)}
    theirs_by_id = {item["id"]: (parent, item) for _, parent, item in _walk(theirs, kind)}
    used = base_ids | set(theirs_by_id) | {item["id"] for _, _, item in _walk(yours, kind)}
    yours = copy.deepcopy(yours)
    next_number: dict[str, int] = {}

    def renumber(items: list, level: str, parent: str | None) -> None:
        for item in items:
            if not isinstance(item, dict):
                continue
            item_id = item.get("id")
            if item_id not in base_ids and item_id in theirs_by_id:
                their_parent, their_item = theirs_by_id[item_id]
                if their_parent != parent or their_item != item:
                    prefix = ID_PREFIXES[level]
                    if prefix not in next_number:
                        next_number[prefix] = highest_number(used, prefix) + 1
                    item["id"] = f"{prefix}{next_number[prefix]}"
                    used.add(item["id"])
                    next_number[prefix] += 1
            for field, child_level in NESTED_ITEMS.get(level, {}).items():
                if isinstance(item.get(field), list):
                    renumber(item[field], child_level, item["id"])

    renumber(yours, kind, None)
    return yours


def _merge_order(base: list[str], theirs: list[str], yours: list[str], keep: Mapping) -> list[str]:
    """The merged sequence of ids (see the module doc), restricted to the kept items."""
    theirs_set = set(theirs)
    order: list[str] = []
    for group in Merge3(base, theirs, yours).merge_groups():
        if group[0] == "conflict":
            order.extend(group[2])
            order.extend(item_id for item_id in group[3] if item_id not in theirs_set)
        else:
            order.extend(group[1])
    order.extend(theirs + yours)  # anything kept that the sequence lost
    return list(dict.fromkeys(item_id for item_id in order if item_id in keep))


def _merge_item(
    path: str, level: str, base: Mapping, theirs: Mapping, yours: Mapping
) -> tuple[dict, list[Conflict]]:
    merged: dict = {}
    conflicts: list[Conflict] = []
    nested = NESTED_ITEMS.get(level, {})
    fields = list(theirs) + [f for f in yours if f not in theirs]
    fields += [f for f in base if f not in theirs and f not in yours]
    for field in fields:
        b, t, y = (side.get(field, _MISSING) for side in (base, theirs, yours))
        ok, value = _pick(b, t, y)
        if not ok and field in nested and isinstance(t, list) and isinstance(y, list):
            base_children = b if isinstance(b, list) else []
            value, found = _merge_items(f"{path}.{field}", nested[field], base_children, t, y)
            conflicts.extend(found)
            ok = not found
        elif not ok:
            conflicts.append(Conflict(f"{path}.{field}", _shown(b), _shown(t), _shown(y)))
        if ok and value is not _MISSING:
            merged[field] = value
    start, end = merged.get("start"), merged.get("end")
    if isinstance(start, str) and isinstance(end, str) and start and end and end < start:
        # Each side's dates were in order; only the combination is not.
        ends = (base.get("end"), theirs.get("end"), yours.get("end"))
        conflicts.append(Conflict(f"{path}.end", *ends))
    return merged, conflicts


def _merge_items(
    path: str, level: str, base: object, theirs: object, yours: object
) -> tuple[list, list[Conflict]]:
    sides = [_items(side, path) for side in (base, theirs, yours)]
    b, t, y = ({item["id"]: item for item in side} for side in sides)
    merged: dict[str, object] = {}
    conflicts: list[Conflict] = []
    for item_id in dict.fromkeys([*t, *y, *b]):
        item_path = f"{path}[{item_id}]"
        b_item, t_item, y_item = b.get(item_id), t.get(item_id), y.get(item_id)
        if b_item is None:
            if t_item is not None and y_item is not None and t_item != y_item:
                conflicts.append(Conflict(item_path, None, t_item, y_item))
            else:
                merged[item_id] = t_item if t_item is not None else y_item
        elif t_item is None and y_item is None:
            continue
        elif t_item is None or y_item is None:
            survivor = t_item if y_item is None else y_item
            if survivor != b_item:  # deleted on one side, changed on the other
                conflicts.append(Conflict(item_path, b_item, t_item, y_item))
        else:
            merged[item_id], found = _merge_item(item_path, level, b_item, t_item, y_item)
            conflicts.extend(found)
    b_ids, t_ids, y_ids = (list(side) for side in (b, t, y))
    return [merged[item_id] for item_id in _merge_order(b_ids, t_ids, y_ids, merged)], conflicts


def _duplicate_conflicts(kind: str, merged: list, sides: Sequence[list]) -> list[Conflict]:
    """An id kept twice: both sides moved one objective, each into a different goal."""
    seen: set[str] = set()
    conflicts: list[Conflict] = []
    for level, parent, item in _walk(merged, kind):
        if item["id"] not in seen:
            seen.add(item["id"])
            continue
        found = [
            next((it for _, _, it in _walk(side, kind) if it["id"] == item["id"]), None) for side in sides
        ]
        path = f"{kind}[{parent}].{level}[{item['id']}]" if parent else f"{kind}[{item['id']}]"
        conflicts.append(Conflict(path, *found))
    return conflicts


def _merge_structured(
    kind: str, base: object, theirs: object, yours: object
) -> tuple[object, list[Conflict]]:
    sides = [_items(side, "") for side in (base, theirs, yours)]
    sides[2] = _renumber_yours(kind, *sides)
    merged, conflicts = _merge_items(kind, kind, *sides)
    if not conflicts:
        conflicts = _duplicate_conflicts(kind, merged, sides)
    return merged, conflicts


# --- resolving a conflict on the items with ids ------------------------------------------

_SEGMENT = re.compile(r"\.?(\w+)\[([^\]]*)\]|\.(\w+)")


def path_segments(path: str) -> tuple[list[tuple[str, str]], str | None]:
    """A conflict's path as (level, item id) steps and a field.

    ``goals[g1].objectives[o2].title`` -> ``([("goals", "g1"), ("objectives", "o2")], "title")``.
    """
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


def locate(content: object, segments: Sequence[tuple[str, str]]) -> tuple[list | None, int]:
    """The list holding the item ``segments`` name in ``content``, and its index (-1: absent)."""
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
    segments, field = path_segments(path)
    if not segments:
        return False
    side_list, side_index = locate(side, segments)
    base_list, base_index = locate(base, segments)
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
    """The plain merge again and again, the losing side put back to base at each conflict.

    Reverting the loser's spot makes it "unchanged" there, so the merge takes the winner's
    value and still keeps every change that did not overlap.
    """
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
            segments, _field = path_segments(path)
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


# --- public API --------------------------------------------------------------------------


def _section_kind(kind: str) -> SectionKind:
    try:
        return SectionKind(kind)
    except ValueError:
        raise ContentError("", "unknown_kind", {"kind": str(kind)[:100]}) from None


def merge(kind: str, base: object, theirs: object, yours: object) -> MergeResult:
    """Merge ``yours`` (based on ``base``) with ``theirs`` (saved since), per the module doc.

    Returns the merged content, a deep copy sharing nothing with the inputs, or, when
    changes overlap, content None with every conflict found.
    """
    section_kind = _section_kind(kind)
    overlaps = _Overlaps(None)
    if section_kind is SectionKind.TEXT:
        content: object = _merge_text(base, theirs, yours, overlaps)
        conflicts = overlaps.conflicts
    elif section_kind is SectionKind.SWOT:
        content = _merge_swot(base, theirs, yours, overlaps)
        conflicts = overlaps.conflicts
    else:
        content, conflicts = _merge_structured(section_kind.value, base, theirs, yours)
    if conflicts:
        return MergeResult(None, True, tuple(conflicts))
    return MergeResult(copy.deepcopy(content), False, ())


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
    section_kind = _section_kind(kind)
    if section_kind is SectionKind.TEXT:
        return _merge_text(str(base), str(theirs), str(mine), _Overlaps(prefer))
    if section_kind is SectionKind.SWOT:
        return _merge_swot(base, theirs, mine, _Overlaps(prefer))
    return _resolve_items(section_kind.value, base, theirs, mine, prefer)
