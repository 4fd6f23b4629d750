"""A cluster's published strategy: one adopted version readable by anyone at /p/SLUG."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, utcnow
from webapp.models.documents import Document
from webapp.models.people import User


class Publication(db.Model):
    """At most one row per cluster (the unique `cluster_id`): publishing another version
    replaces the row, withdrawing deletes it, so "is it public?" is one lookup."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[Document] = relationship()
    published_by: Mapped[User | None] = relationship()
