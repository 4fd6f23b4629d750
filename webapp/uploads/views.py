"""Pages of the Word round trip: the upload form's target on the documents page, the
import preview (map what did not match), and the comparison of two versions.

Routes of the documents' blueprint (/c/SLUG/documents/…), registered when
``webapp/documents/views.py`` imports this module."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from webapp.access import cluster_for
from webapp.clusters.queries import definition_of
from webapp.documents.compare import compare_response, versions_to_compare
from webapp.documents.views import bp
from webapp.extensions import db
from webapp.models import Upload
from webapp.problems import Problem
from webapp.uploads import operations
from workflows.roles import Permission


class UploadForm(FlaskForm):
    file = FileField(_l("Word file (.docx)"), validators=[FileRequired()])
    submit = SubmitField(_l("Bring the changes in as proposals"))


class MappingForm(FlaskForm):
    """The CSRF token; the choices (part-N → section key or "ignore") are read from the form."""

    submit = SubmitField(_l("Make the proposals"))


def _summary_message(summary: dict) -> str:
    proposals = len(summary.get("proposals", []))
    comments = int(summary.get("comments", 0))
    text = ngettext("%(num)d proposal made", "%(num)d proposals made", proposals)
    text += "; " + ngettext("%(num)d comment added", "%(num)d comments added", comments)
    tracked = summary.get("tracked_changes") or {}
    if tracked.get("insertions") or tracked.get("deletions"):
        text += "; " + _("the file's tracked changes were read as accepted")
    return text + "."


@bp.post("/upload")
def upload(slug: str):
    cluster, _role = cluster_for(slug, Permission.COMMENT)  # who may comment may propose
    form = UploadForm()
    if not form.validate_on_submit():
        flash(_("Choose a Word file (.docx) to upload."), "danger")
        return redirect(url_for("documents.index", slug=slug, _anchor="upload"))
    sent = form.file.data
    try:
        outcome = operations.upload_file(
            cluster, current_user._get_current_object(), sent.filename, sent.read(), auto_import=False
        )
    except Problem as problem:
        if problem.status == 403:
            abort(403)
        flash(problem.message, "danger")
        return redirect(url_for("documents.index", slug=slug, _anchor="upload"))
    found = outcome.upload
    if not outcome.created:
        flash(_("This file was brought in before; nothing new was made."), "info")
    if found.status == "pending":
        return redirect(url_for("documents.upload_page", slug=slug, upload_id=found.id))
    if outcome.created:
        flash(_summary_message(found.summary), "success")
    return redirect(url_for("documents.upload_page", slug=slug, upload_id=found.id))


def _upload_in(cluster_id: int, upload_id: int) -> Upload:
    found = db.session.get(Upload, upload_id)
    if found is None or found.cluster_id != cluster_id:
        abort(404)
    return found


@bp.get("/uploads/<int:upload_id>")
def upload_page(slug: str, upload_id: int):
    cluster, role = cluster_for(slug)
    found = _upload_in(cluster.id, upload_id)
    definition = definition_of(cluster)
    language = cluster.language or "pl"
    choices = [(s.key, s.title.get(language)) for s in definition.all_sections()]
    return render_template(
        "uploads/show.html",
        cluster=cluster,
        role=role,
        upload=found,
        summary=operations.summary_json(found),
        parts=(found.summary or {}).get("parts", []),
        choices=choices,
        titles=dict(choices),
        form=MappingForm(),
    )


@bp.post("/uploads/<int:upload_id>")
def confirm_upload(slug: str, upload_id: int):
    cluster, _role = cluster_for(slug, Permission.COMMENT)
    found = _upload_in(cluster.id, upload_id)
    if not MappingForm().validate_on_submit():
        abort(400)
    mapping: dict[int, str] = {}
    for part in (found.summary or {}).get("parts", []):
        choice = request.form.get(f"part-{part['index']}", operations.IGNORE)
        mapping[int(part["index"])] = choice[:100]
    try:
        operations.confirm_import(cluster, found, current_user._get_current_object(), mapping)
    except Problem as problem:
        if problem.status == 403:
            abort(403)
        flash(problem.message, "danger")
        return redirect(url_for("documents.upload_page", slug=slug, upload_id=upload_id))
    flash(_summary_message(found.summary), "success")
    return redirect(url_for("documents.upload_page", slug=slug, upload_id=upload_id))


@bp.get("/compare")
def compare(slug: str):
    cluster, _role = cluster_for(slug)
    try:
        earlier, later = versions_to_compare(cluster, request.args.get("from"), request.args.get("to"))
    except Problem as problem:
        flash(problem.message, "danger")
        return redirect(url_for("documents.index", slug=slug))
    return compare_response(cluster, earlier, later)
