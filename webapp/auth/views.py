"""Sign-in, sign-out and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from webapp import security_log
from webapp.auth import sessions
from webapp.auth.forms import InvitationForm, LoginForm
from webapp.auth.operations import SignInRefused, check_credentials
from webapp.errors import error_response
from webapp.extensions import db
from webapp.models import LoginSession, User
from webapp.people import invitations
from webapp.problems import Invalid, Stale

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only a path on this site: `next=` never sends anyone elsewhere."""
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.index")
    if "\\" in target or any(ch < " " or ch == "\x7f" for ch in target):
        # Browsers read "\\" as "/" and drop tabs and newlines ("/\t/evil" is "//evil");
        # a newline would also break the Location header (an error, not a redirect).
        return url_for("home.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status, retry_after = 200, None
    if form.validate_on_submit():
        try:
            user = check_credentials(form.email.data, form.password.data, request.remote_addr or "")
        except SignInRefused as refused:
            security_log.event("signin.failed", email=form.email.data)
            retry_after = refused.retry_after
            if retry_after:
                status = 429
                flash(
                    _("Too many attempts. Try again in %(seconds)s seconds.", seconds=retry_after),
                    "danger",
                )
            else:
                status = 401
                flash(_("The email or password is not correct."), "danger")
        else:
            login = _start_session(user, remember=form.remember.data)
            security_log.event("signin", user_id=user.id, session_id=login.id)
            return redirect(safe_next(form.next.data))
    elif request.method == "POST":
        status = 422
    response = current_app.make_response(render_template("auth/login.html", form=form))
    response.status_code = status
    if status == 429:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _start_session(user: User, remember: bool = False) -> LoginSession:
    """A new session at every sign-in: nothing from before it carries over."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login = sessions.start(user, remember=remember)
    login_user(user, remember=remember, duration=current_app.config["REMEMBER_COOKIE_DURATION"])
    return login


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """An invited person sets their password through the one-time link, and is signed in."""
    row = invitations.find_open(token)
    if row is None:
        return error_response(
            404,
            _(
                "This invitation link cannot be used: it was used already, it has expired or "
                "a newer one replaced it. Ask whoever invited you for a new one."
            ),
        )
    form = InvitationForm()
    if request.method == "GET":
        form.name.data = row.user.name
    status = 200
    if form.validate_on_submit():
        try:
            user = invitations.accept(row, form.name.data, form.password.data)
        except Invalid as problem:
            getattr(form, problem.field, form.password).errors.append(problem.message)
            status = 422
        except Stale as problem:
            db.session.rollback()
            return error_response(404, problem.message)
        else:
            if current_user.is_authenticated:  # someone else's session on this browser ends
                sessions.end(current_user.login_session)
                logout_user()
            _start_session(user)
            security_log.event("signin", user_id=user.id, via="invitation")
            flash(_("Welcome! Your password is set and you are signed in."), "success")
            return redirect(url_for("home.index"))
    elif request.method == "POST":
        status = 422
    response = current_app.make_response(
        render_template("auth/invitation.html", form=form, email=row.user.email)
    )
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        sessions.end(current_user.login_session)
        security_log.event("signout", user_id=current_user.id)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language")
def language():
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.locale = lang
    return redirect(safe_next(request.form.get("next")))
