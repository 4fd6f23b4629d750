"""Verbs for organisations and people. They flush; the request commits."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from webapp import security_log
from webapp.auth import sessions, tokens
from webapp.auth.operations import lookalike_account, normalise_email
from webapp.auth.passwords import MIN_LENGTH, hash_password
from webapp.extensions import db
from webapp.models import Organisation, User
from webapp.notifications.mailer import queue_email
from webapp.problems import Duplicate, Invalid
from workflows.identifiers import is_valid_nip, normalise_nip
from workflows.kinds import ORGANISATION_KINDS


def create_organisation(name: str, kind: str, nip: str = "", city: str = "") -> Organisation:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise Invalid("name", _("Give the organisation's name (at most 200 characters)."))
    if kind not in ORGANISATION_KINDS:
        raise Invalid("kind", _("Choose the kind of organisation."))
    nip_value = normalise_nip(nip) if nip else None
    if nip_value and not is_valid_nip(nip_value):
        raise Invalid("nip", _("This NIP is not valid: check its digits."))
    if db.session.scalar(select(Organisation.id).where(func.lower(Organisation.name) == name.lower())):
        raise Duplicate("name", _("An organisation with this name already exists."))
    if nip_value and db.session.scalar(select(Organisation.id).where(Organisation.nip == nip_value)):
        raise Duplicate("nip", _("An organisation with this NIP already exists."))
    org = Organisation(name=name, kind=kind, nip=nip_value, city=(city or "").strip()[:100])
    db.session.add(org)
    db.session.flush()
    return org


def create_user(
    email: str,
    name: str,
    password: str,
    organisation_id: int | None,
    is_admin: bool = False,
    password_hash: str | None = None,
) -> User:
    """A new person; `password_hash` lets the demo loader hash a shared password once."""
    email = _free_email(email)
    name = _valid_name(name)
    if password_hash is None and len(password or "") < MIN_LENGTH:
        raise Invalid("password", _("The password needs at least %(n)s characters.", n=MIN_LENGTH))
    _check_organisation(organisation_id)
    user = User(
        email=email,
        name=name,
        password_hash=password_hash or hash_password(password),
        organisation_id=organisation_id,
        is_admin=is_admin,
    )
    db.session.add(user)
    db.session.flush()
    if is_admin:  # admin rights are logged however they are given
        security_log.event("person.admin", person_id=user.id, is_admin=True)
    return user


def _valid_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise Invalid("name", _("Give the person's name (at most 200 characters)."))
    return name


def _free_email(email: str, person: User | None = None) -> str:
    """The address normalised, if it is valid and no one else signs in with it."""
    email = normalise_email(email)
    taken_by = db.session.scalar(select(User.id).where(User.email == email))
    if taken_by is not None and (person is None or taken_by != person.id):
        raise Duplicate("email", _("This email address is already in use."))
    if lookalike_account(email, person):
        raise Duplicate(
            "email",
            _("This address can be mistaken for the address of another account; use another."),
        )
    return email


def _check_organisation(organisation_id: int | None) -> None:
    if organisation_id is not None and db.session.get(Organisation, organisation_id) is None:
        raise Invalid("organisation_id", _("This organisation does not exist."))


def change_email(person: User, new_email: str) -> bool:
    """Give a person a new sign-in address; the old one is told, in case it was not them.

    Returns whether anything changed.
    """
    email = _free_email(new_email, person)
    if email == person.email:
        return False
    _set_email(person, email)
    db.session.flush()
    return True


def _set_email(person: User, email: str) -> None:
    """Change an address already checked by `_free_email`: log it and tell the old one."""
    old = person.email
    person.email = email
    security_log.event("account.email", person_id=person.id, previous=old, email=email)
    _tell_old_address(person, old)


def _tell_old_address(person: User, old: str) -> None:
    from webapp.notifications.operations import user_language

    with force_locale(user_language(person)):
        queue_email(
            old,
            _("Your e-mail address in the strategy studio was changed"),
            _(
                "The address you sign in with was changed from %(old)s to %(new)s. "
                "If you did not ask for this, tell the agency at once.",
                old=old,
                new=person.email,
            ),
        )


def update_person(
    person: User,
    *,
    name: str,
    email: str,
    organisation_id: int | None,
    is_admin: bool,
    active: bool,
) -> None:
    """An admin corrects a person's account; disabling it ends their sessions and tokens.

    Everything is checked before anything is set, so a refusal changes nothing.
    """
    name = _valid_name(name)
    email = _free_email(email, person)
    _check_organisation(organisation_id)
    person.name = name
    person.organisation_id = organisation_id
    if email != person.email:
        _set_email(person, email)
    if is_admin != person.is_admin:
        security_log.event("person.admin", person_id=person.id, is_admin=is_admin)
        person.is_admin = is_admin
    if active != person.active:
        security_log.event("person.active", person_id=person.id, active=active)
        person.active = active
        if not active:
            sessions.end_all(person)
            tokens.revoke_all(person)
    db.session.flush()
