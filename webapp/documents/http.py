"""Download answers: attachment, a safe file name (Polish letters kept, RFC 5987), no-store."""

from __future__ import annotations

import io

from flask import Response, send_file

from webapp.documents.queries import download_name
from webapp.downloads import content_disposition
from webapp.models import Document

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


def docx_response(document: Document) -> Response:
    return _attachment(document.data, DOCX, download_name(document), document.sha256)


def pdf_response(document: Document) -> Response:
    """The version's PDF (the caller checked ``pdf_status == "ready"``), named as its DOCX."""
    name = download_name(document).removesuffix(".docx") + ".pdf"
    return _attachment(document.pdf, PDF, name, f"{document.sha256}-pdf")


def _attachment(data: bytes, mimetype: str, name: str, etag: str | None) -> Response:
    """Both filename= (ASCII) and filename*=UTF-8'' (RFC 5987, the Polish letters)."""
    response = send_file(
        io.BytesIO(data),
        mimetype=mimetype,
        as_attachment=True,
        download_name=name,
        etag=etag,
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
        "pdf_status": document.pdf_status,
    }
