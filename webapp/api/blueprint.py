"""The API blueprint, its authentication gate and the error helper."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from flask_smorest import Blueprint
from werkzeug.exceptions import HTTPException

from webapp.errors import error_response

blp = Blueprint("api", __name__, url_prefix="/api/v1", description="Cluster strategy studio")

#: Calls open to anyone; every other call needs a token or a session.
PUBLIC_ENDPOINTS = frozenset({"api.auth_token"})


class ApiError(HTTPException):
    """An error with its code (docs/api.md, "Errors") and message, plus optional extra members."""

    def __init__(self, status: int, code: str, message: str | None = None, **extra: object) -> None:
        super().__init__(description=message)
        self.code = status
        self.error_code = code
        self.message = message
        self.extra = extra


@blp.before_request
def _require_authentication():  # noqa: ANN202
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return error_response(401)
    return None
