"""Slow down password guessing: failures counted per account and per address.

Failures are rows in the database, so every web process (gunicorn workers, other
machines) sees the same count; nothing is locked for good, the window just slides.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select

from webapp.extensions import db
from webapp.models import LoginFailure
from webapp.models.base import utcnow

WINDOW = timedelta(minutes=1)
#: One address may try this many times more than one account (a shared office).
ADDRESS_FACTOR = 4


def retry_after(email: str, address: str) -> int | None:
    """Seconds to wait before trying again, or None if a try is allowed now."""
    limit = current_app.config["LOGIN_FAILURES_PER_MINUTE"]
    since = utcnow() - WINDOW
    for column, value, allowed in (
        (LoginFailure.email, email, limit),
        (LoginFailure.address, address, limit * ADDRESS_FACTOR),
    ):
        count, oldest = db.session.execute(
            select(func.count(), func.min(LoginFailure.created_at)).where(
                column == value, LoginFailure.created_at > since
            )
        ).one()
        if count >= allowed:
            if oldest.tzinfo is None:  # SQLite hands aggregates back without the type
                oldest = oldest.replace(tzinfo=UTC)
            wait = (oldest + WINDOW - utcnow()).total_seconds()
            return max(1, int(wait) + 1)
    return None


def record_failure(email: str, address: str) -> None:
    now = utcnow()
    db.session.add(LoginFailure(email=email, address=address, created_at=now))
    # Keep the table small: failures older than the window no longer count.
    db.session.execute(
        delete(LoginFailure).where(
            or_(LoginFailure.email == email, LoginFailure.address == address),
            LoginFailure.created_at < now - WINDOW * 10,
        )
    )
