"""Stage transitions and sign-offs from the cluster page; the cluster's audit trail."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from webapp.access import cluster_for
from webapp.clusters.queries import definition_of
from webapp.collation import polish
from webapp.extensions import db
from webapp.inputs import query_int
from webapp.models import AuditEvent, User
from webapp.problems import Stale
from webapp.workflow.audit_subjects import audit_subject
from webapp.workflow.forms import SignOffForm, TransitionForm, WithdrawSignOffForm
from webapp.workflow.messages import unmet_message
from webapp.workflow.operations import (
    SignOffRefused,
    TransitionRefused,
    sign_off,
    transition,
    version_to_sign,
    withdraw_signoff,
)
from webapp.workflow.panels import titles
from workflows.roles import Permission, can
from workflows.stages import Action, Unmet, available_actions
from workflows.status import what_it_undoes

bp = Blueprint("workflow", __name__, url_prefix="/c/<slug>")

ACTION_DONE = {
    "open": _l("The stage is open for writing."),
    "submit": _l("The stage is submitted for review."),
    "approve": _l("The stage is approved."),
    "return": _l("The stage is returned for more work."),
    "reopen": _l("The stage is reopened."),
    "confirm": _l("The stage is confirmed as it stands."),
}


@bp.post("/stages/<stage_key>/transitions")
def stage_transition(slug: str, stage_key: str):
    cluster, role = cluster_for(slug)
    form = TransitionForm()
    back = redirect(url_for("clusters.detail", slug=slug, _anchor=f"stage-{stage_key}"))
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "danger")
        return back
    if form.action.data not in {a.value for a in Action}:
        abort(422)
    if form.action.data == Action.REOPEN and form.confirmed.data != "1":
        # Not from the confirmation page: it says first what reopening will undo.
        return redirect(url_for("workflow.confirm_reopen", slug=slug, stage_key=stage_key))
    try:
        reason = form.reason.data or ""
        transition(cluster, stage_key, form.action.data, reason, role, actor_id=current_user.id)
    except KeyError:
        abort(404)
    except TransitionRefused as refused:
        db.session.rollback()
        if refused.decision.forbidden:
            abort(403)
        from webapp.workflow.facts import load_facts

        names = titles(load_facts(cluster))
        for unmet in refused.decision.unmet:
            flash(unmet_message(unmet, names), "warning")
        return back
    except StaleDataError:
        db.session.rollback()
        flash(_("Someone changed this stage a moment ago. Here is its current state."), "warning")
        return back
    flash(ACTION_DONE[form.action.data], "success")
    return back


@bp.get("/stages/<stage_key>/reopen")
def confirm_reopen(slug: str, stage_key: str):
    """Before reopening: what it will undo (sign-offs voided, stages to review, the adoption)."""
    from webapp.workflow.facts import load_facts

    cluster, role = cluster_for(slug, Permission.RUN_WORKFLOW)
    facts = load_facts(cluster)
    if stage_key not in facts.definition.stage_keys:
        abort(404)
    back = redirect(url_for("clusters.detail", slug=slug, _anchor=f"stage-{stage_key}"))
    names = titles(facts)
    offered = available_actions(facts.definition, facts.facts, stage_key, role, facts.quorum)
    decision = next((d for d in offered if d.action is Action.REOPEN), None)
    if decision is None or not decision.allowed:
        unmet = decision.unmet if decision else (Unmet("invalid_transition"),)
        for line in unmet:
            flash(unmet_message(line, names), "warning")
        return back
    undo = what_it_undoes(
        facts.definition, facts.states, stage_key, Action.REOPEN, len(facts.signed_organisation_ids)
    )
    return render_template(
        "workflow/confirm_reopen.html",
        cluster=cluster,
        stage_key=stage_key,
        stage_title=names.get(f"stage:{stage_key}", ""),
        undo=undo,
        review_titles=[names.get(f"stage:{k}", "") for k in undo.needs_review],
        reason="",
    )


@bp.get("/signoffs/confirm")
def confirm_signoff(slug: str):
    """Before signing: which version is signed (number, date, checksum), then the button."""
    from webapp.workflow.facts import load_facts
    from webapp.workflow.panels import status_for

    cluster, role = cluster_for(slug)
    if not can(role, Permission.SIGN_OFF):
        abort(403)
    signing = status_for(load_facts(cluster), role).signing
    if not signing.can_sign:
        for unmet in signing.why_not or (Unmet("signing_adopted" if signing.adopted else "already_signed"),):
            flash(unmet_message(unmet), "warning")
        return redirect(url_for("clusters.detail", slug=slug, _anchor="signoffs"))
    version = version_to_sign(cluster)
    form = SignOffForm(digest=version.digest)
    return render_template(
        "workflow/confirm_signoff.html",
        cluster=cluster,
        version=version,
        form=form,
        organisation=current_user.organisation,
    )


@bp.post("/signoffs")
def stage_signoff(slug: str):
    cluster, role = cluster_for(slug)
    back = redirect(url_for("clusters.detail", slug=slug, _anchor="signoffs"))
    form = SignOffForm()
    if not form.validate_on_submit():
        abort(400)
    if not form.digest.data:
        # Not from the confirmation page: it shows first which version is signed.
        return redirect(url_for("workflow.confirm_signoff", slug=slug))
    try:
        sign_off(cluster, current_user, role, digest=form.digest.data)
    except Stale as changed:
        db.session.rollback()
        flash(changed.message, "warning")
        return redirect(url_for("workflow.confirm_signoff", slug=slug))
    except SignOffRefused as refused:
        db.session.rollback()
        if any(u.code == "role_forbidden" for u in refused.unmet):
            abort(403)
        for unmet in refused.unmet:
            flash(unmet_message(unmet), "warning")
        return back
    except IntegrityError:  # the same organisation signing twice at the same moment
        db.session.rollback()
        flash(unmet_message(Unmet("already_signed")), "warning")
        return back
    flash(_("Thank you: your organisation has signed the strategy."), "success")
    return back


@bp.post("/signoffs/withdraw")
def withdraw(slug: str):
    cluster, role = cluster_for(slug)
    back = redirect(url_for("clusters.detail", slug=slug, _anchor="signoffs"))
    if not WithdrawSignOffForm().validate_on_submit():
        abort(400)
    try:
        withdraw_signoff(cluster, current_user, role)
    except SignOffRefused as refused:
        db.session.rollback()
        if any(u.code == "role_forbidden" for u in refused.unmet):
            abort(403)
        for unmet in refused.unmet:
            flash(unmet_message(unmet), "warning")
        return back
    flash(_("Your organisation's signature is withdrawn."), "success")
    return back


@bp.get("/audit")
def audit(slug: str):
    cluster, _role = cluster_for(slug, Permission.VIEW_AUDIT)
    verb = request.args.get("verb", "")
    actor = request.args.get("actor", type=query_int)
    query = select(AuditEvent).where(AuditEvent.cluster_id == cluster.id)
    if verb:
        query = query.where(AuditEvent.verb.startswith(verb))
    if actor:
        query = query.where(AuditEvent.actor_id == actor)
    events = db.session.scalars(
        query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(500)
    ).all()
    actors = db.session.execute(
        # IN rather than DISTINCT: PostgreSQL refuses DISTINCT ordered by a collated expression.
        select(User.id, User.name)
        .where(User.id.in_(select(AuditEvent.actor_id).where(AuditEvent.cluster_id == cluster.id)))
        .order_by(polish(User.name))
    ).all()
    definition, lang = definition_of(cluster), str(get_locale())
    emails = {e.subject for e in events if e.verb.startswith("member.")}
    names = dict(db.session.execute(select(User.email, User.name).where(User.email.in_(emails))).all())
    return render_template(
        "workflow/audit.html",
        cluster=cluster,
        events=events,
        actors=actors,
        verb=verb,
        actor=actor,
        subject_of=lambda event: audit_subject(event, cluster, definition, lang, names),
    )
