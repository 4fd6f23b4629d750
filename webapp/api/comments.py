"""Comments of a section, and what their authors and moderators do with them."""

from __future__ import annotations

from flask import request, url_for
from flask_login import current_user
from marshmallow import EXCLUDE, Schema, fields, validate
from sqlalchemy import select

from webapp.access import cluster_for, role_in
from webapp.api.blueprint import ApiError, blp
from webapp.api.people import refuse
from webapp.api.schemas import Bounded, IdResponse, Strict
from webapp.comments import queries
from webapp.comments.operations import (
    NotAllowed,
    delete_comment,
    edit_comment,
    hide_comment,
    post_comment,
    posting_notes,
    reopen_comment,
    resolve_comment,
)
from webapp.comments.quotes import quote_in, section_text
from webapp.extensions import db
from webapp.models import Cluster, Comment, Section
from webapp.problems import Invalid
from workflows.roles import Permission


class CommentRequest(Strict):
    # Lengths, kinds and visibilities are checked by the operation, which names the field
    # and says what is wrong in the caller's language.
    body = fields.String(required=True)
    visibility = fields.String(load_default=None, allow_none=True)
    kind = fields.String(load_default=None, allow_none=True)
    parent_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    quote = fields.String(load_default="", allow_none=True)


class CommentCreated(Schema):
    id = fields.Integer()
    #: The kind posted: an objection from outside the member organisations is a remark.
    kind = fields.String()
    #: What the author should know (an objection posted as a remark, an @name that named no one).
    notes = fields.List(fields.String())


class EditRequest(Strict):
    body = fields.String(required=True)


class ResolveRequest(Strict):
    resolution = fields.String(load_default="", allow_none=True)


class HideRequest(Strict):
    reason = fields.String(required=True)


class CommentOut(Schema):
    id = fields.Integer()
    author = fields.String(allow_none=True)
    author_id = fields.Integer(allow_none=True)
    body = fields.String()
    visibility = fields.String()
    kind = fields.String()
    parent_id = fields.Integer(allow_none=True)
    quote = fields.String()
    quote_current = fields.Boolean()
    resolved = fields.Boolean()
    resolution = fields.String()
    created_at = fields.DateTime()
    edited_at = fields.DateTime(allow_none=True)
    deleted = fields.Boolean()
    hidden = fields.Boolean()


class CommentList(Schema):
    comments = fields.List(fields.Nested(CommentOut))


#: Comments one answer holds by default, and at most: a section may have thousands.
DEFAULT_LIMIT = 200
MAX_LIMIT = 500


class CommentQuery(Bounded):
    """Paging of the list, oldest first. A thread of up to 200 comments reads as before;
    a longer one in pages, the next one named by the `Link: <…>; rel="next"` header."""

    class Meta:
        unknown = EXCLUDE  # the list took no parameters before: others stay ignored

    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"Comments in the answer, 1-{MAX_LIMIT}."},
    )
    offset = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0),
        metadata={"description": "Comments to skip (new ones come last, so pages hold)."},
    )


_NEXT_PAGE = {
    "Link": {
        "description": 'The next page, `<URL>; rel="next"`, when there are more comments.',
        "schema": {"type": "string"},
    }
}


class CommentState(Schema):
    id = fields.Integer()
    resolved = fields.Boolean()


def _section(cluster: Cluster, key: str) -> Section:
    section = db.session.scalar(select(Section).where(Section.cluster_id == cluster.id, Section.key == key))
    if section is None:
        raise ApiError(404, "not_found")
    return section


def comment_dict(comment: Comment, text: str) -> dict:
    """A comment as the API shows it; a removed one keeps its place but not its text."""
    removed = comment.deleted_at is not None or comment.hidden_reason is not None
    return {
        "id": comment.id,
        "author": comment.author.name if comment.author else None,
        "author_id": comment.author_id,
        "body": "" if removed else comment.body,
        "visibility": comment.visibility,
        "kind": comment.kind,
        "parent_id": comment.parent_id,
        "quote": comment.quote,
        "quote_current": bool(comment.quote) and quote_in(comment.quote, text),
        "resolved": comment.resolved_at is not None,
        "resolution": comment.resolution,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "deleted": comment.deleted_at is not None,
        "hidden": comment.hidden_reason is not None,
    }


