"""The person's own account: API tokens, password, e-mail address, password confirmation,
the grammatical form Polish texts use for them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from webapp.account.forms import GrammaticalFormForm
from webapp.account.operations import set_grammatical_form
from webapp.admin.forms import RevokeForm
from webapp.auth import reauth, sessions, tokens
from webapp.auth.forms import ConfirmPasswordForm, EmailChangeForm, PasswordChangeForm
from webapp.auth.operations import change_password
from webapp.auth.views import safe_next
from webapp.extensions import db
from webapp.form_flow import flash_redirect, handle_form
from webapp.models import ApiToken
from webapp.people.operations import change_email
from workflows.reauth import SensitiveChange

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.before_request
@login_required
def _signed_in() -> None:
    return None


def _render(
    form: PasswordChangeForm | None = None,
    email_form: EmailChangeForm | None = None,
    status: int = 200,
    grammar_form: GrammaticalFormForm | None = None,
):  # noqa: ANN202
    rows = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == current_user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc())
    ).all()
    return render_template(
        "account/index.html",
        tokens=rows,
        form=form or PasswordChangeForm(formdata=None),
        email_form=email_form or EmailChangeForm(formdata=None, prefix="email"),
        revoke_form=RevokeForm(),
        grammar_form=grammar_form
        or GrammaticalFormForm(
            formdata=None, prefix="grammar", grammatical_form=current_user.grammatical_form or ""
        ),
    ), status


@bp.route("/", methods=["GET", "POST"])
def index():
    form = PasswordChangeForm()

    def change() -> None:
        user = current_user._get_current_object()
        remember = bool(user.login_session and user.login_session.remember)
        change_password(user, form.new.data)  # ends every session and token, this one too
        sessions.start(user, remember=remember)
        login_user(user, remember=remember)

    return handle_form(
        form,
        change,
        checks=lambda: reauth.check_field(form.current, SensitiveChange.OWN_PASSWORD),
        done=lambda _none: flash_redirect(
            _(
                "Your password is changed; you were signed out everywhere else and your API "
                "tokens were revoked."
            ),
            url_for("account.index"),
        ),
        render=lambda status: _render(form, status=status),
    )


@bp.post("/email")
def email():
    form = EmailChangeForm(prefix="email")

    def done(changed: bool) -> Response:
        if changed:
            flash(_("Your email address is changed; sign in with the new one from now on."), "success")
        return redirect(url_for("account.index"))

    return handle_form(
        form,
        lambda: change_email(current_user._get_current_object(), form.email.data),
        checks=lambda: reauth.check_field(form.current, SensitiveChange.OWN_EMAIL),
        done=done,
        render=lambda status: _render(email_form=form, status=status),
    )


@bp.post("/grammar")
def grammar():
    form = GrammaticalFormForm(prefix="grammar")
    return handle_form(
        form,
        lambda: set_grammatical_form(current_user._get_current_object(), form.grammatical_form.data),
        done=lambda _none: flash_redirect(_("Saved."), url_for("account.index")),
        render=lambda status: _render(status=status, grammar_form=form),
    )


@bp.route("/confirm", methods=["GET", "POST"])
def confirm():
    """Type the password again before changes that ask for it (roles, removals)."""
    form = ConfirmPasswordForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status = 200
    if form.validate_on_submit():
        try:
            reauth.confirm(form.password.data)
        except reauth.PasswordRefused as refused:
            form.password.errors = [refused.message]
            status = 429 if refused.retry_after else 422
        else:
            flash(_("Thank you. You can make the change now."), "success")
            return redirect(safe_next(form.next.data))
    elif form.is_submitted():
        status = 422
    return render_template("account/confirm.html", form=form), status


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != current_user.id or not RevokeForm().validate_on_submit():
        abort(404)
    tokens.revoke(row)
    flash(_("The token is revoked."), "success")
    return redirect(url_for("account.index"))
