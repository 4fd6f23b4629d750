"""The Word round trip through the API: bring a DOCX back as proposals; compare two
versions as a DOCX with tracked changes (docs/api.md, "Word round trip").

The answers' schemas are here, beside their only routes.
"""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema, fields

from webapp.access import cluster_for
from webapp.api.blueprint import ApiError, blp
from webapp.api.people import refuse
from webapp.documents.compare import compare_response, versions_to_compare
from webapp.problems import Problem
from webapp.uploads import operations
from workflows.roles import Permission


class UploadProposal(Schema):
    id = fields.Integer(required=True)
    section = fields.String(required=True)


class UnmatchedPart(Schema):
    title = fields.String(metadata={"description": "the heading, or the section key"})
    text = fields.String(metadata={"description": "the beginning of its text"})
    reason = fields.String(
        metadata={
            "description": "unmatched, ignored, outside_sections, unknown_section, "
            "not_readable_as_<kind>, or why the proposal was refused"
        }
    )


class TrackedChanges(Schema):
    insertions = fields.Integer()
    deletions = fields.Integer()


class UploadResponse(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(metadata={"description": "studio (a version of this studio) or import"})
    status = fields.String(metadata={"description": "done, or pending (an import waiting for its mapping)"})
    proposals = fields.List(fields.Nested(UploadProposal), required=True)
    comments = fields.Integer(required=True, metadata={"description": "Word comments made comments"})
    unmatched = fields.List(fields.Nested(UnmatchedPart), required=True)
    tracked_changes = fields.Nested(
        TrackedChanges, metadata={"description": "tracked changes in the file, read as accepted"}
    )
    ignored = fields.List(fields.String(), metadata={"description": "external links, embedded objects"})
    unchanged = fields.List(
        fields.String(), metadata={"description": "sections the file leaves as they were"}
    )


@blp.route("/clusters/<slug>/uploads", methods=["POST"])
@blp.doc(
    summary="Bring a Word file back as proposals",
    requestBody={
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            }
        },
    },
    responses={
        "413": {"description": "too_large: over UPLOAD_MAX_BYTES"},
        "422": {"description": "bad_file_*: not a DOCX, damaged, a decompression bomb, macros, encrypted"},
    },
)
@blp.response(201, UploadResponse)
@blp.alt_response(200, schema=UploadResponse, description="The same file was brought before: nothing new")
def post_upload(slug: str):  # noqa: ANN201
    cluster, _role = cluster_for(slug, Permission.COMMENT)  # who may comment may propose
    sent = request.files.get("file")
    if sent is None:
        raise ApiError(422, "invalid", _("Choose a Word file (.docx) to upload."), field="file")
    try:
        outcome = operations.upload_file(
            cluster, current_user._get_current_object(), sent.filename, sent.read(), auto_import=True
        )
    except Problem as problem:
        raise refuse(problem) from None
    return operations.summary_json(outcome.upload), 201 if outcome.created else 200


@blp.route("/clusters/<slug>/documents/compare", methods=["GET"])
@blp.doc(
    summary="Two versions as one DOCX with Word tracked changes",
    parameters=[
        {"in": "query", "name": "from", "required": True, "schema": {"type": "integer"}},
        {"in": "query", "name": "to", "required": True, "schema": {"type": "integer"}},
    ],
    responses={
        "200": {
            "description": "The later version with the changes since the earlier as w:ins/w:del",
            "content": {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
                    "schema": {"type": "string", "format": "binary"}
                }
            },
        },
        "404": {"description": "a version that is not this cluster's, or not rendered"},
        "422": {"description": "from or to missing, or not an id"},
    },
)
def get_compare(slug: str):  # noqa: ANN201
    cluster, _role = cluster_for(slug)
    try:
        earlier, later = versions_to_compare(cluster, request.args.get("from"), request.args.get("to"))
    except Problem as problem:
        raise refuse(problem) from None
    return compare_response(cluster, earlier, later)
