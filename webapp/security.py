"""Request-wide protections: CSRF in one place, security headers, SQLite write intent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, request
from flask_login import current_user

from webapp.extensions import csrf, sqlite_write_intent
from webapp.negotiation import is_api_request

F = TypeVar("F", bound=Callable[..., Any])

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: No inline scripts or styles anywhere: pages carry their scripts as files.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def uses_bearer_token() -> bool:
    from webapp.auth import bearer_token

    return bearer_token(request) is not None


#: Endpoints that take credentials instead of a session, so no CSRF token can exist yet.
CSRF_EXEMPT_ENDPOINTS = frozenset({"api.auth_token"})


def reads_only(view: F) -> F:
    """Mark a view that is posted to but only reads (a preview): no SQLite write lock.

    Why: on SQLite a writing request holds the one write lock for its whole transaction;
    a preview that renders a long text would make every other write on the site wait.
    The request is still an unsafe method, so CSRF still applies.
    """
    view.reads_only = True  # type: ignore[attr-defined]
    return view


def _reads_only() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "reads_only", False)


def _before_request() -> None:
    writing = request.method not in SAFE_METHODS and not _reads_only()
    sqlite_write_intent.set(writing)
    # A bearer token is not sent by browsers on their own, so it needs no CSRF token;
    # a cookie-authenticated call does, pages and API alike.
    if (
        request.method not in SAFE_METHODS
        and current_app.config.get("WTF_CSRF_ENABLED", True)
        and not uses_bearer_token()
        and request.endpoint not in CSRF_EXEMPT_ENDPOINTS
        and not _anonymous_api_call()
    ):
        csrf.protect()


def _anonymous_api_call() -> bool:
    """No token and no signed-in session: nothing to forge, the API answers 401 itself."""
    return is_api_request() and not current_user.is_authenticated


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if is_api_request():
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    app.before_request(_before_request)
    app.after_request(_headers)
