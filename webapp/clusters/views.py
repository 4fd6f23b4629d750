"""The cluster page: stages and members; moderators manage the members here."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.access import cluster_for
from webapp.auth import reauth
from webapp.clusters.forms import NONE, MemberForm, RemoveMemberForm
from webapp.clusters.operations import Added, add_by_email, remove_member, set_member
from webapp.clusters.queries import (
    colleagues,
    definition_of,
    members_by_kind,
    organisations_of,
    stages_with_sections,
)
from webapp.extensions import db
from webapp.models import Cluster, Membership, User
from webapp.people.invitations import Invited
from webapp.problems import Problem
from webapp.workflow.forms import SignOffForm, TransitionForm
from webapp.workflow.panels import stage_panels
from workflows.reauth import SensitiveChange
from workflows.roles import Permission, can, can_assign_role

bp = Blueprint("clusters", __name__, url_prefix="/c")


def _member_form(cluster: Cluster, *, blank: bool = False) -> MemberForm:
    """The member form; its lists hold the cluster's people and organisations only."""
    form = MemberForm(formdata=None) if blank else MemberForm()
    form.user_id.choices = [(NONE, _("— choose —"))] + [
        (u.id, f"{u.name} ({u.organisation.name})" if u.organisation else u.name) for u in colleagues(cluster)
    ]
    form.organisation_id.choices = [(NONE, _("(none)"))] + [(o.id, o.name) for o in organisations_of(cluster)]
    return form


@bp.route("/<slug>")
def detail(slug: str):
    cluster, role = cluster_for(slug)
    form = _member_form(cluster) if can(role, Permission.MANAGE_MEMBERS) else None
    return _render_detail(cluster, role, form)


def _render_detail(cluster, role, form, status: int = 200, invited: Invited | None = None):  # noqa: ANN001, ANN202
    panels, signoffs, strategy = stage_panels(cluster, role)
    return (
        render_template(
            "clusters/detail.html",
            cluster=cluster,
            role=role,
            definition=definition_of(cluster),
            stages=stages_with_sections(cluster),
            members=members_by_kind(cluster),
            member_form=form,
            password_needed=form is not None and reauth.needed(SensitiveChange.MEMBER_ROLE),
            remove_form=RemoveMemberForm(),
            panels=panels,
            signoffs=signoffs,
            strategy=strategy,
            transition_form=TransitionForm(),
            signoff_form=SignOffForm(),
            can=lambda permission: can(role, permission),
            Permission=Permission,
            invited=invited,
            invitation_days=current_app.config["INVITATION_LIFETIME"].days,
        ),
        status,
        # The page may show an invitation's link once: no cache keeps it.
        {"Cache-Control": "no-store"} if invited else {},
    )


@bp.post("/<slug>/members")
def add_member(slug: str):
    cluster, role = cluster_for(slug, Permission.MANAGE_MEMBERS)
    form = _member_form(cluster)
    if not form.validate_on_submit():
        return _render_detail(cluster, role, form, 422)
    if not can_assign_role(role, form.role.data):
        abort(403)
    email = (form.email.data or "").strip()
    if bool(email) == (form.user_id.data != NONE):
        form.email.errors.append(_("Type an e-mail address or choose a person: one of the two."))
        return _render_detail(cluster, role, form, 422)
    if not reauth.check_field(form.password, SensitiveChange.MEMBER_ROLE):
        return _render_detail(cluster, role, form, 422)
    try:
        if email:
            added = add_by_email(
                cluster,
                email,
                form.role.data,
                current_user._get_current_object(),
                name=form.name.data or "",
                organisation_id=form.organisation_id.data or None,
                allowed_organisations=frozenset(c for c, _label in form.organisation_id.choices),
            )
        else:  # one of the choices, so one of the cluster's people or organisations'
            added = Added(set_member(cluster, db.session.get(User, form.user_id.data), form.role.data))
    except Problem as problem:
        db.session.rollback()  # an invitation half-made is not kept
        fields = {"role": form.role, "name": form.name, "organisation_id": form.organisation_id}
        fields.get(problem.field, form.email if email else form.user_id).errors.append(problem.message)
        return _render_detail(cluster, role, form, problem.status)
    user = added.membership.user
    if added.invited is not None and not added.invited.emailed:
        # No mail server: the link is shown this once, to be passed on, and kept nowhere.
        return _render_detail(cluster, role, _member_form(cluster, blank=True), invited=added.invited)
    if added.invited is not None:
        flash(
            _(
                "%(email)s has no account yet: an invitation to set a password was sent to that address.",
                email=user.email,
            ),
            "success",
        )
    else:
        flash(_("%(name)s is now in the cluster.", name=user.name), "success")
    return redirect(url_for("clusters.detail", slug=slug, _anchor="members"))


@bp.post("/<slug>/members/<int:membership_id>/remove")
def delete_member(slug: str, membership_id: int):
    cluster, _role = cluster_for(slug, Permission.MANAGE_MEMBERS)
    form = RemoveMemberForm()
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.cluster_id != cluster.id or not form.validate_on_submit():
        abort(404)
    if reauth.needed(SensitiveChange.MEMBER_REMOVE):
        return reauth.confirm_page_redirect(url_for("clusters.detail", slug=slug, _anchor="members"))
    name = membership.user.name
    remove_member(cluster, membership)
    flash(_("%(name)s is no longer in the cluster.", name=name), "success")
    return redirect(url_for("clusters.detail", slug=slug, _anchor="members"))
