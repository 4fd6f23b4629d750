"""The cluster page: stages and members; moderators manage the members here."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from webapp.access import cluster_for
from webapp.auth import reauth
from webapp.clusters.forms import MemberForm, RemoveMemberForm
from webapp.clusters.operations import remove_member, set_member
from webapp.clusters.queries import definition_of, members_by_kind, stages_with_sections
from webapp.extensions import db
from webapp.models import Membership, User
from webapp.problems import Invalid
from webapp.workflow.forms import SignOffForm, TransitionForm
from webapp.workflow.panels import stage_panels
from workflows.reauth import SensitiveChange
from workflows.roles import Permission, can, can_assign_role

bp = Blueprint("clusters", __name__, url_prefix="/c")


def _member_form() -> MemberForm:
    form = MemberForm()
    people = db.session.execute(select(User.id, User.name, User.email).order_by(User.name)).all()
    form.user_id.choices = [(uid, f"{name} <{email}>") for uid, name, email in people]
    return form


@bp.route("/<slug>")
def detail(slug: str):
    cluster, role = cluster_for(slug)
    form = _member_form() if can(role, Permission.MANAGE_MEMBERS) else None
    return _render_detail(cluster, role, form)


def _render_detail(cluster, role, form, status: int = 200):  # noqa: ANN001, ANN202
    panels, signoffs, _facts = stage_panels(cluster, role)
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
            transition_form=TransitionForm(),
            signoff_form=SignOffForm(),
            can=lambda permission: can(role, permission),
            Permission=Permission,
        ),
        status,
    )


@bp.post("/<slug>/members")
def add_member(slug: str):
    cluster, role = cluster_for(slug, Permission.MANAGE_MEMBERS)
    form = _member_form()
    if not form.validate_on_submit():
        return _render_detail(cluster, role, form, 422)
    if not can_assign_role(role, form.role.data):
        abort(403)
    user = db.session.get(User, form.user_id.data)
    if user is None:
        abort(422)
    if not reauth.check_field(form.password, SensitiveChange.MEMBER_ROLE):
        return _render_detail(cluster, role, form, 422)
    try:
        set_member(cluster, user, form.role.data)
    except Invalid as problem:
        form.role.errors.append(problem.message)
        return _render_detail(cluster, role, form, 422)
    db.session.commit()
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
        return reauth.confirm_page_redirect(
            url_for("clusters.detail", slug=slug, _anchor="members")
        )
    name = membership.user.name
    remove_member(cluster, membership)
    db.session.commit()
    flash(_("%(name)s is no longer in the cluster.", name=name), "success")
    return redirect(url_for("clusters.detail", slug=slug, _anchor="members"))
