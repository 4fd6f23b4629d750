"""Which changes ask for the person's password again, and when a recent one is enough.

Someone who walks up to a browser left signed in must not be able to hand out roles or
take over an account. So changes of who may do what (roles, removals, admin rights,
disabling an account, creating an account with admin rights) and of how a person signs
in (their e-mail address) ask for the password again, unless the person typed it within
the last few minutes (the sign-in counts). A call with an API token is exempt: the token
itself was bought with the password, is revocable, and browsers never send it on their own.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum


class SensitiveChange(StrEnum):
    MEMBER_ROLE = "member_role"  # add a member or change their role in a cluster
    MEMBER_REMOVE = "member_remove"
    PERSON_EMAIL = "person_email"  # an admin changes someone's address
    PERSON_ADMIN = "person_admin"  # grant or withdraw platform admin rights
    ADMIN_ACCOUNT = "admin_account"  # create an account with platform admin rights
    PERSON_ACTIVE = "person_active"  # disable or enable an account
    OWN_EMAIL = "own_email"  # a person changes their own address
    OWN_PASSWORD = "own_password"  # noqa: S105 (a name, not a secret)


#: Changes whose form always asks for the current password, however recent the last one:
#: how an account signs in is changed only by its owner, knowingly.
ALWAYS_ASK: frozenset[SensitiveChange] = frozenset({SensitiveChange.OWN_EMAIL, SensitiveChange.OWN_PASSWORD})


def password_needed(
    change: SensitiveChange,
    confirmed_at: datetime | None,
    now: datetime,
    window: timedelta,
    *,
    by_token: bool,
) -> bool:
    """Must the person type their password before this change is made?"""
    if change in ALWAYS_ASK:
        return True
    if by_token:
        return False
    return confirmed_at is None or now - confirmed_at > window


def person_change_refusal(*, acting_on_self: bool, withdraws_admin: bool, disables: bool) -> str | None:
    """Why an admin may not make this change to a person's account, or None.

    Admins cannot withdraw their own rights or disable themselves: the installation
    would lose its last way in without anyone meaning to.
    """
    if acting_on_self and withdraws_admin:
        return "own_admin"
    if acting_on_self and disables:
        return "own_account"
    return None


def changes_to_person(
    *, email_changed: bool, admin_changed: bool, active_changed: bool
) -> frozenset[SensitiveChange]:
    """The sensitive parts of an admin's edit of a person (name and organisation are not)."""
    return frozenset(
        change
        for change, made in (
            (SensitiveChange.PERSON_EMAIL, email_changed),
            (SensitiveChange.PERSON_ADMIN, admin_changed),
            (SensitiveChange.PERSON_ACTIVE, active_changed),
        )
        if made
    )


def changes_to_new_person(*, is_admin: bool) -> frozenset[SensitiveChange]:
    """The sensitive part of creating an account: only the admin rights it may come with."""
    return frozenset({SensitiveChange.ADMIN_ACCOUNT}) if is_admin else frozenset()
