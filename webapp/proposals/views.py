"""Proposals on the section page: propose a change, accept, reject (with a reason), withdraw.

Each view loads the section through webapp.access (404 for outsiders), calls one
operation (webapp.proposals.operations decides who may) and redirects to the section
page; a refusal answers its own status with the reason and what was typed, never a 500.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from webapp.access import cluster_for
from webapp.clusters.queries import definition_of
from webapp.extensions import db
from webapp.models import Cluster, Proposal, Section, Stage
from webapp.problems import Problem
from webapp.proposals import operations
from webapp.proposals.forms import AcceptForm, ProposeForm, RejectForm, WithdrawForm
from webapp.proposals.operations import Outdated
from webapp.sections.editing import FIELD_LABELS, SWOT_LABELS, UnreadableContent, posted_content
from webapp.sections.operations import SaveConflict, SaveResult
from webapp.sections.queries import section_of
from webapp.sections.views import _conflict_view
from webapp.transaction import keep_when_refused
from workflows.roles import Role

bp = Blueprint("proposals", __name__, url_prefix="/c/<slug>/s/<key>/proposals")


@bp.context_processor
def _labels() -> dict:
    return {"field_labels": FIELD_LABELS, "swot_labels": SWOT_LABELS}


def _load(slug: str, key: str) -> tuple[Cluster, Role, Section, Stage]:
    cluster, role = cluster_for(slug)
    section, stage = section_of(cluster, key)
    return cluster, role, section, stage


def _proposal(section: Section, proposal_id: int) -> Proposal:
    proposal = db.session.scalar(
        select(Proposal).where(Proposal.id == proposal_id, Proposal.section_id == section.id)
    )
    if proposal is None:
        abort(404)
    return proposal


def _back(cluster: Cluster, section: Section, proposal_id: int | None = None):  # noqa: ANN202
    anchor = f"proposal-{proposal_id}" if proposal_id else "proposals"
    return redirect(url_for("sections.view", slug=cluster.slug, key=section.key, _anchor=anchor))


def _refused(cluster: Cluster, section: Section, problem: Problem):  # noqa: ANN202
    """A refusal with its own status: the reason and the way back to the section."""
    if problem.status == 403:
        abort(403)
    page = render_template(
        "proposals/refused.html",
        cluster=cluster,
        section=section,
        section_def=definition_of(cluster).section(section.key)[1],
        message=problem.message,
    )
    return page, problem.status


def _form_page(cluster: Cluster, section: Section, form: ProposeForm, error: str | None, status: int):  # noqa: ANN202
    page = render_template(
        "proposals/new.html",
        cluster=cluster,
        section=section,
        section_def=definition_of(cluster).section(section.key)[1],
        form=form,
        error=error,
    )
    return page, status


@bp.route("/new", methods=["GET"])
def new(slug: str, key: str):  # noqa: ANN201
    cluster, _role, section, _stage = _load(slug, key)
    form = ProposeForm(base_revision=section.revision)
    if section.kind == "text":
        form.text.data = section.content or ""
    return _form_page(cluster, section, form, None, 200)


@bp.post("")
def create(slug: str, key: str):  # noqa: ANN201
    cluster, _role, section, _stage = _load(slug, key)
    form = ProposeForm()
    if not form.validate():
        message = _("Say which revision you edited (reload the page if this keeps happening).")
        return _form_page(cluster, section, form, message, 422)
    try:
        content = posted_content(section.kind, request.form)
    except UnreadableContent:
        return _form_page(cluster, section, form, _("The proposed content could not be read."), 422)
    try:
        proposal = operations.propose(
            cluster,
            section.key,
            current_user._get_current_object(),
            content,
            form.base_revision.data,
            note=form.note.data,
        )
    except Problem as problem:
        if problem.status == 403:
            abort(403)
        return _form_page(cluster, section, form, problem.message, problem.status)
    flash(_("Your proposal is saved. The section's editors are told of it."), "success")
    return _back(cluster, section, proposal.id)


def _accepted_message(result: SaveResult) -> str:
    if not result.changed:
        return _("Accepted: the section already held this change.")
    if result.merged:
        return _("Accepted as revision %(n)s, merged with the changes saved since.", n=result.revision)
    return _("Accepted as revision %(n)s.", n=result.revision)


@bp.post("/<int:proposal_id>/accept")
def accept(slug: str, key: str, proposal_id: int):  # noqa: ANN201
    cluster, role, section, stage = _load(slug, key)
    proposal = _proposal(section, proposal_id)
    form = AcceptForm()
    if not form.validate():
        abort(400)
    try:
        result = operations.accept(
            proposal,
            current_user._get_current_object(),
            role,
            resolution=form.resolution.data or None,
            theirs_revision=form.theirs_revision.data,
        )
    except Outdated as problem:
        keep_when_refused()
        flash(problem.message, "warning")
        return _back(cluster, section, proposal_id)
    except Problem as problem:
        return _refused(cluster, section, problem)
    except SaveConflict as conflict:
        db.session.rollback()
        proposal = _proposal(section, proposal_id)
        view = _conflict_view(section, conflict, proposal.base_revision, proposal.content)
        view["action"] = url_for("proposals.accept", slug=slug, key=key, proposal_id=proposal_id)
        page = render_template(
            "proposals/conflict.html",
            cluster=cluster,
            section=section,
            section_def=definition_of(cluster).section(section.key)[1],
            proposal=proposal,
            conflict=view,
            stage=stage,
        )
        return page, 409
    flash(_accepted_message(result), "success")
    return _back(cluster, section)


@bp.post("/<int:proposal_id>/reject")
def reject(slug: str, key: str, proposal_id: int):  # noqa: ANN201
    cluster, role, section, _stage = _load(slug, key)
    proposal = _proposal(section, proposal_id)
    form = RejectForm()
    if not form.validate():
        abort(400)
    try:
        operations.reject(proposal, current_user._get_current_object(), role, form.reason.data)
    except Problem as problem:
        return _refused(cluster, section, problem)
    flash(_("The proposal is rejected; its author is told why."), "success")
    return _back(cluster, section, proposal_id)


@bp.post("/<int:proposal_id>/withdraw")
def withdraw(slug: str, key: str, proposal_id: int):  # noqa: ANN201
    cluster, _role, section, _stage = _load(slug, key)
    proposal = _proposal(section, proposal_id)
    if not WithdrawForm().validate():
        abort(400)
    try:
        operations.withdraw(proposal, current_user._get_current_object())
    except Problem as problem:
        return _refused(cluster, section, problem)
    flash(_("Your proposal is withdrawn."), "success")
    return _back(cluster, section, proposal_id)
