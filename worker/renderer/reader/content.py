"""Blocks back into section content: Markdown for text, the tables of the structured kinds.

The inverse of ``markdown_docx.py`` and ``structured.py``: what the renderer made reads
back to what it was made from (tests/renderer/test_reader.py renders and reads back),
and what a person typed in Word reads as the Markdown they would have typed. Structured
rows come back as the texts of their cells (``Row``); which item each row is, and its
id, is decided against the version the file came from (``webapp/uploads/reconcile.py``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from worker.renderer.labels import LABELS
from worker.renderer.reader.blocks import Block, Para, Span, Table

_ESCAPE = re.compile(r"([\\`*_\[\]~|])")
_LINE_START = re.compile(r"^(\s*)([#>+\-]|\d{1,9}[.)])(\s|$)")
_NUMBERED = re.compile(r"^\s*(\d+(?:[.)]\d+)*[.)]?)\s+(.*)$", re.S)
_SWOT_KEYS = ("strengths", "weaknesses", "opportunities", "threats")


def _escape(text: str) -> str:
    text = _ESCAPE.sub(r"\\\1", text)
    return text


def _inline(spans: Sequence[Span]) -> str:
    """Runs as Markdown: neighbours of one format merge; emphasis hugs its words."""
    merged: list[Span] = []
    for span in spans:
        if span.code:
            merged.append(span)
            continue
        last = merged[-1] if merged else None
        if (
            last is not None
            and not last.code
            and (last.bold, last.italic, last.strike, last.href)
            == (
                span.bold,
                span.italic,
                span.strike,
                span.href,
            )
        ):
            merged[-1] = Span(last.text + span.text, last.bold, last.italic, last.strike, False, last.href)
        else:
            merged.append(span)
    out: list[str] = []
    for span in merged:
        text = span.text.replace("\u2011", "-")
        if span.code:
            fence = "``" if "`" in text else "`"
            out.append(f"{fence}{text}{fence}")
            continue
        if not text.strip():
            out.append(text)
            continue
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        core = _escape(text.strip()).replace("\n", "\\\n")
        if core:
            if span.strike:
                core = f"~~{core}~~"
            if span.italic:
                core = f"*{core}*"
            if span.bold:
                core = f"**{core}**"
            if span.href:
                core = f"[{core}]({span.href.replace(')', '%29').replace(' ', '%20')})"
        out.append(lead + core + trail)
    return "".join(out)


def _line_text(para: Para) -> str:
    text = _inline(para.spans).strip()
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2) + m.group(3), text, count=1)


def _cell(paras: Sequence[Para]) -> str:
    return " ".join(_inline(p.spans).strip().replace("\\\n", " ") for p in paras if p.text.strip())


def to_markdown(blocks: Sequence[Block], heading_base: int = 2) -> str:
    """Blocks as the studio's Markdown (``workflows/markup.py``); a Heading ``heading_base + 1``
    is a ``#`` (the renderer puts Markdown headings below the section's Heading 2)."""
    chunks: list[str] = []
    lists: list[str] = []  # the list item lines being gathered (one chunk)
    list_ids: list[str] = []  # the numbering of the list's top level
    counters: dict[int, int] = {}
    code: list[str] = []

    def flush() -> None:
        if lists:
            chunks.append("\n".join(lists))
            lists.clear()
            counters.clear()
            list_ids.clear()
        if code:
            chunks.append("```\n" + "\n".join(code) + "\n```")
            code.clear()

    for block in blocks:
        if isinstance(block, Table):
            flush()
            table = _table(block)
            if table:
                chunks.append(table)
            continue
        if block.code:
            if lists:
                flush()
            code.append(block.text.replace("\u2011", "-"))
            continue
        if code:
            flush()
        text = _line_text(block)
        if block.list_kind is not None:
            level = block.level
            if level == 0 and list_ids and list_ids[-1] != block.list_id:
                flush()  # another list: Markdown needs a blank line between them
            if level == 0:
                list_ids.append(block.list_id)
            for deeper in [k for k in counters if k > level]:
                del counters[deeper]
            if block.list_kind == "ordered":
                counters[level] = counters.get(level, 0) + 1
                lists.append(f"{'   ' * level}{counters[level]}. {text}".rstrip())
            else:
                lists.append(f"{'  ' * level}- {text}".rstrip())
            continue
        if lists and text and "list" in block.style:  # a further paragraph of an item
            lists.append("")
            lists.append("   " + text)
            continue
        flush()
        if block.rule and not text:
            chunks.append("---")
        elif not text:
            continue
        elif block.heading:
            marks = "#" * max(1, min(6, block.heading - heading_base))
            chunks.append(f"{marks} {_inline(block.spans).strip()}")
        elif block.quote:
            chunks.append("> " + text.replace("\\\n", "\\\n> "))
        else:
            chunks.append(text)
    flush()
    return "\n\n".join(chunks)


#: Left is every cell's default (LibreOffice writes it out): only right and centre show.
_RULES = {"right": "--:", "center": ":-:"}


def _table(table: Table) -> str:
    """A GFM table; the header row's bold (the renderer's, or a person's) is the header's own."""
    rows = []
    for number, cells in enumerate(table.rows):
        if number == 0:
            cells = [
                [Para([Span(s.text, False, s.italic, s.strike, s.code, s.href) for s in p.spans]) for p in c]
                for c in cells
            ]
        rows.append([_cell(c).replace("|", "\\|") for c in cells])
    if not any(any(r) for r in rows):
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    aligns = []
    for column in range(width):
        found = {
            next((p.align for p in cells[column] if p.align), "")
            for cells in table.rows[1:]
            if column < len(cells)
        }
        aligns.append(_RULES.get(found.pop(), "---") if len(found) == 1 else "---")
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join(aligns) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def plain(text: str) -> str:
    """A table cell's text as typed: the renderer's no-break characters undone, one line."""
    return " ".join(text.replace("\xa0", " ").replace("\u2011", "-").replace("\u2060", "").split())


