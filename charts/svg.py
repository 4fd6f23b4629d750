"""SVG without CSS: matplotlib's inline styles turned into presentation attributes.

Why: a chart served as its own document carries a Content-Security-Policy, and inline
`style="…"` attributes would need `style-src 'unsafe-inline'` (no hash can allow an
attribute). Every property matplotlib writes (fill, stroke…, font-…, text-anchor,
opacity) exists as an SVG presentation attribute with the same meaning, so the drawing
is unchanged while the policy forbids styles altogether.
"""

from __future__ import annotations

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


def _declarations(css: str) -> list[tuple[str, str]]:
    """`a: 1; b: 'x, y'` -> [("a", "1"), ("b", "'x, y'")] (no `;` occurs inside values)."""
    pairs = []
    for part in css.split(";"):
        name, sep, value = part.partition(":")
        if sep and name.strip():
            pairs.append((name.strip(), value.strip()))
    return pairs


def without_styles(svg: bytes) -> bytes:
    """The same picture, with no `style` attribute and no `<style>` element left."""
    root = etree.fromstring(svg, _PARSER)
    for style in root.iter(f"{{{SVG_NS}}}style"):
        # matplotlib's only sheet is `*{…}` for the line joins and caps: the same values
        # on the root are inherited by every element that does not set its own.
        _selector, _brace, body = (style.text or "").partition("{")
        for name, value in _declarations(body.rstrip("} \n")):
            root.set(name, value)
        style.getparent().remove(style)
    for element in root.iter("*"):
        css = element.attrib.pop("style", None)
        if css is not None:
            for name, value in _declarations(css):
                element.set(name, value)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")
