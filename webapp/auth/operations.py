"""The verbs of signing in; they flush, the request commits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from webapp.auth import passwords, throttle
from webapp.extensions import db
from webapp.models import User
from webapp.problems import Invalid
from workflows import emails


@dataclass
class SignInRefused(Exception):
    """Wrong credentials (retry_after None) or too many attempts (seconds to wait)."""

    retry_after: int | None = None


#: Why an address is refused, in the person's language (workflows.emails.Reason).
ADDRESS_REFUSALS: dict[emails.Reason, Callable[[], str]] = {
    emails.Reason.SYNTAX: lambda: _("Give a valid email address."),
    emails.Reason.SEVERAL: lambda: _("Give one email address, without commas, semicolons or a second “@”."),
    emails.Reason.INVISIBLE: lambda: _(
        "The email address holds an invisible or control character; type it again."
    ),
    emails.Reason.DISGUISED: lambda: _(
        "The email address holds full-width or ornamental characters; type it with ordinary letters."
    ),
    emails.Reason.MIXED_SCRIPT: lambda: _(
        "The email address mixes letters of different alphabets "
        "(for example a Cyrillic letter among Latin ones)."
    ),
}


def normalise_email(email: str) -> str:
    """The address as it is stored and looked up, or Invalid("email", why) in the
    person's language. Every address that enters the studio goes through here."""
    try:
        return emails.normalise(email)
    except emails.AddressRefused as refused:
        raise Invalid("email", ADDRESS_REFUSALS[refused.reason]()) from None


def lookup_key(email: str) -> str:
    """What to look an account up by: the normal form, or, for text that is no valid
    address, the text trimmed and in lower case (it matches no account made since
    addresses are checked, yet never fails a lookup or a comparison)."""
    try:
        return normalise_email(email)
    except Invalid:
        return (email or "").strip().lower()[: emails.MAX_LENGTH]


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == lookup_key(email)))


def lookalike_account(email: str, person: User | None = None) -> bool:
    """Whether `email` could be mistaken for the address of another account than
    `person`'s. Every address is compared in Python: skeletons are not a SQL function,
    and an installation holds thousands of accounts at most."""
    others = db.session.scalars(
        select(User.email).where(User.id != person.id) if person else select(User.email)
    )
    return emails.lookalike_of(email, others) is not None


def check_credentials(email: str, password: str, address: str) -> User:
    """The person these credentials belong to, or SignInRefused.

    The answer never tells whether the account exists: an unknown email, a wrong
    password and a disabled account are refused alike, after the same hashing work.
    """
    email = lookup_key(email)
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
