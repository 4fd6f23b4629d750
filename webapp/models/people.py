"""Organisations and the people who belong to them."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, one_of, utcnow
from workflows.grammar import PERSON_FORMS
from workflows.kinds import ORGANISATION_KINDS


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (one_of("kind", ORGANISATION_KINDS, "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    nip: Mapped[str | None] = mapped_column(String(10), unique=True)
    city: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="organisation")


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (one_of("grammatical_form", PERSON_FORMS, "grammatical_form"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # kept lower-case
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    #: How Polish verbs about this person agree ("przekazała", "przekazał"), as they state it
    #: on their account; None: not stated, the texts then use wordings without agreement.
    grammatical_form: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")
    memberships: Mapped[list[Membership]] = relationship(  # noqa: F821
        back_populates="user", cascade="all, delete-orphan"
    )

    #: The sign-in session this request runs under (set by the user loader), so the
    #: identity Flask-Login keeps in the cookie is the revocable session, not the user id.
    login_session = None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        if self.login_session is None or self.login_session.token is None:
            raise RuntimeError("a user is signed in only through a LoginSession")
        return self.login_session.token
