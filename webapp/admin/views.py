"""The agency's pages: lists of organisations, people and clusters, and forms to add them."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from webapp.access import memberships_of, require_platform_right
from webapp.admin.forms import ClusterForm, OrganisationForm, PersonForm, RevokeForm, UserForm
from webapp.admin.listing import paged
from webapp.auth import reauth, tokens
from webapp.auth.operations import lookup_key
from webapp.clusters.operations import create_cluster
from webapp.collation import polish
from webapp.extensions import db
from webapp.form_flow import flash_redirect, handle_form
from webapp.models import ApiToken, Cluster, Membership, Organisation, User
from webapp.people.invitations import Invited, invite_new
from webapp.people.operations import create_organisation, update_person
from workflows.reauth import changes_to_new_person, changes_to_person, person_change_refusal

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _admins_only() -> None:
    require_platform_right()


@bp.route("/organisations", methods=["GET", "POST"])
def organisations():
    form = OrganisationForm()

    def render(status: int):  # noqa: ANN202
        listing = paged(
            select(Organisation, func.count(User.id))
            .outerjoin(User, User.organisation_id == Organisation.id)
            .group_by(Organisation.id)
            .order_by(Organisation.kind, polish(Organisation.name)),
            [Organisation.name, Organisation.city, Organisation.nip],
            scalars=False,
        )
        return (
            render_template("admin/organisations.html", form=form, rows=listing.rows, listing=listing),
            status,
        )

    return handle_form(
        form,
        lambda: create_organisation(
            form.name.data, form.kind.data, form.nip.data or "", form.city.data or ""
        ),
        done=lambda _org: flash_redirect(_("Organisation added."), url_for("admin.organisations")),
        render=render,
    )


SENSITIVE_NEW_PERSON = changes_to_new_person(is_admin=True)


@bp.route("/users", methods=["GET", "POST"])
def users():
    form = UserForm()
    form.organisation_id.choices = [
        (o.id, o.name) for o in db.session.scalars(select(Organisation).order_by(polish(Organisation.name)))
    ]
    form.organisation_id.choices.insert(0, (NO_ORGANISATION, _("(none)")))
    asks = reauth.needed(*SENSITIVE_NEW_PERSON)
    if not asks:
        del form.current  # the password is shown only when it will be asked for

    def password_given() -> bool:
        new_rights = changes_to_new_person(is_admin=bool(form.is_admin.data))
        return not asks or reauth.check_field(form.current, *new_rights)

    def render(status: int, invited: Invited | None = None):  # noqa: ANN202
        listing = paged(
            select(User)
            .outerjoin(Organisation, Organisation.id == User.organisation_id)
            .order_by(polish(User.name)),
            [User.name, User.email, Organisation.name],
        )
        ids = [person.id for person in listing.rows]
        counts = dict(
            db.session.execute(
                select(Membership.user_id, func.count())
                .where(Membership.user_id.in_(ids))
                .group_by(Membership.user_id)
            ).all()
        )
        page = render_template(
            "admin/users.html",
            form=form,
            people=listing.rows,
            counts=counts,
            listing=listing,
            invited=invited,
            invitation_days=current_app.config["INVITATION_LIFETIME"].days,
        )
        # A link shown once must not stay in a cache.
        return page, status, ({"Cache-Control": "no-store"} if invited else {})

    def added(invited: Invited):  # noqa: ANN202
        if not invited.emailed:  # no mail server: the link is shown this once, to be passed on
            return render(200, invited)
        email = invited.user.email
        sent = _("%(email)s was added: an invitation to set a password was sent there.", email=email)
        return flash_redirect(sent, url_for("admin.users"))

    # The person sets their own password through a one-time link (webapp/people/invitations.py):
    # no password typed by the admin, known to two people and sent along some other way.
    return handle_form(
        form,
        lambda: invite_new(
            form.email.data,
            form.name.data,
            form.organisation_id.data or None,
            None,
            current_user,
            is_admin=bool(form.is_admin.data),
        ),
        checks=password_given,
        done=added,
        render=render,
    )


#: Why an admin may not make a change to an account (workflows.reauth.person_change_refusal).
REFUSALS = {
    "own_admin": lambda: _("You cannot withdraw your own administrator rights; ask another administrator."),
    "own_account": lambda: _("You cannot disable your own account."),
}
NO_ORGANISATION = 0
SENSITIVE_PERSON_CHANGES = changes_to_person(email_changed=True, admin_changed=True, active_changed=True)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def person(user_id: int):
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    form = PersonForm(obj=person)
    if not form.is_submitted():
        form.organisation_id.data = person.organisation_id or NO_ORGANISATION
    form.organisation_id.choices = [(NO_ORGANISATION, _("(none)"))] + [
        (o.id, o.name) for o in db.session.scalars(select(Organisation).order_by(polish(Organisation.name)))
    ]
    changes = changes_to_person(
        email_changed=lookup_key(form.email.data) != person.email,
        admin_changed=bool(form.is_admin.data) != person.is_admin,
        active_changed=bool(form.active.data) != person.active,
    )

    def allowed() -> bool:
        refusal = person_change_refusal(
            acting_on_self=person.id == current_user.id,
            withdraws_admin=person.is_admin and not form.is_admin.data,
            disables=person.active and not form.active.data,
        )
        if refusal is not None:
            flash(REFUSALS[refusal](), "danger")
            return False
        return reauth.check_field(form.password, *changes)

    return handle_form(
        form,
        lambda: update_person(
            person,
            name=form.name.data,
            email=form.email.data,
            organisation_id=form.organisation_id.data or None,
            is_admin=form.is_admin.data,
            active=form.active.data,
        ),
        checks=allowed,
        done=lambda _changed: flash_redirect(_("Saved."), url_for("admin.users")),
        render=lambda status: (
            render_template(
                "admin/person.html",
                form=form,
                person=person,
                memberships=memberships_of(person),
                password_needed=reauth.needed(*SENSITIVE_PERSON_CHANGES),
            ),
            status,
        ),
    )


@bp.route("/clusters", methods=["GET", "POST"])
def clusters():
    form = ClusterForm()

    def render(status: int):  # noqa: ANN202
        rows = db.session.execute(
            select(Cluster, func.count(Membership.id))
            .outerjoin(Membership, Membership.cluster_id == Cluster.id)
            .group_by(Cluster.id)
            .order_by(polish(Cluster.name))
        ).all()
        return render_template("admin/clusters.html", form=form, rows=rows), status

    return handle_form(
        form,
        lambda: create_cluster(form.slug.data, form.name.data, form.sector.data, form.goal.data or ""),
        done=lambda cluster: flash_redirect(
            _("Cluster created."), url_for("clusters.detail", slug=cluster.slug)
        ),
        render=render,
    )


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
    flash(_("The token is revoked."), "success")
    return redirect(url_for("admin.api_tokens"))
