"""Sign-in: revocable server-side sessions for browsers, hashed tokens for the API."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import lazy_gettext as _l

from webapp.extensions import login_manager
from webapp.models import User


def init_auth(app: Flask) -> None:
    from webapp.auth import sessions, tokens

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_token: str) -> User | None:
        # A call naming a valid bearer token is that token's owner's, whatever session
        # cookie comes with it (the token also spared it the CSRF check).
        if (owner := load_user_from_token(request)) is not None:
            return owner
        login = sessions.load(session_token)
        return login.user if login else None

    @login_manager.request_loader
    def load_user_from_token(req) -> User | None:  # noqa: ANN001
        header = req.headers.get("Authorization", "")
        scheme, _sep, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return None
        return tokens.authenticate(value.strip())

    @login_manager.unauthorized_handler
    def unauthorized():  # noqa: ANN202
        from flask import flash, redirect, url_for

        from webapp.errors import error_response

        if request.path.startswith("/api/"):
            return error_response(401)
        flash(login_manager.login_message, "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
