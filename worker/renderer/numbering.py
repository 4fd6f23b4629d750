"""List numbering definitions (``numbering.xml``) for Markdown and SWOT lists.

Why: Word lists are real only when paragraphs point at numbering definitions; typed
bullets do not renumber, indent or restyle. We add one bullet and one decimal abstract
definition of nine levels, share one bullet instance, and give each ordered list its own
instance with a start override, so every list restarts where Markdown says it starts.
"""

from __future__ import annotations

from lxml import etree

from worker.renderer.xml import VAL, Element, SubElement, w

#: Word supports levels 0-8; deeper Markdown nesting is drawn at the deepest level.
MAX_LEVEL = 8

_BULLETS = ("•", "◦", "▪")
_ORDERED = (("decimal", "%{n}."), ("lowerLetter", "%{n})"), ("lowerRoman", "%{n}."))
_STEP = 360  # twips of indent per level


class Numbering:
    """Allocates numbering instances in a numbering part's root element."""

    def __init__(self, root: Element) -> None:
        self._root = root
        abstract_ids = [int(a.get(w("abstractNumId"), "0")) for a in root.iter(w("abstractNum"))]
        num_ids = [int(n.get(w("numId"), "0")) for n in root.iter(w("num"))]
        next_abstract = max(abstract_ids, default=-1) + 1
        self._next_num = max(num_ids, default=0) + 1
        bullet = self._abstract(next_abstract, ordered=False)
        decimal = self._abstract(next_abstract + 1, ordered=True)
        # Abstract definitions must precede every <w:num> (schema order).
        first_num = root.find(w("num"))
        for abstract in (bullet, decimal):
            if first_num is None:
                root.append(abstract)
            else:
                first_num.addprevious(abstract)
        self._bullet_abstract = next_abstract
        self._decimal_abstract = next_abstract + 1
        self.bullet = self._num(self._bullet_abstract)

    def ordered(self, start: int = 1, level: int = 0) -> int:
        """A fresh decimal list instance that starts at ``start`` on ``level``."""
        return self._num(self._decimal_abstract, start=start, level=level)

    def _num(self, abstract_id: int, *, start: int | None = None, level: int = 0) -> int:
        num_id = self._next_num
        self._next_num += 1
        num = SubElement(self._root, w("num"), {w("numId"): str(num_id)})
        SubElement(num, w("abstractNumId"), {VAL: str(abstract_id)})
        if start is not None:
            override = SubElement(num, w("lvlOverride"), {w("ilvl"): str(level)})
            SubElement(override, w("startOverride"), {VAL: str(max(0, min(start, 32767)))})
        return num_id

    @staticmethod
    def _abstract(abstract_id: int, *, ordered: bool) -> Element:
        abstract = etree.Element(w("abstractNum"), {w("abstractNumId"): str(abstract_id)})
        SubElement(abstract, w("multiLevelType"), {VAL: "hybridMultilevel"})
        for level in range(MAX_LEVEL + 1):
            lvl = SubElement(abstract, w("lvl"), {w("ilvl"): str(level)})
            SubElement(lvl, w("start"), {VAL: "1"})
            if ordered:
                fmt, text = _ORDERED[level % len(_ORDERED)]
                SubElement(lvl, w("numFmt"), {VAL: fmt})
                SubElement(lvl, w("lvlText"), {VAL: text.format(n=level + 1)})
            else:
                SubElement(lvl, w("numFmt"), {VAL: "bullet"})
                SubElement(lvl, w("lvlText"), {VAL: _BULLETS[level % len(_BULLETS)]})
            SubElement(lvl, w("lvlJc"), {VAL: "left"})
            props = SubElement(lvl, w("pPr"))
            SubElement(props, w("ind"), {w("left"): str(_STEP * (level + 2)), w("hanging"): "360"})
        return abstract


def list_indent(level: int) -> int:
    """Left indent (twips) of text inside a list item at ``level``."""
    return _STEP * (min(level, MAX_LEVEL) + 2)
