"""Meetings of a cluster (initiating conference, workshops) and who attended them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, one_of, utcnow
from webapp.models.people import Organisation, User
from workflows.kinds import ORGANISATION_KINDS

MEETING_KINDS: tuple[str, ...] = ("conference", "workshop", "other")


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (
        one_of("kind", MEETING_KINDS, "kind"),
        # The series rules of webapp.meetings.operations, kept by the database as well, so
        # two moderators planning at the same moment cannot both win. Only workshops
        # carry a number; NULLs never clash.
        UniqueConstraint("cluster_id", "number"),
        Index(
            "uq_meetings_one_conference",
            "cluster_id",
            unique=True,
            sqlite_where=text("kind = 'conference'"),
            postgresql_where=text("kind = 'conference'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"))
    #: Bumped by every update (UPDATE … WHERE version = :read): an edit made from an older
    #: form, or racing another request, is refused instead of overwriting.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[int | None]  # place in the series: workshop 1-6
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    held: Mapped[bool] = mapped_column(default=False)
    #: Where only a number is known (conferences): people counted at the door.
    head_count: Mapped[int | None]
    section_keys: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class Attendance(db.Model):
    __tablename__ = "attendance"
    __table_args__ = (one_of("guest_kind", (*ORGANISATION_KINDS, ""), "guest_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    guest_name: Mapped[str] = mapped_column(String(200), default="")
    guest_organisation: Mapped[str] = mapped_column(String(200), default="")
    guest_kind: Mapped[str] = mapped_column(String(20), default="")
    # A guest's address from the sign-in sheet, kept for the meeting's managers (never shown to others).
    guest_email: Mapped[str] = mapped_column(String(254), default="", server_default="")

    user: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
