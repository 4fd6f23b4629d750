"""The verbs of signing in; they flush, the request commits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from webapp.auth import passwords, throttle
from webapp.extensions import db
from webapp.models import User


@dataclass
class SignInRefused(Exception):
    """Wrong credentials (retry_after None) or too many attempts (seconds to wait)."""

    retry_after: int | None = None


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def check_credentials(email: str, password: str, address: str) -> User:
    """The person these credentials belong to, or SignInRefused.

    The answer never tells whether the account exists: an unknown email, a wrong
    password and a disabled account are refused alike, after the same hashing work.
    """
    email = normalise_email(email)
    wait = throttle.retry_after(email, address)
    if wait is not None:
        raise SignInRefused(retry_after=wait)
    user = find_user(email)
    ok = passwords.verify(user.password_hash if user else None, password or "")
    if not ok or user is None or not user.active:
        throttle.record_failure(email, address)
        raise SignInRefused()
    return user


def change_password(user: User, new_password: str) -> None:
    """A new password ends every session and revokes every API token of the person:
    whoever held the old password may have taken either."""
    from webapp.auth import sessions, tokens

    user.password_hash = passwords.hash_password(new_password)
    sessions.end_all(user)
    tokens.revoke_all(user)
