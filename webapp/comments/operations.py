"""Verbs of comments: post, edit, delete, hide, resolve, reopen.

Each checks its input and the person's right (workflows.visibility), changes the rows,
writes the audit event and the notifications in the same transaction, and flushes; the
request commits once. Bad input raises ``Invalid`` (422) and a refusal ``NotAllowed``
(403) before anything is written. Comments are found only through webapp.comments.queries.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, url_for
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from webapp import events
from webapp.comments import queries
from webapp.comments.quotes import quote_in, section_text
from webapp.extensions import db
from webapp.models import Cluster, Comment, Section, User
from webapp.models.base import utcnow
from webapp.problems import Invalid, checked_text
from workflows.mentions import Mentions, Named, objection_kind, resolve
from workflows.roles import Role
from workflows.visibility import (
    COMMENT_KINDS,
    MAX_BODY,
    MAX_QUOTE,
    MAX_REASON,
    VISIBILITIES,
    may_delete,
    may_edit,
    may_hide,
    may_post,
    may_resolve,
    reply_visibility_allowed,
)

DEFAULT_EDIT_WINDOW = timedelta(minutes=15)


class NotAllowed(Exception):
    """The person may not do this (403). ``message`` is in their language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def edit_window() -> timedelta:
    return current_app.config.get("COMMENT_EDIT_WINDOW", DEFAULT_EDIT_WINDOW)


def check_body(body: object) -> str:
    return checked_text("body", body, MAX_BODY, required=True)


def check_reason(field: str, reason: object, required: bool = False) -> str:
    return checked_text(field, reason, MAX_REASON, required=required)


def comment_link(cluster_slug: str, section_key: str, comment_id: int | None = None) -> str:
    """The section page, at the comment (the path when that page is not there).

    ``?comment=ID`` makes the page open the page of comments holding it (they are paged:
    webapp.comments.paging), wherever later comments have moved it since.
    """
    anchor = f"comment-{comment_id}" if comment_id else "comments"
    query = {"comment": comment_id} if comment_id else {}
    for endpoint in ("sections.view", "comments.page"):
        try:
            return url_for(endpoint, slug=cluster_slug, key=section_key, _anchor=anchor, **query)
        except (BuildError, RuntimeError):
            continue
    suffix = f"?comment={comment_id}" if comment_id else ""
    return f"/c/{cluster_slug}/s/{section_key}{suffix}#{anchor}"


def mentioned(body: str, people: list[queries.Person]) -> list[queries.Person]:
    """The cluster people the body names: ``@Full Name``, or an ``@word`` that fits exactly
    one of them (workflows.mentions)."""
    by_id = {p.id: p for p in people}
    return [by_id[i] for i in mention_report(body, people).ids]


def mention_report(body: str, people: list[queries.Person]) -> Mentions:
    """Who is named, and the hand-typed ``@word``s that fit no one or several people."""
    return resolve(body, [Named(p.id, p.name) for p in people])


def posting_notes(cluster: Cluster, requested_kind: str | None, comment: Comment) -> list[str]:
    """What the author should know about a comment just posted: an objection posted as a
    remark, an ``@name`` that named no one (or could be several people)."""
    notes = []
    if requested_kind == "objection" and comment.kind != "objection":
        notes.append(
            _(
                "Posted as a remark: only people of the cluster's member organisations raise "
                "objections that hold a stage back."
            )
        )
    report = mention_report(comment.body, queries.cluster_people(cluster))
    for word in report.unknown:
        notes.append(_("No one in this cluster is called @%(name)s, so no one was told.", name=word))
    for word, names in report.ambiguous:
        notes.append(
            _(
                "@%(name)s could be any of: %(people)s. No one was told: choose the person from the list.",
                name=word,
                people=", ".join(names),
            )
        )
    return notes


