"""Word-level differences of two Markdown texts, shown as the formatted text they make.

A reader of a strategy sees headings, lists, bold and tables, not asterisks and hashes;
a diff of the Markdown source would show the marks. So the two texts are compared word
by word (``workflows.diff.diff_text``), one combined source is written with the added
and removed runs between private-use marks, that source is rendered by the page's own
Markdown pipeline (passed in as ``render``: parse, then sanitise), and the marks in the
rendered HTML become ``<ins>``/``<del>`` around text only, never across a tag, so the
result is always well nested whatever the runs cut through.

Where a change is only of Markdown marks (``**`` taken away, ``#`` removed), the removed
marks are left out of the combined source: the text shows the new formatting. Block
markers at the start of a line (``- ``, ``1. ``, ``## ``, ``> ``) stay outside the marks,
so an added list item is still a list item.

Pure: no Flask, no database; the renderer is a parameter (the webapp gives
``webapp.markdown.render_markdown``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from workflows.diff import diff_text

INS_OPEN, INS_CLOSE, DEL_OPEN, DEL_CLOSE = "\ue000", "\ue001", "\ue002", "\ue003"
_MARKS = INS_OPEN + INS_CLOSE + DEL_OPEN + DEL_CLOSE
_STRIP_MARKS = str.maketrans("", "", _MARKS)
#: The marks as markdown-it writes them into a link's address (percent-encoded UTF-8).
_ENCODED_MARKS = re.compile(r"%EE%80%8[0-3]", re.IGNORECASE)
_BLOCK_PREFIX = re.compile(r"[ \t]*(?:(?:[-+*]|\d{1,9}[.)]|#{1,6}|>)[ \t]+)*")
_ONLY_MARKUP = re.compile(r"\s*[*_~`#>]+\s*")
_TAG = re.compile(r"(<[^>]*>)")
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|td|th|pre|blockquote|ul|ol|table)\s*>", re.IGNORECASE)

_LINK_DESTINATION = re.compile(r"\]\(([^()\s]*)")
_MARKED_DELETION = re.compile(DEL_OPEN + "[^" + DEL_CLOSE + "]*" + DEL_CLOSE)

Renderer = Callable[[str], str]


def _without_marks(text: str) -> str:
    return (text or "").translate(_STRIP_MARKS)


def marked_source(old: str, new: str) -> str:
    """One Markdown source holding both texts, the added and removed runs between marks."""
    out: list[str] = []
    line_start = True
    for op, text in diff_text(_without_marks(old), _without_marks(new)):
        if op == "equal":
            out.append(text)
            line_start = text.endswith("\n")
            continue
        if _ONLY_MARKUP.fullmatch(text):
            # Formatting marks added or taken away: the new formatting shows, unmarked.
            if op == "insert":
                out.append(text)
            continue
        opening, closing = (INS_OPEN, INS_CLOSE) if op == "insert" else (DEL_OPEN, DEL_CLOSE)
        for piece in re.split(r"(\n)", text):
            if piece == "\n":
                out.append(piece)
                line_start = True
                continue
            if not piece:
                continue
            prefix = _BLOCK_PREFIX.match(piece).group(0) if line_start else ""
            rest = piece[len(prefix) :]
            out.append(prefix)
            if rest.strip():
                out.append(f"{opening}{rest}{closing}")
            else:
                out.append(rest)
            line_start = False
    return _LINK_DESTINATION.sub(_plain_destination, "".join(out))


def _plain_destination(match: re.Match[str]) -> str:
    # An address is not prose: it is the new one, whole, and the link text shows the change.
    return "](" + _MARKED_DELETION.sub("", match.group(1)).translate(_STRIP_MARKS)


def _wrap(tag: str, text: str) -> str:
    if not text:
        return ""
    if tag == "" or not text.strip():
        return text
    return f"<{tag}>{text}</{tag}>"


def annotate(rendered: str) -> str:
    """The rendered combined source with its marks turned into <ins>/<del> around text."""
    parts: list[str] = []
    state = ""
    for chunk in _TAG.split(rendered):
        if not chunk:
            continue
        if chunk.startswith("<"):
            parts.append(_ENCODED_MARKS.sub("", chunk.translate(_STRIP_MARKS)))
            if _BLOCK_END.fullmatch(chunk):
                state = ""  # marks never cross a line, hence never a block
            continue
        buffer: list[str] = []
        for char in chunk:
            if char in _MARKS:
                parts.append(_wrap(state, "".join(buffer)))
                buffer = []
                state = {INS_OPEN: "ins", DEL_OPEN: "del"}.get(char, "")
            else:
                buffer.append(char)
        parts.append(_wrap(state, "".join(buffer)))
    return "".join(parts)


def formatted_diff(old: str, new: str, render: Renderer, context: int | None = None) -> str:
    """HTML of ``new`` as formatted text, with word-level <ins>/<del> of the changes from ``old``.

    ``render`` turns Markdown into safe HTML (its tags and text escaped and sanitised);
    only <ins> and </ins>, <del> and </del> are added to what it gives. With ``context``,
    only the changed blocks (paragraphs, lists, tables…) and that many blocks around each
    are kept; each run of blocks left out is one ``<p class="diff-gap">…</p>``.
    """
    html = annotate(str(render(marked_source(old or "", new or ""))))
    return html if context is None else around_changes(html, context)


_VOID = frozenset({"br", "hr", "img", "input", "wbr"})
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
GAP = '<p class="diff-gap">…</p>'


def blocks(html: str) -> list[str]:
    """The top-level elements of rendered HTML, in order (text between them dropped if blank)."""
    found: list[str] = []
    depth, start = 0, 0
    for match in _TAG_NAME.finditer(html):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _VOID or self_closing:
            if depth == 0:
                found.append(html[start : match.end()])
                start = match.end()
            continue
        if not closing:
            if depth == 0 and html[start : match.start()].strip():
                found.append(html[start : match.start()])
            if depth == 0:
                start = match.start()
            depth += 1
            continue
        depth = max(depth - 1, 0)
        if depth == 0:
            found.append(html[start : match.end()])
            start = match.end()
    if html[start:].strip():
        found.append(html[start:])
    return [block.strip("\n") for block in found if block.strip()]


def around_changes(html: str, context: int = 1) -> str:
    """Only the blocks holding a change and ``context`` blocks either side of each."""
    parts = blocks(html)
    changed = [i for i, block in enumerate(parts) if "<ins>" in block or "<del>" in block]
    keep = {j for i in changed for j in range(i - context, i + context + 1) if 0 <= j < len(parts)}
    out: list[str] = []
    for i, block in enumerate(parts):
        if i in keep:
            out.append(block)
        elif not out or out[-1] != GAP:
            out.append(GAP)
    return "\n".join(out)


def inline_diff(old: str, new: str) -> str:
    """Escaped plain text (a field of a structured item) with word-level <ins>/<del>."""
    parts = []
    for op, text in diff_text(old or "", new or ""):
        escaped = html.escape(text, quote=False)
        parts.append(_wrap({"insert": "ins", "delete": "del"}.get(op, ""), escaped))
    return "".join(parts)


def changed(old: str, new: str) -> bool:
    return any(op != "equal" for op, _text in diff_text(old or "", new or ""))
