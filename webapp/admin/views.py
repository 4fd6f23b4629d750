"""The agency's pages: lists of organisations, people and clusters, and forms to add them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from webapp.access import require_admin
from webapp.admin.forms import ClusterForm, OrganisationForm, RevokeForm, UserForm
from webapp.auth import tokens
from webapp.clusters.operations import create_cluster
from webapp.extensions import db
from webapp.models import ApiToken, Cluster, Membership, Organisation, User
from webapp.people.operations import create_organisation, create_user
from webapp.problems import Duplicate, Invalid

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _admins_only() -> None:
    require_admin()


def _field_error(form, problem: Invalid | Duplicate) -> None:  # noqa: ANN001
    field = getattr(form, problem.field, None)
    if field is not None:
        field.errors = [*field.errors, problem.message]
    else:
        flash(problem.message, "danger")


@bp.route("/organisations", methods=["GET", "POST"])
def organisations():
    form = OrganisationForm()
    status = 200
    if form.validate_on_submit():
        try:
            create_organisation(
                form.name.data, form.kind.data, form.nip.data or "", form.city.data or ""
            )
        except (Invalid, Duplicate) as problem:
            _field_error(form, problem)
            status = 422
        else:
            db.session.commit()
            flash(_("Organisation added."), "success")
            return redirect(url_for("admin.organisations"))
    elif form.is_submitted():
        status = 422
    rows = db.session.execute(
        select(Organisation, func.count(User.id))
        .outerjoin(User, User.organisation_id == Organisation.id)
        .group_by(Organisation.id)
        .order_by(Organisation.kind, Organisation.name)
    ).all()
    return render_template("admin/organisations.html", form=form, rows=rows), status


@bp.route("/users", methods=["GET", "POST"])
def users():
    form = UserForm()
    form.organisation_id.choices = [
        (o.id, o.name) for o in db.session.scalars(select(Organisation).order_by(Organisation.name))
    ]
    status = 200
    if form.validate_on_submit():
        try:
            create_user(
                form.email.data,
                form.name.data,
                form.password.data,
                form.organisation_id.data,
                is_admin=form.is_admin.data,
            )
        except (Invalid, Duplicate) as problem:
            _field_error(form, problem)
            status = 422
        else:
            db.session.commit()
            flash(_("Person added."), "success")
            return redirect(url_for("admin.users"))
    elif form.is_submitted():
        status = 422
    people = db.session.scalars(select(User).order_by(User.name)).all()
    counts = dict(
        db.session.execute(
            select(Membership.user_id, func.count()).group_by(Membership.user_id)
        ).all()
    )
    return render_template("admin/users.html", form=form, people=people, counts=counts), status


@bp.route("/clusters", methods=["GET", "POST"])
def clusters():
    form = ClusterForm()
    status = 200
    if form.validate_on_submit():
        try:
            cluster = create_cluster(
                form.slug.data, form.name.data, form.sector.data, form.goal.data or ""
            )
        except (Invalid, Duplicate) as problem:
            _field_error(form, problem)
            status = 422
        else:
            db.session.commit()
            flash(_("Cluster created."), "success")
            return redirect(url_for("clusters.detail", slug=cluster.slug))
    elif form.is_submitted():
        status = 422
    rows = db.session.execute(
        select(Cluster, func.count(Membership.id))
        .outerjoin(Membership, Membership.cluster_id == Cluster.id)
        .group_by(Cluster.id)
        .order_by(Cluster.name)
    ).all()
    return render_template("admin/clusters.html", form=form, rows=rows), status


@bp.route("/tokens")
def api_tokens():
    rows = db.session.scalars(
        select(ApiToken).where(ApiToken.revoked_at.is_(None)).order_by(ApiToken.created_at.desc())
    ).all()
    return render_template("admin/tokens.html", tokens=rows, revoke_form=RevokeForm())


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    row = db.session.get(ApiToken, token_id)
    if row is None or not RevokeForm().validate_on_submit():
        abort(404)
    tokens.revoke(row)
    db.session.commit()
    flash(_("The token is revoked."), "success")
    return redirect(url_for("admin.api_tokens"))
