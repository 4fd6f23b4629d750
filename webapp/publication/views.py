"""The public pages of published strategies (/p/, no sign-in) and the agency's buttons.

The public pages read only what is published (webapp.publication.queries): an unknown,
unpublished or withdrawn slug is the same 404, so they never tell whether a cluster
exists. They carry no form of their own; the publish and withdraw buttons live on the
documents page, for the agency, with CSRF like every other form.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from webapp.access import cluster_for, require_platform_right
from webapp.documents.http import docx_response, pdf_response
from webapp.documents.views import index as documents_page
from webapp.extensions import db
from webapp.form_flow import flash_redirect, handle_form
from webapp.models import Document
from webapp.publication import operations
from webapp.publication.buttons import PublishForm
from webapp.publication.page import contents
from webapp.publication.queries import PublishedStrategy, published_strategies, published_strategy
from workflows.roles import PlatformRight

bp = Blueprint("publication", __name__)


# --- the public pages ---------------------------------------------------------------------


def _published(slug: str) -> PublishedStrategy:
    found = published_strategy(slug)
    if found is None:
        abort(404)
    return found


def pdf_ready(document: Document) -> bool:
    """The version's PDF was made by the worker (where LibreOffice is installed)."""
    return document.pdf_status == "ready"


@bp.get("/p/")
def index() -> str:
    return render_template("public/index.html", strategies=published_strategies())


@bp.get("/p/<slug>")
def strategy(slug: str) -> str:
    found = _published(slug)
    snapshot = found.document.snapshot if isinstance(found.document.snapshot, dict) else {}
    language = snapshot.get("language") if snapshot.get("language") in ("pl", "en") else "pl"
    # The strategy in its own language (headings, table headers, dates, amounts), the
    # page around it in the reader's.
    with force_locale(language):
        article = render_template("public/_strategy.html", snapshot=snapshot, entries=contents(snapshot))
    return render_template(
        "public/strategy.html",
        found=found,
        snapshot=snapshot,
        language=language,
        article=Markup(article),  # noqa: S704  (a template of ours, escaped by Jinja)
        pdf=pdf_ready(found.document),
    )


@bp.get("/p/<slug>/strategia.docx")
def docx(slug: str) -> Response:
    return docx_response(_published(slug).document)


@bp.get("/p/<slug>/strategia.pdf")
def pdf(slug: str) -> Response:
    document = _published(slug).document
    if not pdf_ready(document):
        abort(404)
    return pdf_response(document)


# --- the agency's buttons on the documents page -------------------------------------------


@bp.post("/c/<slug>/documents/<int:document_id>/publish")
def publish(slug: str, document_id: int):  # noqa: ANN201
    require_platform_right(PlatformRight.PUBLISH)
    cluster, _role = cluster_for(slug)
    document = db.session.get(Document, document_id)
    if document is None or document.cluster_id != cluster.id:
        abort(404)
    return handle_form(
        PublishForm(),
        lambda: operations.publish(cluster, document, current_user._get_current_object()),
        done=lambda _published: flash_redirect(
            _("Version %(v)s is published.", v=document.version),
            url_for("documents.index", slug=slug, _anchor=f"v{document.version}"),
        ),
        render=lambda status: (documents_page(slug), status),
    )


@bp.post("/c/<slug>/publication/withdraw")
def withdraw(slug: str):  # noqa: ANN201
    require_platform_right(PlatformRight.PUBLISH)
    cluster, _role = cluster_for(slug)
    return handle_form(
        PublishForm(),
        lambda: operations.withdraw(cluster, current_user._get_current_object()),
        done=lambda withdrawn: flash_redirect(
            _("The strategy is no longer published.") if withdrawn else _("Nothing was published."),
            url_for("documents.index", slug=slug),
        ),
        render=lambda status: (documents_page(slug), status),
    )
