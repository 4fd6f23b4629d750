"""POST /api/v1/auth/token: exchange email and password for a bearer token."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from webapp import security_log
from webapp.api.blueprint import ApiError, blp
from webapp.api.schemas import TokenRequest, TokenResponse
from webapp.auth import tokens
from webapp.auth.operations import SignInRefused, check_credentials


@blp.route("/auth/token", methods=["POST"])
@blp.arguments(TokenRequest)
@blp.response(200, TokenResponse)
def auth_token(body: dict) -> dict:
    try:
        user = check_credentials(body["email"], body["password"], request.remote_addr or "")
    except SignInRefused as refused:
        security_log.event("signin.failed", email=body["email"], via="api")
        if refused.retry_after:
            raise ApiError(
                429,
                "too_many_requests",
                _(
                    "Too many attempts. Try again in %(seconds)s seconds.",
                    seconds=refused.retry_after,
                ),
                retry_after=refused.retry_after,
            ) from None
        raise ApiError(401, "invalid_credentials", _("The email or password is not correct.")) from None
    token = tokens.issue(user)
    security_log.event("signin", user_id=user.id, via="api")
    return {"token": token}
