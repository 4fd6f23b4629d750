"""Server-side sign-in sessions: the cookie names a row, and signing out revokes it.

Stock Flask cookie sessions stay valid after sign-out if someone kept a copy; here the
identity Flask-Login stores is a random token whose row we revoke, so a replayed cookie
finds a revoked row and is anonymous.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app, request
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from webapp.auth.secrets_util import new_token, token_hash
from webapp.extensions import db, sqlite_write_intent
from webapp.models import LoginSession, User
from webapp.models.base import utcnow

log = logging.getLogger(__name__)

#: Write last_seen at most this often, not on every request.
TOUCH_EVERY = timedelta(minutes=1)


def start(user: User, remember: bool) -> LoginSession:
    """Open a new session for a person who has just proved who they are."""
    config = current_app.config
    now = utcnow()
    lifetime = config["REMEMBER_COOKIE_DURATION"] if remember else config["SESSION_ABSOLUTE"]
    token = new_token()
    login = LoginSession(
        user=user,
        token_hash=token_hash(token),
        remember=remember,
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
        password_confirmed_at=now,  # signing in is typing the password
        user_agent=(request.user_agent.string or "")[:200],
    )
    login.token = token
    db.session.add(login)
    db.session.flush()
    user.login_session = login
    return login


def load(token: str) -> LoginSession | None:
    """The live session for a cookie's token, or None (revoked, expired, idle, disabled)."""
    login = db.session.scalar(select(LoginSession).where(LoginSession.token_hash == token_hash(token)))
    if login is None or login.revoked_at is not None or not login.user.active:
        return None
    now = utcnow()
    idle_limit = current_app.config["SESSION_INACTIVITY"]
    if now >= login.expires_at or (not login.remember and now - login.last_seen_at > idle_limit):
        return None
    if now - login.last_seen_at > TOUCH_EVERY:
        touch(LoginSession.__table__, login.id, "last_seen_at", now)
    login.token = token
    login.user.login_session = login
    return login


def touch(table, row_id: int, column: str, when: datetime) -> None:  # noqa: ANN001
    """Note a time of use in its own short transaction.

    Reading requests must not write in their own transaction: on SQLite a read that
    turns into a write fails at once ("database is locked") when another process wrote
    in between. A transaction that starts by writing simply waits for its turn. A
    writing request already holds the write lock, so it writes in its own transaction.

    The time is a convenience, not worth a failed request: when the database cannot take
    the write (disk full, read-only), reading goes on and the time stays as it was.
    """
    statement = update(table).where(table.c.id == row_id).values({column: when})
    try:
        if sqlite_write_intent.get():
            with db.session.begin_nested():  # a savepoint: a failure spares the request's own
                db.session.execute(statement)
            return
        with db.engine.begin() as connection:
            connection.execute(statement)
    except OperationalError as exc:
        log.warning("could not note %s.%s: %s", table.name, column, exc.orig)


def end(login: LoginSession | None) -> None:
    if login is not None and login.revoked_at is None:
        login.revoked_at = utcnow()


def end_all(user: User, at: datetime | None = None) -> None:
    """Revoke every session of a person (password change, account disabled)."""
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=at or utcnow())
    )
