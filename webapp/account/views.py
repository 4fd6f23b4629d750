"""The person's own account: API tokens and password."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from sqlalchemy import select

from webapp.admin.forms import RevokeForm
from webapp.auth import passwords, sessions, tokens
from webapp.auth.forms import PasswordChangeForm
from webapp.auth.operations import change_password
from webapp.extensions import db
from webapp.models import ApiToken

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.before_request
@login_required
def _signed_in() -> None:
    return None


def _render(form: PasswordChangeForm, status: int = 200):  # noqa: ANN202
    rows = db.session.scalars(
        select(ApiToken)
        .where(ApiToken.user_id == current_user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc())
    ).all()
    return render_template(
        "account/index.html", tokens=rows, form=form, revoke_form=RevokeForm()
    ), status


@bp.route("/", methods=["GET", "POST"])
def index():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not passwords.verify(current_user.password_hash, form.current.data):
            form.current.errors = [_("This is not your current password.")]
            return _render(form, 422)
        user = current_user._get_current_object()
        remember = bool(user.login_session and user.login_session.remember)
        change_password(user, form.new.data)  # ends every session, this one too
        sessions.start(user, remember=remember)
        login_user(user, remember=remember)
        db.session.commit()
        flash(_("Your password is changed; you were signed out everywhere else."), "success")
        return redirect(url_for("account.index"))
    return _render(form, 422 if form.is_submitted() else 200)


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != current_user.id or not RevokeForm().validate_on_submit():
        abort(404)
    tokens.revoke(row)
    db.session.commit()
    flash(_("The token is revoked."), "success")
    return redirect(url_for("account.index"))
