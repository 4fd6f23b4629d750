"""Markdown that costs markdown-it many tokens per character, and ordinary text to compare.

Shared by ``tests/workflows/test_markup.py`` (which counts the work each input makes) and
``bench/markdown.py`` (which times it). Every known expensive shape appears twice: as typed
(dense: over the budget, so kept as literal text) and diluted to just inside the budget of
``workflows.markup`` (the most work an author can make the parser do per character).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

from workflows import markup

DEMO = Path(__file__).resolve().parent.parent / "webapp" / "demo" / "strategies"


#: Shapes that cost markdown-it more per character than prose: (name, repeated unit).
DENSE: tuple[tuple[str, str], ...] = (
    ("emphasis _", "_a"),
    ("emphasis *", "*a"),
    ("strike ~~", "~~a"),
    ("open links [", "[a"),
    ("links [a](", "[a]("),
    ("images ![[", "![["),
    ("backtick runs", "`a``"),
    ("entities &#", "&#"),
    ("autolinks <a", "<a"),
    ("escapes \\*", "\\*"),
    ("line breaks", "a\n"),
    ("table rows", "|a|b|\n"),
    ("list items", "- a\n"),
    ("numbered items", "1. a\n"),
    ("paragraphs", "a\n\n"),
    ("headings", "# a\n"),
    ("underlined headings", "a\n-\n"),
    ("rules", "***\n"),
    ("fences", "```\na\n```\n"),
    ("indented code", "    a\n\n"),
    ("link definitions", "[a]: b\n"),
    ("table rows *a*", "|*a*|*b*|\n"),
    ("paragraphs of 48 links", "[a](b) " * 48 + "\n\n"),
    ("paragraphs of 48 brackets", "[a" * 48 + "\n\n"),
)
#: Block shapes: (name, source of any length, cut later).
BLOCKS: tuple[tuple[str, Callable[[int], str]], ...] = (
    ("deep quotes", lambda n: ">" * n),
    ("deep quotes, lines", lambda n: "".join(">" * i + " a\n" for i in range(1, 400)) * 8),
    ("deep lists", lambda n: "".join("  " * i + "- a\n" for i in range(400)) * 2),
    ("list markers, one line", lambda n: "- " * (n // 2)),
    ("table, 5,000 columns", lambda n: "|" + "a|" * 5000 + "\n|" + "-|" * 5000 + "\n" + "|b" * 5000),
    ("table cells _a_a", lambda n: "|h|\n|-|\n" + "|_a_a_a_a_a_a_a|\n" * (n // 17)),
    ("list items *a*", lambda n: "- *a* *b* *c* **d**\n" * (n // 20)),
)


def table_text(size: int) -> str:
    """A real table (an action plan typed as Markdown): dense in cells by nature."""
    head = "| Działanie | Właściciel | Budżet | Termin |\n|---|---|---:|---|\n"
    return head + "| Wspólne stoisko targowe | Fundacja Rozwoju | 120 000 zł | 2015-06 |\n" * (size // 60)


def ordinary_text() -> str:
    """The demo strategies' text sections, one after another: real, formatted prose."""
    parts = []
    for path in sorted(DEMO.glob("*.yaml")):
        for value in yaml.safe_load(path.read_text(encoding="utf-8")).values():
            if isinstance(value, str):
                parts.append(value)
    return "\n\n".join(parts)


def fit(source: str, size: int) -> str:
    """``source`` repeated and cut to ``size`` characters."""
    return (source * (size // max(len(source), 1) + 1))[:size]


def diluted(unit: str, size: int) -> str:
    """``unit`` repeated with filler, spending the whole budget of a ``size``-long source."""
    units = max(markup.count_marks(unit) + markup.count_blocks(unit), 1)
    repeats = max(markup.budget("x" * size) // units, 1)
    filler = max(-(-size // repeats) - len(unit), 0)  # ceiling: never one repeat too many
    return fit(unit + "x" * filler, size)


def corpus(size: int) -> list[tuple[str, str]]:
    """(name, source) pairs of ``size`` characters (the small table excepted); ordinary first."""
    cases = [
        ("ordinary (demo strategies)", fit(ordinary_text(), size)),
        ("a real table, 15 KB", table_text(15_000)[:15_000]),
        ("a real table, 100 KB", table_text(size)[:size]),
    ]
    for name, unit in DENSE:
        cases.append((f"{name} (dense)", fit(unit, size)))
        cases.append((f"{name} (at budget)", diluted(unit, size)))
    for name, make in BLOCKS:
        cases.append((name, fit(make(size), size)))
    return cases
