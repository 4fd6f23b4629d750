"""Who sees, posts, resolves, edits and hides comments: pure functions over the role table.

The one place that decides whether a person sees a comment. Every query that lists or
counts comments selects only ``visible_visibilities(role)`` (webapp/comments/queries.py),
and notifications ask ``can_see_comment`` for each recipient, so a moderators-only note
reaches nobody else: not a page, the API, a count, a notification, an e-mail or a document.
"""

from __future__ import annotations

from datetime import timedelta

from workflows.roles import Permission, Role, can, can_view_cluster

#: Visibilities from the least to the most restricted (a reply may only move right).
VISIBILITIES: tuple[str, ...] = ("all", "moderators")
COMMENT_KINDS: tuple[str, ...] = ("remark", "suggestion", "objection")
OBJECTION = "objection"

MAX_BODY = 10_000
MAX_QUOTE = 2_000
MAX_REASON = 2_000

#: What each visibility asks of the reader, beyond seeing the cluster at all.
_NEEDS: dict[str, Permission | None] = {
    "all": None,
    "moderators": Permission.SEE_MODERATORS_ONLY,
}
#: What each visibility asks of the author, beyond the right to comment at all.
_POST_NEEDS: dict[str, Permission | None] = {
    "all": None,
    "moderators": Permission.COMMENT_MODERATORS_ONLY,
}


def can_see_comment(role: Role | str | None, visibility: str) -> bool:
    """May a person with ``role`` in the comment's cluster see a comment of ``visibility``?

    An unknown visibility is seen by nobody: a new kind of note stays hidden until it is
    given a rule here.
    """
    if not can_view_cluster(role) or visibility not in _NEEDS:
        return False
    needed = _NEEDS[visibility]
    return needed is None or can(role, needed)


def visible_visibilities(role: Role | str | None) -> tuple[str, ...]:
    """The visibilities a query for this role may select (empty: nothing at all)."""
    return tuple(v for v in VISIBILITIES if can_see_comment(role, v))


def visible_to_everyone() -> tuple[str, ...]:
    """Visibilities every role in a cluster sees: what an aggregate shown to anyone (a
    statistic, a blocking count) may include."""
    return tuple(v for v in VISIBILITIES if all(can_see_comment(r, v) for r in Role))


def blocking_visibilities() -> tuple[str, ...]:
    """Visibilities whose open objections block a stage: those every role sees. A
    moderators-only objection never blocks, or its existence would leak through the
    "1 open objection" a member is shown."""
    return visible_to_everyone()


def may_post(role: Role | str | None, visibility: str, kind: str) -> bool:
    """May ``role`` post a comment of this visibility and kind?"""
    if visibility not in _POST_NEEDS or kind not in COMMENT_KINDS:
        return False
    if not can(role, Permission.COMMENT):
        return False
    needed = _POST_NEEDS[visibility]
    return (needed is None or can(role, needed)) and can_see_comment(role, visibility)


def reply_visibility_allowed(parent_visibility: str, visibility: str) -> bool:
    """A reply keeps its parent's visibility or is stricter, never wider: a reply to an
    internal note must not carry it to people who could not see the note."""
    if parent_visibility not in VISIBILITIES or visibility not in VISIBILITIES:
        return False
    return VISIBILITIES.index(visibility) >= VISIBILITIES.index(parent_visibility)


def may_resolve(role: Role | str | None, is_author: bool) -> bool:
    """Resolve (or reopen) a thread or objection: its author, or whoever resolves any."""
    if can(role, Permission.RESOLVE_ANY_OBJECTION):
        return True
    return is_author and can(role, Permission.COMMENT)


def may_edit(is_author: bool, age: timedelta, window: timedelta) -> bool:
    """Only the author edits, and only for a short while after posting."""
    return is_author and timedelta(0) <= age <= window


def may_delete(is_author: bool) -> bool:
    """Only the author deletes a comment (moderators hide instead, with a reason)."""
    return is_author


def may_hide(role: Role | str | None) -> bool:
    return can(role, Permission.HIDE_COMMENT)


def blocks_stage(kind: str, visibility: str, resolved: bool, removed: bool) -> bool:
    """Does this comment hold its stage back from being submitted or approved?"""
    return kind == OBJECTION and visibility in blocking_visibilities() and not resolved and not removed
