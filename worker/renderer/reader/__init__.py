"""The DOCX reader: a Word file in, section content out — the renderer's inverse.

Pure like the renderer (no Flask, no database): bytes in, plain data out.

- ``package.py``: the file checked before anything is read (zip sizes and ratio, macros,
  encryption, safe XML); refusals are ``UnreadableFile`` with a code.
- ``blocks.py``: the body as paragraphs and tables, tracked changes read as accepted,
  comments with the text they quote, the section markers (``markers.py``).
- ``content.py``: blocks → Markdown, the SWOT grid, table rows, goals.
- here: blocks grouped into sections, by the studio's markers (``marked_sections``) or, for
  a file the studio did not make, by headings matched to section titles (``parts``,
  ``match_title``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from worker.renderer.reader.blocks import Block, Comment, Para, ReadDocument, Table, read_blocks
from worker.renderer.reader.package import Limits, UnreadableFile, open_package

__all__ = [
    "Block",
    "Comment",
    "Limits",
    "Para",
    "Part",
    "ReadDocument",
    "SectionRead",
    "Table",
    "UnreadableFile",
    "marked_sections",
    "match_title",
    "open_package",
    "parts",
    "read_blocks",
    "section_of_block",
]

_NUMBERING = re.compile(
    r"^\s*(?:(?:rozdział|chapter|część|part)\s+)?(?:[0-9ivxlc]+[.)]?)(?:\s*[0-9]+[.)]?)*\s+", re.I
)


@dataclass
class SectionRead:
    key: str
    revision: int
    start: int  # first content block
    end: int  # one past the last
    blocks: list[Block]


def marked_sections(doc: ReadDocument) -> dict[str, SectionRead]:
    """Each marked section's content blocks (the first marker of a key wins)."""
    found: dict[str, SectionRead] = {}
    for marker in doc.markers:
        if marker.key in found:
            continue
        start, end = doc.section_blocks(marker)
        found[marker.key] = SectionRead(marker.key, marker.revision, start, end, doc.blocks[start:end])
    return found


def section_of_block(sections: Mapping[str, SectionRead], index: int) -> str | None:
    """The section whose content (or heading) holds block ``index``."""
    for key, section in sections.items():
        if section.start - 1 <= index < section.end:
            return key
    return None


@dataclass
class Part:
    """A stretch of a file the studio did not make: a heading and what follows it."""

    title: str  # the heading's text ("" before the first heading)
    level: int
    start: int
    end: int
    blocks: list[Block]

    def preview(self, limit: int = 300) -> str:
        texts = []
        for block in self.blocks:
            texts.append(
                block.text if isinstance(block, Para) else " | ".join(" ".join(c) for c in block.texts()[:3])
            )
            if sum(map(len, texts)) > limit:
                break
        text = " ".join(" ".join(texts).split())
        return text[:limit] + ("…" if len(text) > limit else "")


def parts(doc: ReadDocument, titles: Sequence[str] = (), max_level: int = 3) -> list[Part]:
    """The file cut at its headings (levels up to ``max_level``).

    A heading that matches one of ``titles`` owns everything down to the next heading of
    its level or above, so "2.1 Mocne strony" under a matched "2. Analiza SWOT" stays
    inside it; unmatched headings cut at every level.
    """
    cuts: list[tuple[int, int, str]] = []  # (block, level, title)
    for index, block in enumerate(doc.blocks):
        level = block.heading if isinstance(block, Para) else 0
        if 0 < level <= max_level and block.text.strip():
            cuts.append((index, level, " ".join(block.text.split())))
    result: list[Part] = []
    first = cuts[0][0] if cuts else len(doc.blocks)
    if any(_has_text(b) for b in doc.blocks[:first]):
        result.append(Part("", 0, 0, first, doc.blocks[:first]))
    skip_until = -1
    for number, (index, level, title) in enumerate(cuts):
        if index < skip_until:
            continue
        matched = bool(titles) and match_title(title, {t: [t] for t in titles}) is not None
        end = len(doc.blocks)
        for later, later_level, _ in cuts[number + 1 :]:
            if later_level <= level or not matched:
                end = later
                break
        skip_until = end if matched else -1
        result.append(Part(title, level, index + 1, end, doc.blocks[index + 1 : end]))
    return result


def _has_text(block: Block) -> bool:
    return bool(block.text.strip()) if isinstance(block, Para) else any(any(r) for r in block.texts())


def fold_title(text: str) -> str:
    """A heading compared: numbering ("1.2.", "II.", "Rozdział 3") and case and accents
    of spacing ignored (Polish letters are kept: "Szanse" is not "Szańse")."""
    text = unicodedata.normalize("NFC", text).replace("\u2011", "-")
    text = _NUMBERING.sub("", text.strip())
    text = re.sub(r"[^\w]+", " ", text.casefold())
    return " ".join(text.split())


def match_title(heading: str, titles: Mapping[str, Sequence[str]]) -> str | None:
    """The key whose title (any language) is the heading's, numbering and case aside."""
    folded = fold_title(heading)
    if not folded:
        return None
    for key, names in titles.items():
        if any(fold_title(name) == folded for name in names if name):
            return key
    return None
