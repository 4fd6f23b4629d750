"""What a proposal looks like on a page: its changes, word by word for text, by item and
field for structured kinds, against the section as it reads now."""

from __future__ import annotations

from markupsafe import Markup

from webapp.markdown import render_markdown
from webapp.models import Proposal, Section
from webapp.sections.editing import place_label
from webapp.sections.operations import revision_content
from workflows.diff import diff_structured
from workflows.merge import merge
from workflows.wordiff import formatted_diff, inline_diff

#: Unchanged paragraphs shown either side of a change in a proposal (the rest folded).
CONTEXT_BLOCKS = 1


def text_diff(old: object, new: object, context: int | None = None) -> Markup:
    """Formatted text with word-level <ins>/<del>: the markup is made by the Markdown
    pipeline (sanitised by nh3) and workflows.wordiff adds only <ins>/<del> tags (and,
    with `context`, its gap marks between the changed blocks it keeps)."""
    before, after = (v if isinstance(v, str) else "" for v in (old, new))
    html = formatted_diff(before, after, render_markdown, context=context)
    return Markup(html)  # noqa: S704  (rendered and sanitised by render_markdown)


def structured_changes(kind: str, old: object, new: object) -> list[dict]:
    """Item- and field-level changes; prose fields word by word, escaped."""
    changes = []
    for change in diff_structured(kind, old, new):
        words = None
        if isinstance(change.old, str) and isinstance(change.new, str) and " " in change.old + change.new:
            words = Markup(inline_diff(change.old, change.new))  # noqa: S704  (escaped by inline_diff)
        changes.append(
            {
                "label": place_label(kind, change.path, new, old),
                "op": change.op,
                "old": change.old,
                "new": change.new,
                "words": words,
                "order": isinstance(change.old, list) and isinstance(change.new, list),
            }
        )
    return changes


def changes_view(kind: str, old: object, new: object) -> dict:
    if kind == "text":
        return {"html": text_diff(old, new, context=CONTEXT_BLOCKS), "empty": old == new}
    changes = structured_changes(kind, old, new)
    return {"changes": changes, "empty": not changes}


def proposal_view(section: Section, proposal: Proposal) -> dict:
    """An open proposal against the current text (what accepting would change, merged with
    what was saved since its base); a closed one, or one that overlaps later changes,
    against its base."""
    base = revision_content(section, proposal.base_revision)
    if proposal.status == "open":
        if proposal.base_revision == section.revision:
            return {**changes_view(section.kind, section.content, proposal.content), "against": "current"}
        result = merge(section.kind, base, section.content, proposal.content)
        if not result.conflict:
            return {**changes_view(section.kind, section.content, result.content), "against": "current"}
        return {**changes_view(section.kind, base, proposal.content), "against": "base", "overlaps": True}
    return {**changes_view(section.kind, base, proposal.content), "against": "base"}
