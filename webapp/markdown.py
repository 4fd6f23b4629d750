"""Markdown for people's text (comments, section previews): rendered, then sanitised.

The studio's dialect and its cost limits are ``workflows.markup`` (shared with the DOCX
renderer): CommonMark with tables, raw HTML off, so ``<script>`` typed by a person stays
text, and a parse whose cost is linear in the text. nh3 then keeps only a small set of tags
and safe link schemes, as a second wall should the renderer ever let something through.
Links get ``rel="noopener nofollow ugc"``: the text is user-generated content.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markupsafe import Markup, escape

from workflows import markup

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "hr", "strong", "em", "s", "del", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href", "title"}, "ol": {"start"}}
#: Alignment of table columns as Bootstrap classes: the CSP forbids style attributes.
_ALIGN_CLASSES = {"left": "text-start", "center": "text-center", "right": "text-end"}
ALLOWED_CLASSES: dict[str, set[str]] = {
    "table": {"table", "table-sm"},
    "th": set(_ALIGN_CLASSES.values()),
    "td": set(_ALIGN_CLASSES.values()),
}
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener nofollow ugc"

_ALIGN = re.compile(r"text-align:\s*(left|center|right)")


def _bootstrap_tables(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "table_open":
            token.attrSet("class", "table table-sm")
        elif token.type in ("th_open", "td_open"):
            style = str(token.attrGet("style") or "")
            token.attrs.pop("style", None)
            if match := _ALIGN.search(style):
                token.attrSet("class", _ALIGN_CLASSES[match.group(1)])


def _image_as_text(self, tokens, idx, options, env) -> str:  # noqa: ANN001
    # No pictures from elsewhere in people's text (they would track readers): the alt text.
    return escapeHtml(self.renderInlineAsText(tokens[idx].children or [], options, env))


def _parser() -> MarkdownIt:
    md = markup.make_parser()
    md.core.ruler.push("bootstrap_tables", _bootstrap_tables)
    md.add_render_rule("image", _image_as_text)
    return md


_MD = _parser()


def render_markdown(text: str | None) -> Markup:
    """Safe HTML for ``text`` (Markdown): put it in a page as is."""
    tokens = markup.parse(_MD, text or "")
    if tokens is None:  # too dense or deep to parse cheaply: shown as typed, whole
        return _as_plain_text(text or "")
    html = _MD.renderer.render(tokens, _MD.options, {})
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        allowed_classes={k: set(v) for k, v in ALLOWED_CLASSES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return Markup(clean)  # noqa: S704  (sanitised by nh3 just above)


_BLANK_LINES = re.compile(r"\n[ \t]*\n")


def _as_plain_text(text: str) -> Markup:
    # Escaped once as a whole (one C call), then cut: tens of thousands of lines stay cheap.
    paragraphs = (p for p in _BLANK_LINES.split(str(escape(text))) if p.strip())
    html = "".join(f"<p>{p.strip(chr(10)).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return Markup(html)  # noqa: S704  (escaped just above)


def plain_text(text: str | None) -> str:
    """The text a reader of the rendered Markdown sees, blocks on their own lines.

    Used to check that a quoted passage (selected in the rendered preview, so without
    Markdown's marks) is really in a section.
    """
    tokens = markup.parse(_MD, text or "")
    if tokens is None:
        return text or ""
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline":
            _inline_text(token.children or [], parts)
            parts.append("\n")
        elif token.type in ("code_block", "fence"):
            parts.append(token.content)
            parts.append("\n")
    return "".join(parts)


def _inline_text(children: list, parts: list[str]) -> None:
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            _inline_text(child.children or [], parts)


_SPACES = re.compile(r"\s+")


def squash_spaces(text: str) -> str:
    """Runs of white space as one space: a browser's selection and the source differ there."""
    return _SPACES.sub(" ", text).strip()
