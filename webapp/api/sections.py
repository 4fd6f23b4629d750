"""Sections through the API: read with an ETag, save with a base revision (or If-Match)."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from webapp.access import cluster_for
from webapp.api.blueprint import ApiError, blp
from webapp.api.schemas import RevisionList, RevisionQuery, SaveResponse, SectionBody, SectionSave
from webapp.extensions import db
from webapp.inputs import ANY_REVISION, if_match_revisions
from webapp.models import Section
from webapp.sections.messages import content_error_message, read_only_message
from webapp.sections.operations import SaveConflict, StaleBase, save_section
from webapp.sections.queries import revisions, section_of
from workflows.content import ContentError
from workflows.editing import ROLE_FORBIDDEN, edit_refusal


def _base_revision(section: Section, base: int | None) -> int:
    """The revision the save is based on, from base_revision and If-Match. A precondition
    that is given must hold: If-Match must name the current revision (412 otherwise), and
    a base_revision sent with it must be one it names."""
    named = if_match_revisions(request.headers.get("If-Match"))
    if named is None or named == ANY_REVISION:
        if base is None:
            raise ApiError(
                428,
                "base_revision_required",
                _("Say which revision you edited: base_revision or If-Match."),
            )
        return base
    if section.revision not in named:
        raise ApiError(
            412,
            "precondition_failed",
            _("The section has changed since you read it."),
            revision=section.revision,
        )
    if base is not None and base not in named:
        raise ApiError(
            412,
            "precondition_failed",
            _("base_revision and If-Match name different revisions."),
            revision=section.revision,
        )
    return section.revision if base is None else base


@blp.route("/clusters/<slug>/sections/<key>", methods=["GET"])
@blp.response(200, SectionBody)
def get_section(slug: str, key: str):  # noqa: ANN201
    cluster, _role = cluster_for(slug)
    section, _stage = section_of(cluster, key)
    body = {
        "key": section.key,
        "kind": section.kind,
        "content": section.content,
        "revision": section.revision,
    }
    return body, 200, {"ETag": f'"{section.revision}"'}


@blp.route("/clusters/<slug>/sections/<key>", methods=["PUT"])
@blp.arguments(SectionSave)
@blp.response(200, SaveResponse)
def put_section(body: dict, slug: str, key: str):  # noqa: ANN201
    cluster, role = cluster_for(slug)
    section, stage = section_of(cluster, key)
    refusal = edit_refusal(role, stage.state)
    if refusal:
        raise ApiError(403 if refusal == ROLE_FORBIDDEN else 409, refusal, read_only_message(refusal))
    base = _base_revision(section, body.get("base_revision"))
    try:
        result = save_section(section, body["content"], base, current_user)
    except ContentError as error:
        raise ApiError(
            422, "invalid_content", content_error_message(error), error_extra={"field": error.field}
        ) from None
    except StaleBase as stale:
        raise ApiError(
            409,
            "unknown_base",
            _("Revision %(n)s does not exist.", n=base),
            revision=stale.revision,
        ) from None
    except SaveConflict as conflict:
        db.session.rollback()
        raise ApiError(
            409,
            "conflict",
            _("Your changes overlap with changes saved meanwhile."),
            base=conflict.base,
            theirs=conflict.theirs,
            yours=conflict.yours,
            revision=conflict.revision,
            conflicts=[c.path for c in conflict.conflicts],
        ) from None
    return (
        {
            "revision": result.revision,
            "merged": result.merged,
            "merged_with": result.merged_authors,
        },
        200,
        {"ETag": f'"{result.revision}"'},
    )


@blp.route("/clusters/<slug>/sections/<key>/revisions", methods=["GET"])
@blp.arguments(RevisionQuery, location="query")
@blp.response(200, RevisionList)
def get_revisions(query: dict, slug: str, key: str) -> dict:
    cluster, _role = cluster_for(slug)
    section, _stage = section_of(cluster, key)
    rows = revisions(section, before=query.get("before"))
    return {
        "revisions": [
            {
                "revision": r.number,
                "author": r.author.name if r.author else None,
                "created_at": r.created_at,
                "merged": r.merged,
                "change_size": r.change_size,
            }
            for r in rows
        ]
    }
