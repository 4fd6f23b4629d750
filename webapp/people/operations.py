"""Verbs for organisations and people. They flush; the request commits."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from webapp.auth.operations import normalise_email
from webapp.auth.passwords import MIN_LENGTH, hash_password
from webapp.extensions import db
from webapp.models import Organisation, User
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
    if db.session.scalar(
        select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
    ):
        raise Duplicate("name", _("An organisation with this name already exists."))
    if nip_value and db.session.scalar(
        select(Organisation.id).where(Organisation.nip == nip_value)
    ):
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
    email = normalise_email(email)
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        raise Invalid("email", _("Give a valid email address."))
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise Invalid("name", _("Give the person's name (at most 200 characters)."))
    if password_hash is None and len(password or "") < MIN_LENGTH:
        raise Invalid("password", _("The password needs at least %(n)s characters.", n=MIN_LENGTH))
    if organisation_id is not None and db.session.get(Organisation, organisation_id) is None:
        raise Invalid("organisation_id", _("This organisation does not exist."))
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise Duplicate("email", _("This email address is already in use."))
    user = User(
        email=email,
        name=name,
        password_hash=password_hash or hash_password(password),
        organisation_id=organisation_id,
        is_admin=is_admin,
    )
    db.session.add(user)
    db.session.flush()
    return user
