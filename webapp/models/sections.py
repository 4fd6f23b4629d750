"""Strategy sections and their revisions (rows that are never overwritten)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, utcnow
from webapp.models.clusters import Cluster, Stage
from webapp.models.people import User


class Section(db.Model):
    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("cluster_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(50))
    kind: Mapped[str] = mapped_column(String(20))
    position: Mapped[int]
    #: Number of the latest revision (0: nothing written yet). Saves are conditional on it.
    revision: Mapped[int] = mapped_column(default=0)
    content: Mapped[object] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cluster: Mapped[Cluster] = relationship()
    stage: Mapped[Stage] = relationship()


class SectionRevision(db.Model):
    __tablename__ = "section_revisions"
    __table_args__ = (UniqueConstraint("section_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    number: Mapped[int]
    content: Mapped[object] = mapped_column(JSON)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    base_number: Mapped[int] = mapped_column(default=0)
    merged: Mapped[bool] = mapped_column(default=False)
    change_size: Mapped[int] = mapped_column(default=0)
    restored_from: Mapped[int | None]
    #: Who accepted it, when the revision is an accepted proposal (its author is the proposer).
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
