"""The documents page: every version, generate a new one, watch its progress, download."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from webapp.access import cluster_for
from webapp.documents.http import docx_response, pdf_response
from webapp.documents.queries import changed_sections, document_for, versions
from webapp.documents.service import ask_for_document, may_ask_for_document
from webapp.documents.steps import STEP_LABELS
from webapp.publication.buttons import documents_page_context

bp = Blueprint("documents", __name__, url_prefix="/c/<slug>/documents")


class GenerateForm(FlaskForm):
    pass


def _upload_form() -> FlaskForm:
    from webapp.uploads.views import UploadForm  # the round trip's module imports this one

    return UploadForm()


@bp.get("/")
def index(slug: str):
    cluster, role = cluster_for(slug)
    rows = versions(cluster)
    changes = {
        doc.id: changed_sections(doc, rows[i + 1] if i + 1 < len(rows) else None)
        for i, doc in enumerate(rows)
    }
    return render_template(
        "documents/index.html",
        cluster=cluster,
        role=role,
        documents=rows,
        changes=changes,
        form=GenerateForm(),
        upload_form=_upload_form(),
        # the button only for those whose click would not be refused (403)
        may_generate=may_ask_for_document(cluster, role),
        STEP_LABELS=STEP_LABELS,
        **documents_page_context(cluster),
    )


@bp.post("/")
def generate(slug: str):
    cluster, role = cluster_for(slug)
    if not GenerateForm().validate_on_submit():
        abort(400)
    asked = ask_for_document(cluster, role)
    document = asked.requested.document
    if not asked.requested.created:
        flash(_("Nothing has changed since version %(v)s: here it is.", v=document.version), "info")
    # A version being made (or waiting for a busy service) gets no flash, which would outlive it: the
    # page's newest-version panel follows it until it is ready.
    return redirect(
        url_for(
            "documents.index",
            slug=slug,
            _anchor="latest" if asked.requested.created else f"v{document.version}",
        )
    )


@bp.get("/<int:document_id>/download")
def download(slug: str, document_id: int):
    document, cluster, _role = document_for(document_id)
    if cluster.slug != slug or document.status != "done":
        abort(404)
    return docx_response(document)


@bp.get("/<int:document_id>/pdf")
def download_pdf(slug: str, document_id: int):
    document, cluster, _role = document_for(document_id)
    if cluster.slug != slug or document.status != "done" or document.pdf_status != "ready":
        abort(404)
    return pdf_response(document)


# The Word round trip's pages (upload, import preview, compare) are routes of this blueprint.
from webapp.uploads import views as _round_trip  # noqa: E402, F401
