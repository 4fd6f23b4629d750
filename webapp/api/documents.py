"""Documents through the API: ask, poll, download (DOCX, and PDF where LibreOffice is)."""

from __future__ import annotations

from flask_babel import gettext as _

from webapp.access import cluster_for
from webapp.api.blueprint import ApiError, blp
from webapp.api.schemas import DocumentBody
from webapp.documents.http import document_json, docx_response, pdf_response
from webapp.documents.queries import document_for
from webapp.documents.service import ask_for_document


@blp.route("/clusters/<slug>/documents", methods=["POST"])
@blp.response(202, DocumentBody)
@blp.alt_response(200, schema=DocumentBody, description="Nothing changed since this version")
def post_document(slug: str):  # noqa: ANN201
    cluster, role = cluster_for(slug)
    asked = ask_for_document(cluster, role)
    status = 202 if asked.requested.created else 200
    return document_json(asked.requested.document, asked.enqueued), status


@blp.route("/documents/<int:document_id>", methods=["GET"])
@blp.response(200, DocumentBody)
def get_document(document_id: int) -> dict:
    document, _cluster, _role = document_for(document_id)
    return document_json(document)


@blp.route("/documents/<int:document_id>/file", methods=["GET"])
def get_document_file(document_id: int):  # noqa: ANN201
    document, _cluster, _role = document_for(document_id)
    if document.status != "done":
        raise ApiError(409, "not_ready", _("The document is not ready yet."))
    return docx_response(document)


@blp.route("/documents/<int:document_id>/pdf", methods=["GET"])
@blp.doc(
    summary="The version as PDF",
    responses={
        "200": {
            "description": "The PDF (tagged, with bookmarks), made by LibreOffice from the DOCX",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        },
        "404": {"description": "pdf_unavailable: no LibreOffice here; pdf_failed: it could not be made"},
        "409": {"description": "not_ready: the version (or its PDF) is still being made"},
    },
)
def get_document_pdf(document_id: int):  # noqa: ANN201
    document, _cluster, _role = document_for(document_id)
    if document.status != "done" or (document.pdf_status == "none" and document.step == "pdf"):
        raise ApiError(409, "not_ready", _("The document is not ready yet."))
    if document.pdf_status == "failed":
        raise ApiError(404, "pdf_failed", _("The PDF of this version could not be made."))
    if document.pdf_status != "ready":  # no LibreOffice, or a version made before PDFs were
        raise ApiError(404, "pdf_unavailable", _("PDF is not available on this installation."))
    return pdf_response(document)
