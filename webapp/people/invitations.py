"""Inviting a person who has no account yet: the account is made without a usable
password, and a one-time, expiring link lets its owner set one. They flush; the request
commits.

Only the token's hash is stored (webapp.auth.secrets_util), as for sessions and API
tokens. The link is e-mailed through the outbox when SMTP is configured; otherwise the
view shows it once to whoever invited, to pass on, and it is written nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import exists, select, update

from webapp import security_log
from webapp.auth.passwords import MIN_LENGTH, hash_password
from webapp.auth.secrets_util import new_token, token_hash
from webapp.extensions import db
from webapp.links import public_url
from webapp.models import Cluster, Invitation, User
from webapp.models.base import utcnow
from webapp.notifications.mailer import mail_configured, queue_email
from webapp.people.operations import create_user
from webapp.problems import Invalid, Stale


@dataclass
class Invited:
    """An invitation just made: the plain link exists only here, for this request."""

    user: User
    link: str
    emailed: bool


def pending(user: User) -> bool:
    """An invited person who has not set their password yet (their account is unusable)."""
    invited = db.session.scalar(select(exists().where(Invitation.user_id == user.id)))
    accepted = db.session.scalar(
        select(exists().where(Invitation.user_id == user.id, Invitation.accepted.is_(True)))
    )
    return bool(invited) and not accepted


def invite_new(
    email: str,
    name: str,
    organisation_id: int | None,
    cluster: Cluster | None,
    by: User,
    *,
    is_admin: bool = False,
) -> Invited:
    """An account for an address nobody signs in with, and its invitation: to a cluster, or (the
    agency's people page, ``cluster`` None) to the studio. The address is checked like any other
    (create_user: valid, free, no look-alike of an account)."""
    name = (name or "").strip() or email.partition("@")[0]
    # A random password nobody knows: the account cannot be signed in to until its owner
    # sets one through the link, and sign-in needs no special case for it.
    user = create_user(
        email, name, "", organisation_id, is_admin=is_admin, password_hash=hash_password(new_token())
    )
    security_log.event("person.invited", person_id=user.id, cluster=cluster.slug if cluster else "")
    return _issue(user, cluster, by)


def invite_again(user: User, cluster: Cluster, by: User) -> Invited:
    """A new link for someone invited before (the old one was lost or has expired)."""
    return _issue(user, cluster, by)


def _issue(user: User, cluster: Cluster | None, by: User) -> Invited:
    now = utcnow()
    _close_open(user, now)
    token = new_token()
    db.session.add(
        Invitation(
            user_id=user.id,
            cluster_id=cluster.id if cluster is not None else None,
            invited_by_id=by.id,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + current_app.config["INVITATION_LIFETIME"],
        )
    )
    link = public_url("auth.invitation", token=token)
    emailed = mail_configured()
    if emailed:
        _send(user, link, cluster, by)
    db.session.flush()
    return Invited(user, link, emailed)


def _close_open(user: User, now) -> None:  # noqa: ANN001
    """A newer link replaces the older ones: only the latest can be used."""
    db.session.execute(
        update(Invitation)
        .where(Invitation.user_id == user.id, Invitation.used_at.is_(None))
        .values(used_at=now)
    )


def _send(user: User, link: str, cluster: Cluster | None, by: User) -> None:
    from webapp.notifications.operations import user_language

    days = current_app.config["INVITATION_LIFETIME"].days
    with force_locale(user_language(user)):
        if cluster is None:  # the agency added the person to the studio itself
            queue_email(
                user.email,
                _("Invitation to the strategy studio"),
                _(
                    "%(inviter)s made you an account in the strategy studio.\n\n"
                    "Set your password with this link (it works once, for %(days)s days):\n"
                    "%(link)s\n\n"
                    "If you did not expect this e-mail, ignore it: nothing happens without you.",
                    inviter=by.name,
                    days=days,
                    link=link,
                ),
            )
            return
        queue_email(
            user.email,
            _("Invitation to the strategy studio of %(cluster)s", cluster=cluster.name),
            _(
                "%(inviter)s added you to the cluster %(cluster)s in the strategy studio.\n\n"
                "Set your password with this link (it works once, for %(days)s days):\n"
                "%(link)s\n\n"
                "If you did not expect this e-mail, ignore it: nothing happens without you.",
                inviter=by.name,
                cluster=cluster.name,
                days=days,
                link=link,
            ),
        )


def find_open(token: str) -> Invitation | None:
    """The invitation of a link that may still be used, or None."""
    row = db.session.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token)))
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    if not row.user.active:
        return None
    return row


def accept(invitation: Invitation, name: str, password: str) -> User:
    """The invited person sets their name and password; the link is spent.

    A conditional UPDATE claims the link, so two submissions of one link cannot both
    set a password (the second gets Stale).
    """
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise Invalid("name", _("Give the person's name (at most 200 characters)."))
    if len(password or "") < MIN_LENGTH:
        raise Invalid("password", _("The password needs at least %(n)s characters.", n=MIN_LENGTH))
    now = utcnow()
    claimed = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.used_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(used_at=now, accepted=True)
    ).rowcount
    if claimed != 1:
        raise Stale("token", _("This invitation link was used already."))
    user = invitation.user
    user.name = name
    user.password_hash = hash_password(password)
    security_log.event("person.invitation_accepted", person_id=user.id)
    db.session.flush()
    return user
