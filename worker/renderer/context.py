"""What every part of the renderer shares while one document is built.

Why: style ids are resolved once per document, hyperlink relationships are made once per
URL, and list numbering is allocated in one place; passing one small object around keeps
the hot paths free of look-ups by name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part

from worker.renderer.numbering import Numbering
from worker.renderer.values import Formats

# What a relationship target may hold (RFC 3986 characters); anything else stays text.
_URI = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
_SCHEMES = ("http://", "https://", "mailto:")
_MAX_URL = 2000


@dataclass(frozen=True)
class StyleIds:
    """Style ids of the template, looked up by name once."""

    headings: tuple[str, ...]  # index 1..9; index 0 unused
    title: str
    subtitle: str
    toc_heading: str
    toc: tuple[str, str]  # TOC 1, TOC 2: the entries of the contents
    list_paragraph: str
    quote: str
    code: str
    code_char: str
    hyperlink: str
    table: str
    table_text: str
    caption: str
    header: str
    footer: str

    def heading(self, level: int) -> str:
        return self.headings[max(1, min(level, 9))]


class Links:
    """External hyperlink relationships of the main document part, one per URL."""

    def __init__(self, part: Part) -> None:
        self._part = part
        self._ids: dict[str, str] = {}

    def rid(self, url: str) -> str | None:
        """The relationship id for ``url``, or None when it is not a safe web link."""
        rid = self._ids.get(url)
        if rid is not None:
            return rid
        if len(url) > _MAX_URL or not url.lower().startswith(_SCHEMES) or not _URI.fullmatch(url):
            return None
        # Own id prefix: python-docx numbers its own relationships rId1, rId2 …
        rid = f"rIdLink{len(self._ids) + 1}"
        self._part.rels.add_relationship(RT.HYPERLINK, url, rid, is_external=True)
        self._ids[url] = rid
        return rid


@dataclass
class Context:
    styles: StyleIds
    numbering: Numbering
    links: Links
    labels: Mapping[str, str]
    formats: Formats
    text_width: int  # twips, portrait
    landscape_width: int  # twips
    objective_numbers: dict[str, str] = field(default_factory=dict)
