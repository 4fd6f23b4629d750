"""Sign-in: revocable server-side sessions for browsers, hashed tokens for the API."""

from __future__ import annotations

from flask import Flask, g, request
from flask_babel import lazy_gettext as _l

from webapp.extensions import login_manager
from webapp.models import User
from webapp.negotiation import is_api_request


def init_auth(app: Flask) -> None:
    from webapp.auth import sessions, tokens

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_token: str) -> User | None:
        # A call with a bearer header is the token's owner's or nobody's, whatever
        # session cookie comes with it: the header spared it the CSRF check, so a bad
        # token must not fall back to the cookie.
        if bearer_token(request) is not None:
            return load_user_from_token(request)
        login = sessions.load(session_token)
        return login.user if login else None

    @login_manager.request_loader
    def load_user_from_token(req) -> User | None:  # noqa: ANN001
        value = bearer_token(req)
        if not value:
            return None
        if "token_owner" not in g:  # both loaders may ask within one request
            g.token_owner = tokens.authenticate(value)
        return g.token_owner

    @login_manager.unauthorized_handler
    def unauthorized():  # noqa: ANN202
        from flask import flash, redirect, url_for

        from webapp.errors import error_response

        if is_api_request():
            return error_response(401)
        flash(login_manager.login_message, "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def bearer_token(req) -> str | None:  # noqa: ANN001
    """The token of an `Authorization: Bearer` header ("" when empty), or None without one."""
    scheme, _sep, value = req.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip()


def signed_in_by_token() -> bool:
    """Did this request prove who it is with an API token (not a browser session)?"""
    return g.get("token_owner") is not None
