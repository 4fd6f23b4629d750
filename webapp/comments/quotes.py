"""Quoted passages: is a quote in a section's text (now, or still)?"""

from __future__ import annotations

from webapp.markdown import plain_text, squash_spaces


def _leaves(value: object, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int | float):
        out.append(str(value))
    elif isinstance(value, dict):
        for item in value.values():
            _leaves(item, out)
    elif isinstance(value, list | tuple):
        for item in value:
            _leaves(item, out)


def texts_of(content: object) -> list[str]:
    """Every text a structured section holds, in order."""
    out: list[str] = []
    _leaves(content, out)
    return out


def section_text(kind: str, content: object) -> str:
    """What a reader sees of a section, as one normalised string to search quotes in.

    A quote is selected in the rendered preview, so Markdown's marks are dropped; the
    source is searched too (a structured item may be shown as typed). The two are
    joined by NUL, which no accepted quote holds, so no match spans both.
    """
    parts: list[str] = []
    if kind == "text":
        parts.append(content if isinstance(content, str) else "")
    else:
        parts = texts_of(content)
    source = "\n".join(parts)
    rendered = "\n".join(plain_text(p) for p in parts)
    return squash_spaces(rendered) + "\x00" + squash_spaces(source)


def quote_in(quote: str, text: str) -> bool:
    """Is the (normalised) quote a passage of the (normalised) text?"""
    needle = squash_spaces(quote)
    return bool(needle) and needle in text
