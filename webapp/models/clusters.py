"""Clusters, who is in them, their workflow stages and the strategy's sign-offs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, one_of, utcnow
from webapp.models.people import Organisation, User
from workflows.roles import MEMBERSHIP_ROLES

SECTORS: tuple[str, ...] = ("agri-food", "medical", "creative", "chemical", "other")
STAGE_STATES: tuple[str, ...] = ("locked", "drafting", "in_review", "approved")


class WorkflowDefinitionRecord(db.Model):
    """A workflow definition as it was when a cluster started with it (never changed)."""

    __tablename__ = "workflow_definitions"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50))
    version: Mapped[int]
    body: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Cluster(db.Model):
    __tablename__ = "clusters"
    __table_args__ = (one_of("sector", SECTORS, "sector"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(20))
    goal: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(5), default="pl")
    definition_id: Mapped[int] = mapped_column(ForeignKey("workflow_definitions.id"))
    #: Bumped whenever sign-offs are voided; only sign-offs of the current round count.
    signoff_round: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    definition_record: Mapped[WorkflowDefinitionRecord] = relationship()
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="cluster", cascade="all, delete-orphan"
    )
    stages: Mapped[list[Stage]] = relationship(
        back_populates="cluster", order_by="Stage.position", cascade="all, delete-orphan"
    )


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("cluster_id", "user_id"),
        one_of("role", tuple(r.value for r in MEMBERSHIP_ROLES), "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cluster: Mapped[Cluster] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")


class Stage(db.Model):
    __tablename__ = "stages"
    __table_args__ = (
        UniqueConstraint("cluster_id", "key"),
        one_of("state", STAGE_STATES, "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(50))
    position: Mapped[int]
    state: Mapped[str] = mapped_column(String(20), default="locked")
    needs_review: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Optimistic lock: two moderators approving at once, only one UPDATE matches.
    version: Mapped[int] = mapped_column(default=1)

    cluster: Mapped[Cluster] = relationship(back_populates="stages")

    __mapper_args__ = {"version_id_col": version}


class SignOff(db.Model):
    """An organisation's signature under the strategy, in one sign-off round."""

    __tablename__ = "signoffs"
    __table_args__ = (UniqueConstraint("cluster_id", "organisation_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    round: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The document version signed (its number, date and checksum were shown before signing).
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship()
