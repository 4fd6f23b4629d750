"""API tokens: issued on sign-in through the API, stored hashed, expiring, revocable."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select, update

from webapp.auth.secrets_util import new_token, token_hash
from webapp.auth.sessions import touch
from webapp.extensions import db
from webapp.models import ApiToken, User
from webapp.models.base import utcnow


def issue(user: User) -> str:
    """A new token for `user`; the plain value is returned once and never stored."""
    token = new_token()
    now = utcnow()
    db.session.add(
        ApiToken(
            user=user,
            token_hash=token_hash(token),
            prefix=token[:8],
            created_at=now,
            expires_at=now + current_app.config["API_TOKEN_LIFETIME"],
        )
    )
    return token


def authenticate(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    if not row.user.active:
        return None
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        touch(ApiToken.__table__, row.id, "last_used_at", now)
    return row.user


def revoke(row: ApiToken) -> None:
    if row.revoked_at is None:
        row.revoked_at = utcnow()


def revoke_all(user: User) -> None:
    """Revoke every live token of a person (password changed, account disabled)."""
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
