"""Security log lines: one structured JSON line per event, UTC, never a secret."""

from __future__ import annotations

import json
import logging

from flask import has_request_context, request
from flask_login import current_user

from webapp.models.base import utcnow

log = logging.getLogger("studio.audit")

_SECRET_KEYS = frozenset({"password", "token", "secret", "authorization"})


def event(name: str, **fields: object) -> None:
    """Write one line; json.dumps escapes newlines, so a value cannot forge a line."""
    record = {"at": utcnow().isoformat(), "event": name}
    if has_request_context():
        record["address"] = request.remote_addr
        if current_user and current_user.is_authenticated:
            record["user_id"] = current_user.id  # who, for every event of a signed-in person
    record.update({k: v for k, v in fields.items() if k.lower() not in _SECRET_KEYS})
    log.info(json.dumps(record, ensure_ascii=False, default=str))
