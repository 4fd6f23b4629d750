"""Download answers: attachment, a safe file name (Polish letters kept, RFC 5987), no-store."""

from __future__ import annotations

import io

from flask import Response, send_file

from webapp.documents.queries import download_name
from webapp.downloads import content_disposition
from webapp.models import Document

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_response(document: Document) -> Response:
    """Both filename= (ASCII) and filename*=UTF-8'' (RFC 5987, the Polish letters)."""
    name = download_name(document)
    response = send_file(
        io.BytesIO(document.data),
        mimetype=DOCX,
        as_attachment=True,
        download_name=name,
        etag=document.sha256,
        max_age=0,
    )
    # Our own header: send_file's ASCII fallback drops letters without a decomposition ("ł").
    response.headers["Content-Disposition"] = content_disposition(name)
    response.headers["Cache-Control"] = "no-store"
    return response


def document_json(document: Document, enqueued: bool = True) -> dict:
    return {
        "id": document.id,
        "version": document.version,
        "status": document.status,
        "progress": 100 if document.status == "done" else document.progress,
        "step": document.step,
        "final": document.final,
        "sha256": document.sha256,
        "size": document.size,
        "error": document.error,
        "queued_for_later": not enqueued,
    }
