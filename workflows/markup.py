"""The studio's one Markdown dialect, parsed at a cost linear in the length of the text.

Why a module of its own: the pages (section view, previews, quoted passages) and the DOCX
renderer all parse what people wrote, and each did it its own way, with its own limits.
One parser means one set of limits, checked once by ``bench/markdown.py``.

A parse costs about the same per token whatever the token, and markdown-it makes a token
(often several) for every line, table cell, quote mark and inline mark (emphasis, link brackets, code
spans, entities…). Prose has about one such unit per 40 characters; ``_a_a_a…``, a table
of 5,000 one-letter columns or 50,000 two-letter lines have one per one to three, and
cost 10 to 50 times as much per KB. So every source gets a **budget** of units, one per
``DENSITY`` characters plus ``FREE_UNITS`` (a table of a few hundred cells):

- lines and table cells are counted before parsing (a linear scan); a source that has
  more than its budget is not parsed at all and is shown as plain text, every character
  as typed (:func:`parse` answers ``None``);
- inline marks spend what is left, paragraph by paragraph (and cell by cell, heading by
  heading), link brackets more (their cost grows with the marks after them); a
  paragraph that would overdraw the budget keeps its text literal: shown as typed,
  never lost, never interpreted. The budget is the whole source's, not each
  paragraph's, so a thousand tiny dense cells cannot each spend an allowance.

Nesting is bounded as well: block quotes and lists deeper than any strategy needs are
flattened (quotes at 8 levels, indentation at 24 spaces) before parsing, and a source
still nested past the parser's limit (which would silently drop the rest of the text) is
also answered with ``None``. ``bench/markdown.py`` measures all of it.

Raw HTML is off: markdown-it hands it over as text. Tables and strikethrough (GFM) are on.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

#: markdown-it's block nesting limit (it recurses per level; 64 keeps the stack shallow).
MAX_NESTING = 64
#: Characters that may start an inline construct (line breaks are counted as lines).
MARKS = "*_~[]!`<&\\"
#: Units any source may spend, whatever its length: a table of 5 columns × 330 rows.
FREE_UNITS = 2000
#: Beyond the allowance, one unit per this many characters of the source. The demo
#: strategies' prose, bold names, lists and tables included, has one per about 40.
DENSITY = 32
#: markdown-it looks for the closing bracket of each ``[`` over the marks that follow it in
#: the paragraph, so a paragraph costs ``brackets × marks / BRACKET_SCAN`` units more.
BRACKET_SCAN = 16
#: The ``env`` key under which :func:`parse` hands the inline budget to the parser.
_BUDGET = "studio_mark_budget"

#: Extra units of a line that opens a list item or a heading.
OPENER_UNITS = 2
_OPENER = re.compile(r"^[ \t]*(?:[-+*]|\d{1,9}[.)]|#{1,6})(?=[ \t]|$)", re.MULTILINE)
_DEEP_QUOTES = re.compile(r"^((?:[ \t]*>){8})(?:[ \t]*>)+", re.MULTILINE)
_DEEP_INDENT = re.compile(r"^[ \t]{24,}", re.MULTILINE)


def count_marks(text: str) -> int:
    """How many characters of ``text`` may start an inline construct."""
    return sum(text.count(mark) for mark in MARKS)


def count_blocks(source: str) -> int:
    """Lines, table cells and quote marks of ``source``: what the block parser makes tokens of.

    A list item or a heading costs about three lines (an item, a paragraph in it, ends).
    """
    lines = source.count("\n") + source.count("|") + source.count(">")
    return lines + OPENER_UNITS * len(_OPENER.findall(source))


def budget(source: str) -> int:
    """How many units (lines, cells, inline marks) of ``source`` may be interpreted."""
    return FREE_UNITS + len(source) // DENSITY


def _bounded_inline(state: StateCore) -> None:
    # Replaces markdown-it's core "inline" rule: the same, but text past the budget stays literal.
    left = state.env.get(_BUDGET)
    if not isinstance(left, int):
        left = budget(state.src) - count_blocks(state.src)
    for token in state.tokens:
        if token.type != "inline":
            continue
        if token.children is None:
            token.children = []
        marks = count_marks(token.content)
        cost = marks + token.content.count("[") * marks // BRACKET_SCAN
        if cost <= left:
            left -= cost
            state.md.inline.parse(token.content, state.md, state.env, token.children)
        else:
            literal = Token("text", "", 0)
            literal.content = token.content
            token.children.append(literal)


def make_parser() -> MarkdownIt:
    """A parser of the studio's dialect. Each thread or process may keep its own."""
    md = MarkdownIt("commonmark", {"html": False, "maxNesting": MAX_NESTING}).enable(
        ["table", "strikethrough"]
    )
    md.core.ruler.at("inline", _bounded_inline)
    return md


def flatten(source: str) -> str:
    """Cap quote markers at 8 and indentation at 24 spaces (about 8 list levels)."""
    source = _DEEP_QUOTES.sub(r"\1", source.replace("\t", "    "))
    return _DEEP_INDENT.sub(" " * 24, source)


def _truncated(tokens: list[Token]) -> bool:
    # markdown-it silently drops the rest of a source nested past its limit.
    return any(t.level >= MAX_NESTING - 3 for t in tokens)


def parse(md: MarkdownIt, source: str) -> list[Token] | None:
    """The tokens of ``source``, or ``None`` when it is to be shown as plain text.

    ``None``: more lines and cells than the budget allows, or nested too deep to parse
    whole (parsing would then lose part of it).
    """
    left = budget(source) - count_blocks(source)
    if left < 0:
        return None
    tokens = md.parse(source, {_BUDGET: left})
    if _truncated(tokens):
        flat = flatten(source)
        tokens = md.parse(flat, {_BUDGET: budget(flat) - count_blocks(flat)})
        if _truncated(tokens):
            return None
    return tokens
