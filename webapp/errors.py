"""Every error a person can meet, in their language: JSON under /api/, a page elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from webapp.negotiation import is_api_request

log = logging.getLogger(__name__)


def default_message(status: int) -> str:
    messages = {
        400: _("The request could not be understood."),
        401: _("Please sign in."),
        403: _("You are not allowed to do this."),
        404: _("There is nothing here, or you have no access to it."),
        405: _("This action is not available here."),
        409: _("Someone changed this in the meantime."),
        412: _("This was changed since you read it."),
        413: _("The data sent is too large."),
        415: _("Send the data as JSON."),
        422: _("Some of the data is not valid."),
        429: _("Too many attempts. Please wait a moment and try again."),
        503: _("The service is temporarily unavailable. Please try again shortly."),
    }
    return messages.get(status, _("Something went wrong on our side. Please try again."))


CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    503: "unavailable",
}


def error_response(status: int, message: str | None = None, code: str | None = None, **extra):
    """The one shape of an error: `{"error": {"code", "message", ...}}` or the error page."""
    message = message or default_message(status)
    code = code or CODES.get(status, "error")
    if is_api_request():
        body = {"error": {"code": code, "message": message, **extra.pop("error_extra", {})}}
        body.update(extra)
        return jsonify(body), status
    page = make_response(render_template("errors/error.html", status=status, message=message))
    return page, status


def _handle_http(exc: HTTPException):
    if exc.code == 403:
        from webapp import security_log

        security_log.event("denied", method=request.method, path=request.path)
    headers = exc.get_response().headers if exc.code in (405, 429) else {}
    if exc.code == 422 and getattr(exc, "data", None):  # webargs validation (API)
        return _validation_error(exc.data.get("messages", {}))
    # ApiError (webapp.api.blueprint) carries the API's error code, message and extras.
    extra = dict(getattr(exc, "extra", {}))
    response, status = error_response(
        exc.code or 500,
        getattr(exc, "message", None),
        getattr(exc, "error_code", None),
        error_extra=extra.pop("error_extra", {}),
        **extra,
    )
    for name in ("Allow", "Retry-After"):
        if name in headers:
            response.headers[name] = headers[name]
    if "retry_after" in extra:
        response.headers["Retry-After"] = str(extra["retry_after"])
    return response, status


def _validation_error(messages: dict):
    fields = []
    for location in messages.values():
        if isinstance(location, dict):
            fields.extend(sorted(location))
    message = _("Some of the data is not valid: %(fields)s.", fields=", ".join(fields) or "—")
    return error_response(422, message, error_extra={"fields": fields})


def _handle_csrf(exc: CSRFError):
    return error_response(
        400,
        _("Your form has expired or was not sent from this site. Please reload the page and try again."),
        code="csrf",
    )


def _handle_unexpected(exc: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(500)


def database_trouble(exc: DBAPIError) -> str | None:
    """What a database error says about the database, if it is not a bug of ours:
    "cannot_save" (disk full, database read-only), "unavailable" (unreachable, restarting,
    too busy), or None."""
    orig = exc.orig
    sqlite_name = getattr(orig, "sqlite_errorname", "") or ""
    if sqlite_name.startswith(("SQLITE_FULL", "SQLITE_READONLY")):
        return "cannot_save"
    if sqlite_name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return "unavailable"
    sqlstate = getattr(orig, "sqlstate", None) or ""
    if sqlstate in ("53100", "25006"):  # disk_full, read_only_sql_transaction
        return "cannot_save"
    # connection exceptions, shutdown and crash of the server, too many connections
    if sqlstate.startswith(("08", "57P")) or sqlstate == "53300" or exc.connection_invalidated:
        return "unavailable"
    # no answer at all (refused, restarting, unreachable): the driver's own OperationalError,
    # without a SQLSTATE since no server sent one (SQLite's errors always carry a name)
    if isinstance(exc, OperationalError) and not sqlstate and not sqlite_name:
        return "unavailable"
    return None


def _database_response(trouble: str, bare: bool = False):
    if trouble == "cannot_save":
        message = _("The server cannot save right now. Nothing was changed; please try again later.")
    else:
        message = default_message(503)
    if bare and not is_api_request():
        page = f"<!doctype html><title>503</title><h1>{escape(message)}</h1>"
        return make_response(page, 503, {"Content-Type": "text/html; charset=utf-8"})
    return error_response(503, message, code=trouble)


def _handle_database(exc: DBAPIError):
    """A full disk, a read-only database or a database that went away answer 503 with a
    message, not a stack trace; any other database error stays a 500 (a bug)."""
    trouble = database_trouble(exc)
    if trouble is None:
        if current_app.testing:
            raise exc  # as any other unexpected error in tests
        return _handle_unexpected(exc)
    log.warning("database %s on %s %s: %s", trouble, request.method, request.path, exc.orig)
    try:
        return _database_response(trouble)
    except SQLAlchemyError:
        # The person's language, or the page around the message, needed the database
        # too: answer in the browser's language, on a bare page.
        languages = current_app.config["LANGUAGES"]
        with force_locale(request.accept_languages.best_match(languages) or languages[0]):
            return _database_response(trouble, bare=True)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _handle_csrf)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(DBAPIError, _handle_database)
    app.register_error_handler(InternalServerError, _handle_unexpected)
    if not app.testing:
        app.register_error_handler(Exception, _handle_unexpected)
