"""Differences between two revisions of a section, for the history page.

Text is compared word by word (words, runs of whitespace and single punctuation marks are
the tokens), which reads better than a line diff for prose: a paragraph is one long
line. To stay fast on long sections it first aligns lines and compares words only inside
the lines that changed. Structured content is compared item by item (by ``id``) and field
by field, so the page can say "action a3: budget 100000.00 → 120000.00".

Paths are those of the merge (workflows.merge): ``strengths[2]``, ``goals[g1].title``,
``goals[g1].objectives[o2]``, ``action_plan[a3].budget_pln``.

Both use the standard library's difflib with its default "autojunk" heuristic: on
sequences of 200 elements or more, an element making up over 1 % of them (blank lines,
spaces between words) cannot anchor a match, only extend one. Without it difflib's time
grows with the square of the repeats (a section of 4,000 identical lines takes seconds,
100,000 characters of them minutes); with it a few repeated elements may align less
tightly, which costs nothing but a slightly longer diff.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from workflows.kinds import SectionKind

TextOp = Literal["equal", "insert", "delete"]
ChangeOp = Literal["added", "removed", "changed"]

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_SWOT_KEYS = ("strengths", "weaknesses", "opportunities", "threats")


@dataclass(frozen=True)
class Change:
    """One difference between two revisions of structured content.

    ``op`` is "added" (``old`` is None), "removed" (``new`` is None) or "changed". For a
    list whose items only moved, ``path`` names the list (``goals``,
    ``goals[g1].objectives``), and ``old``/``new`` are its ids in the old and new order.
    """

    path: str
    op: ChangeOp
    old: object
    new: object


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _append(ops: list[tuple[TextOp, str]], op: TextOp, text: str) -> None:
    if not text:
        return
    if ops and ops[-1][0] == op:
        ops[-1] = (op, ops[-1][1] + text)
    else:
        ops.append((op, text))


def _diff_words(old: str, new: str, ops: list[tuple[TextOp, str]]) -> None:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(ops, "equal", "".join(a[i1:i2]))
            continue
        _append(ops, "delete", "".join(a[i1:i2]))
        _append(ops, "insert", "".join(b[j1:j2]))


def diff_text(old: str, new: str) -> list[tuple[TextOp, str]]:
    """Word-level differences: ("equal" | "insert" | "delete", text) in reading order.

    Joining the "equal" and "delete" texts gives ``old``; "equal" and "insert" give ``new``.
    Neighbouring operations of the same kind are joined, so the page can wrap each in one
    <del>/<ins>.
    """
    ops: list[tuple[TextOp, str]] = []
    a, b = _lines(old), _lines(new)
    # The common head and tail need no matching: cheap, and exact even where the
    # heuristic would give up (a long run of one repeated line).
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    _append(ops, "equal", "".join(a[:head]))
    a_mid, b_mid = a[head : len(a) - tail], b[head : len(b) - tail]
    matcher = difflib.SequenceMatcher(None, a_mid, b_mid)
    pending_old: list[str] = []
    pending_new: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _diff_words("".join(pending_old), "".join(pending_new), ops)
            pending_old, pending_new = [], []
            _append(ops, "equal", "".join(a_mid[i1:i2]))
        else:
            pending_old.extend(a_mid[i1:i2])
            pending_new.extend(b_mid[j1:j2])
    _diff_words("".join(pending_old), "".join(pending_new), ops)
    _append(ops, "equal", "".join(a[len(a) - tail :]))
    return ops


def _is_item_list(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(item, Mapping) and isinstance(item.get("id"), str) for item in value
    )


def _diff_items(path: str, old: Sequence[Mapping], new: Sequence[Mapping]) -> list[Change]:
    old_by_id = {item["id"]: item for item in old}
    new_by_id = {item["id"]: item for item in new}
    changes: list[Change] = []
    old_common = [i for i in old_by_id if i in new_by_id]
    new_common = [i for i in new_by_id if i in old_by_id]
    if old_common != new_common:
        changes.append(Change(path, "changed", list(old_by_id), list(new_by_id)))
    # Removed items first where they stood, then the new order with additions and edits.
    for item_id, item in old_by_id.items():
        if item_id not in new_by_id:
            changes.append(Change(f"{path}[{item_id}]", "removed", item, None))
    for item_id, item in new_by_id.items():
        item_path = f"{path}[{item_id}]"
        if item_id not in old_by_id:
            changes.append(Change(item_path, "added", None, item))
        else:
            changes.extend(_diff_fields(item_path, old_by_id[item_id], item))
    return changes


def _diff_fields(path: str, old: Mapping, new: Mapping) -> list[Change]:
    changes: list[Change] = []
    keys = list(old) + [key for key in new if key not in old]
    for key in keys:
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        nested = isinstance(before, list) and isinstance(after, list)
        if nested and _is_item_list(before) and _is_item_list(after):
            changes.extend(_diff_items(f"{path}.{key}", before, after))  # type: ignore[arg-type]
            continue
        changes.append(Change(f"{path}.{key}", "changed", before, after))
    return changes


def _diff_list(key: str, old: Sequence[str], new: Sequence[str]) -> list[Change]:
    """SWOT items by position: removed at their old index, added and changed at the new."""
    changes: list[Change] = []
    matcher = difflib.SequenceMatcher(None, list(old), list(new))
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(paired):
            changes.append(Change(f"{key}[{j1 + k}]", "changed", old[i1 + k], new[j1 + k]))
        for i in range(i1 + paired, i2):
            changes.append(Change(f"{key}[{i}]", "removed", old[i], None))
        for j in range(j1 + paired, j2):
            changes.append(Change(f"{key}[{j}]", "added", None, new[j]))
    return changes


def diff_structured(kind: str, old: object, new: object) -> list[Change]:
    """Item- and field-level changes from ``old`` to ``new`` (normalised content of ``kind``).

    A text section is one "changed" entry at path "" (use diff_text for its words).
    """
    section_kind = SectionKind(kind)
    if old == new:
        return []
    if section_kind is SectionKind.TEXT:
        return [Change("", "changed", old, new)]
    if section_kind is SectionKind.SWOT:
        old_map = old if isinstance(old, Mapping) else {}
        new_map = new if isinstance(new, Mapping) else {}
        changes: list[Change] = []
        for key in _SWOT_KEYS:
            changes.extend(_diff_list(key, old_map.get(key) or [], new_map.get(key) or []))
        return changes
    old_items = old if _is_item_list(old) else []
    new_items = new if _is_item_list(new) else []
    return _diff_items(section_kind.value, old_items, new_items)
