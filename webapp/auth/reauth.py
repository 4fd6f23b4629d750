"""Asking for the password again before a sensitive change (the rule: workflows.reauth).

Pages put a password field on the form of the change (`check_field`) or, for a bare
button, send the person to the confirmation page first (`confirm_page_redirect`); the
API answers 403 `reauthentication_required` to a stale browser session (`require_for_api`).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from webapp import security_log
from webapp.auth import passwords, signed_in_by_token, throttle
from webapp.models.base import utcnow
from workflows.reauth import SensitiveChange, password_needed


@dataclass
class PasswordRefused(Exception):
    message: str
    retry_after: int | None = None


def needed(*changes: SensitiveChange) -> bool:
    """Must the signed-in person type their password before making these changes now?"""
    login = getattr(current_user, "login_session", None)
    confirmed_at = login.password_confirmed_at if login is not None else None
    now, window, by_token = utcnow(), current_app.config["REAUTH_WINDOW"], signed_in_by_token()
    return any(password_needed(change, confirmed_at, now, window, by_token=by_token) for change in changes)


def confirm(password: str | None) -> None:
    """Check the signed-in person's password; a failure counts against sign-in attempts.

    The failure is committed although the answer is a refusal (the throttle asks the
    commit point to keep it; the caller changes nothing when it is refused), so
    guessing through this form meets the same limit as guessing at the sign-in page from
    this address; other people's guesses at the account never block it (throttle).
    """
    user = current_user._get_current_object()
    address = request.remote_addr or ""
    wait = throttle.retry_after(user.email, address, confirming=True)
    if wait is not None:
        raise PasswordRefused(
            _("Too many attempts. Try again in %(seconds)s seconds.", seconds=wait),
            retry_after=wait,
        )
    if not passwords.verify(user.password_hash, password or ""):
        throttle.record_failure(user.email, address)
        security_log.event("reauth.failure", email=user.email)
        raise PasswordRefused(_("This is not your password."))
    if user.login_session is not None:
        user.login_session.password_confirmed_at = utcnow()


def check_field(field, *changes: SensitiveChange) -> bool:  # noqa: ANN001
    """True when the changes may go ahead; otherwise the field carries the reason."""
    if not needed(*changes):
        return True
    if not field.data:
        field.errors = [*field.errors, _("Type your password to confirm this change.")]
        return False
    try:
        confirm(field.data)
    except PasswordRefused as refused:
        field.errors = [*field.errors, refused.message]
        return False
    return True


def confirm_page_redirect(next_url: str) -> Response:
    """Send the person to confirm their password, then back to where they were."""
    flash(_("For your safety, confirm your password before changing roles."), "warning")
    return redirect(url_for("account.confirm", next=next_url))


def require_for_api(change: SensitiveChange) -> None:
    """A stale browser session gets 403 reauthentication_required; a token goes ahead."""
    from webapp.api.blueprint import ApiError

    if needed(change):
        raise ApiError(
            403,
            "reauthentication_required",
            _(
                "Confirm your password first (on the page “Confirm your password”), "
                "or call with an API token."
            ),
        )
