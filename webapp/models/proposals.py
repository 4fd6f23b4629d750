"""Proposals: suggested new contents of a section, kept whatever becomes of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, one_of, utcnow
from webapp.models.clusters import Cluster
from webapp.models.people import User
from webapp.models.sections import Section
from workflows.proposals import STATES


class Proposal(db.Model):
    __tablename__ = "proposals"
    __table_args__ = (
        one_of("status", STATES, "status"),
        Index("ix_proposals_section_status", "section_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    #: The revision the proposal was written on: the base of the merge when it is accepted.
    base_revision: Mapped[int]
    content: Mapped[object] = mapped_column(JSON)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open")
    #: Why it was rejected (required then), or why it was found outdated.
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The section revision an accepted proposal became.
    revision: Mapped[int | None]
    #: Where it came from when not typed on the page or sent to the API ("upload:12").
    source: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cluster: Mapped[Cluster] = relationship()
    section: Mapped[Section] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