def post_comment(
    cluster: Cluster,
    section: Section,
    author: User,
    role: Role | str | None,
    body: object,
    visibility: str | None = None,
    kind: str | None = None,
    parent_id: int | None = None,
    quote: object = "",
) -> Comment:
    """A new comment or reply. A reply keeps its parent's visibility unless a stricter one
    is asked for; a quote must be a passage of the section as it reads now."""
    if section.cluster_id != cluster.id:
        raise ValueError("section of another cluster")
    text = check_body(body)
    quote_text = checked_text("quote", quote, MAX_QUOTE, required=False)
    kind = kind or "remark"
    if kind not in COMMENT_KINDS:
        raise Invalid("kind", _("Choose the kind: remark, suggestion or objection."))
    # Only a member organisation's person holds a stage back; anyone else's is a remark.
    kind = objection_kind(role, kind)
    if visibility is not None and visibility not in VISIBILITIES:
        raise Invalid("visibility", _("Choose who sees it: everyone, or moderators only."))
    parent = None
    if parent_id is not None:
        parent = queries.comment_in_section(section, parent_id, role)
        if parent is None:
            # Another section's, another cluster's, one the person may not see, or none:
            # all the same answer, so nothing is learnt about comments one cannot see.
            raise Invalid("parent_id", _("The comment you reply to is not on this section."))
    visibility = visibility or (parent.visibility if parent is not None else "all")
    if not may_post(role, visibility, kind):
        raise NotAllowed(_("You may not post this kind of comment here."))
    if parent is not None and not reply_visibility_allowed(parent.visibility, visibility):
        raise Invalid("visibility", _("A reply to a moderators-only note stays moderators-only."))
    if quote_text and not quote_in(quote_text, section_text(section.kind, section.content)):
        raise Invalid("quote", _("The quoted passage is not in the section (any more)."))
    comment = Comment(
        cluster_id=cluster.id,
        section_id=section.id,
        parent_id=parent.id if parent is not None else None,
        author_id=author.id,
        body=text,
        quote=quote_text,
        visibility=visibility,
        kind=kind,
        created_at=utcnow(),
    )
    db.session.add(comment)
    db.session.flush()
    events.emit(
        "comment.post",
        cluster,
        subject=f"{section.key}#{comment.id}",
        actor=author,
        visibility=visibility,
        kind=kind,
        parent_id=comment.parent_id,
        context={"section": section, "comment": comment, "parent": parent},
    )
    return comment


def _removed(comment: Comment) -> bool:
    return comment.deleted_at is not None or comment.hidden_reason is not None


def edit_comment(cluster: Cluster, section: Section, comment: Comment, user: User, body: object) -> Comment:
    """The author rewrites their comment within the edit window; newly named people are told."""
    if _removed(comment):
        raise NotAllowed(_("This comment was removed."))
    age = utcnow() - comment.created_at
    if not may_edit(comment.author_id == user.id, age, edit_window()):
        raise NotAllowed(_("Only its author may edit a comment, and only for a short while."))
    text = check_body(body)
    if text == comment.body:
        return comment
    previous_body = comment.body
    comment.body = text
    comment.edited_at = utcnow()
    events.emit(
        "comment.edit",
        cluster,
        subject=f"{section.key}#{comment.id}",
        actor=user,
        context={"section": section, "comment": comment, "previous_body": previous_body},
    )
    db.session.flush()
    return comment


def delete_comment(cluster: Cluster, section: Section, comment: Comment, user: User) -> None:
    """The author takes their comment back: its text goes, "comment removed" stays."""
    if not may_delete(comment.author_id == user.id):
        raise NotAllowed(_("Only its author may delete a comment."))
    if comment.deleted_at is not None:
        return
    comment.body = ""
    comment.deleted_at = utcnow()
    events.emit("comment.delete", cluster, subject=f"{section.key}#{comment.id}", actor=user)
    db.session.flush()


def hide_comment(
    cluster: Cluster,
    section: Section,
    comment: Comment,
    user: User,
    role: Role | str | None,
    reason: object,
) -> None:
    """A moderator hides an abusive comment; the reason goes to the audit trail."""
    if not may_hide(role):
        raise NotAllowed(_("Only moderators hide comments."))
    text = check_reason("reason", reason, required=True)
    if comment.hidden_reason is not None:
        return
    comment.hidden_reason = text
    events.emit("comment.hide", cluster, subject=f"{section.key}#{comment.id}", reason=text, actor=user)
    db.session.flush()


def resolve_comment(
    cluster: Cluster,
    section: Section,
    comment: Comment,
    user: User,
    role: Role | str | None,
    resolution: object = "",
) -> bool:
    """Close a thread or an objection, with an optional closing word. Resolving what is
    resolved changes nothing (returns False)."""
    if not may_resolve(role, comment.author_id == user.id):
        raise NotAllowed(_("Only a moderator or the comment's author may resolve it."))
    text = check_reason("resolution", resolution)
    if comment.resolved_at is not None:
        return False
    comment.resolved_at = utcnow()
    comment.resolved_by_id = user.id
    comment.resolution = text
    events.emit(
        "comment.resolve",
        cluster,
        subject=f"{section.key}#{comment.id}",
        reason=text,
        actor=user,
        kind=comment.kind,
    )
    db.session.flush()
    return True


def reopen_comment(
    cluster: Cluster, section: Section, comment: Comment, user: User, role: Role | str | None
) -> bool:
    """Open a resolved thread again (an objection blocks its stage again)."""
    if not may_resolve(role, comment.author_id == user.id):
        raise NotAllowed(_("Only a moderator or the comment's author may reopen it."))
    if comment.resolved_at is None:
        return False
    comment.resolved_at = None
    comment.resolved_by_id = None
    comment.resolution = ""
    events.emit(
        "comment.reopen",
        cluster,
        subject=f"{section.key}#{comment.id}",
        actor=user,
        kind=comment.kind,
    )
    db.session.flush()
    return True
