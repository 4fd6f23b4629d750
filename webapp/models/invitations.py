"""Invitations: a person added by e-mail sets their own password through a one-time link."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, utcnow
from webapp.models.people import User


class Invitation(db.Model):
    """One link sent to an invited person. Only the token's hash is kept, so the table
    opens no account; the link works once, until `expires_at`, and a newer invitation of
    the same person replaces it (`used_at` is then set without the password being set)."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id", ondelete="SET NULL"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When the link was used to set the password, or replaced by a newer one.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Whether the person set their password through it (False: replaced or still open).
    accepted: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