# -- structured kinds ----------------------------------------------------------------------


def _label_keys(keys: Sequence[str]) -> dict[str, str]:
    """Printed column or list label (either language, folded) → its key."""
    found: dict[str, str] = {}
    for labels in LABELS.values():
        for key in keys:
            if key in labels:
                found.setdefault(_fold(labels[key]), key)
    return found


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def swot(blocks: Sequence[Block]) -> dict[str, list[str]] | None:
    """The SWOT grid: the first table whose cells are headed by the four labels (or a 2×2)."""
    names = _label_keys(_SWOT_KEYS)
    names.update({"s": "strengths", "w": "weaknesses", "o": "opportunities", "t": "threats"})
    for block in blocks:
        if not isinstance(block, Table):
            continue
        found: dict[str, list[str]] = {}
        cells = [cell for cells in block.rows for cell in cells]
        for position, paras in enumerate(cells):
            texts = [plain(p.text) for p in paras if plain(p.text)]
            if not texts:
                continue
            key = names.get(_fold(texts[0])) or _swot_prefix(texts[0], names)
            if key is None and len(cells) == 4:
                key, texts = _SWOT_KEYS[position], [""] + texts
            if key is not None and key not in found:
                found[key] = texts[1:]
        if found:
            return {key: found.get(key, []) for key in _SWOT_KEYS}
    return None


def _swot_prefix(text: str, names: Mapping[str, str]) -> str | None:
    """'S – Mocne strony (czynniki wewnętrzne)' → strengths."""
    folded = _fold(text)
    for label, key in names.items():
        if len(label) > 1 and (folded.startswith(label) or f" {label}" in f" {folded}"):
            return key
    return None


@dataclass
class Row:
    """One table row as printed: column key → cell text (plain)."""

    cells: dict[str, str]

    def key(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted(self.cells.items()))


def rows(blocks: Sequence[Block], columns: Sequence[str], total_label: bool = False) -> list[Row] | None:
    """The first table whose header names these columns (by label), row by row.

    ``columns``: the label keys in the renderer's order, used for columns whose header is
    not recognised. The totals row (first cell empty, "Razem"/"Total" next) is left out.
    """
    names = _label_keys(columns)
    for block in blocks:
        if not isinstance(block, Table) or len(block.rows) < 1:
            continue
        header = [_fold(_cell(c)) for c in block.rows[0]]
        known = [names.get(h) for h in header]
        if sum(1 for k in known if k) < 2:
            continue
        keys = [k if k else (columns[i] if i < len(columns) else f"col{i}") for i, k in enumerate(known)]
        found: list[Row] = []
        totals = {_fold(labels["total"]) for labels in LABELS.values()}
        for cells in block.rows[max(block.header_rows, 1) :]:
            texts = [plain("\n".join(p.text for p in c)) for c in cells]
            if not any(texts):
                continue
            if total_label and not texts[0] and any(_fold(t) in totals for t in texts[1:3]):
                continue
            found.append(Row({key: texts[i] if i < len(texts) else "" for i, key in enumerate(keys)}))
        return found
    return None


@dataclass
class GoalRead:
    title: str
    description: str
    objectives: list[tuple[str, str]]  # (title, description)


def goals(blocks: Sequence[Block]) -> list[GoalRead]:
    """Numbered headings "1. Goal" and "1.2 Objective", each with the paragraphs below it.

    Level by the heading's depth (or the number's, "1.2" under "1."); list items and
    plain paragraphs that start with such a number count as headings too (a hand-written
    file may number by hand).
    """
    result: list[GoalRead] = []
    levels = sorted({b.heading for b in blocks if isinstance(b, Para) and b.heading})
    top = levels[0] if levels else 0
    current: list[str] | None = None  # the description being gathered
    for block in blocks:
        if isinstance(block, Table):
            continue
        text = plain(block.text)
        if not text:
            continue
        match = _NUMBERED.match(text)
        depth = match.group(1).strip(".)").count(".") + match.group(1).strip(".)").count(")") if match else 0
        is_heading = bool(block.heading) or (
            match is not None and block.list_kind is None and len(text) < 300
        )
        if is_heading:
            title = match.group(2).strip() if match else text
            objective = (block.heading > top) if block.heading and top and not match else depth >= 1
            if objective and result:
                result[-1].objectives.append((title, ""))
                current = None
                gathered = result[-1].objectives
                index = len(gathered) - 1
                current = [gathered[index][0]]
                current_target = ("objective", len(result) - 1, index)
            else:
                result.append(GoalRead(title, "", []))
                current = [title]
                current_target = ("goal", len(result) - 1, -1)
            continue
        if current is None or not result:
            result.append(GoalRead(text, "", []))
            current = [text]
            current_target = ("goal", len(result) - 1, -1)
            continue
        kind, goal_at, objective_at = current_target
        if kind == "goal":
            goal = result[goal_at]
            goal.description = f"{goal.description}\n\n{text}" if goal.description else text
        else:
            title, description = result[goal_at].objectives[objective_at]
            description = f"{description}\n\n{text}" if description else text
            result[goal_at].objectives[objective_at] = (title, description)
    return result