@blp.route("/clusters/<slug>/sections/<key>/comments", methods=["GET"])
@blp.arguments(CommentQuery, location="query")
@blp.response(200, CommentList, headers=_NEXT_PAGE)
def comment_list(query: dict, slug: str, key: str):  # noqa: ANN201 - body, status, headers
    """The section's comments the caller may see, oldest first, at most `limit` of them
    from `offset` on; a `Link` header names the next page when there is one."""
    cluster, role = cluster_for(slug)
    section = _section(cluster, key)
    text = section_text(section.kind, section.content)
    limit, offset = query["limit"], query["offset"]
    # One more than asked for: whether there is a next page, without counting them all.
    rows = queries.comments_for(section, role, offset=offset, limit=limit + 1)
    body = {"comments": [comment_dict(c, text) for c in rows[:limit]]}
    if len(rows) <= limit:
        return body
    args = {**request.view_args, "limit": limit, "offset": offset + limit}
    return body, 200, {"Link": f'<{url_for(request.endpoint, **args)}>; rel="next"'}


@blp.route("/clusters/<slug>/sections/<key>/comments", methods=["POST"])
@blp.arguments(CommentRequest)
@blp.response(201, CommentCreated)
def comment_create(body: dict, slug: str, key: str) -> dict:
    cluster, role = cluster_for(slug, Permission.COMMENT)
    section = _section(cluster, key)
    try:
        comment = post_comment(
            cluster,
            section,
            current_user._get_current_object(),
            role,
            body["body"],
            visibility=body["visibility"],
            kind=body["kind"],
            parent_id=body["parent_id"],
            quote=body["quote"] or "",
        )
    except Invalid as problem:
        raise refuse(problem) from None
    except NotAllowed as refused:
        raise ApiError(403, "forbidden", refused.message) from None
    return {"id": comment.id, "kind": comment.kind, "notes": posting_notes(cluster, body["kind"], comment)}


def _found(comment_id: int):  # noqa: ANN202
    """The comment with its cluster, section and the caller's role there; 404 for one that
    does not exist or that the caller may not see (the same answer)."""
    found = queries.comment_for(comment_id, current_user)
    if found is None:
        raise ApiError(404, "not_found")
    comment, cluster, section = found
    return comment, cluster, section, role_in(cluster, current_user)


def _run(verb, *args) -> None:  # noqa: ANN001
    try:
        verb(*args)
    except Invalid as problem:
        raise refuse(problem) from None
    except NotAllowed as refused:
        raise ApiError(403, "forbidden", refused.message) from None


@blp.route("/comments/<int:comment_id>/resolve", methods=["POST"])
@blp.arguments(ResolveRequest, required=False)
@blp.response(200, CommentState)
def comment_resolve(body: dict, comment_id: int) -> dict:
    comment, cluster, section, role = _found(comment_id)
    user = current_user._get_current_object()
    _run(resolve_comment, cluster, section, comment, user, role, (body or {}).get("resolution") or "")
    return {"id": comment_id, "resolved": True}


@blp.route("/comments/<int:comment_id>/reopen", methods=["POST"])
@blp.response(200, CommentState)
def comment_reopen(comment_id: int) -> dict:
    comment, cluster, section, role = _found(comment_id)
    _run(reopen_comment, cluster, section, comment, current_user._get_current_object(), role)
    return {"id": comment_id, "resolved": False}


@blp.route("/comments/<int:comment_id>", methods=["PATCH"])
@blp.arguments(EditRequest)
@blp.response(200, IdResponse)
def comment_edit(body: dict, comment_id: int) -> dict:
    comment, cluster, section, _role = _found(comment_id)
    _run(edit_comment, cluster, section, comment, current_user._get_current_object(), body["body"])
    return {"id": comment_id}


@blp.route("/comments/<int:comment_id>", methods=["DELETE"])
@blp.response(204)
def comment_delete(comment_id: int) -> None:
    comment, cluster, section, _role = _found(comment_id)
    _run(delete_comment, cluster, section, comment, current_user._get_current_object())


@blp.route("/comments/<int:comment_id>/hide", methods=["POST"])
@blp.arguments(HideRequest)
@blp.response(200, IdResponse)
def comment_hide(body: dict, comment_id: int) -> dict:
    comment, cluster, section, role = _found(comment_id)
    user = current_user._get_current_object()
    _run(hide_comment, cluster, section, comment, user, role, body["reason"])
    return {"id": comment_id}
