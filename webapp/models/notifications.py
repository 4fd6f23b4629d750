"""Notifications in the app, each person's choices of how to get them, and the e-mail outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.models.base import UTCDateTime, one_of, utcnow

NOTIFICATION_KINDS: tuple[str, ...] = (
    "review_requested",  # a stage was submitted for review (moderators)
    "stage_changed",  # a stage was returned, approved or reopened (members)
    "reply",  # a reply to your comment
    "mention",  # someone @mentioned you
    "objection",  # an objection on a section you wrote
    "document_ready",  # a document you asked for is ready
    "proposal",  # a change was proposed to a section you may edit
    "proposal_decided",  # your proposal was accepted, rejected or found outdated
    "poll_opened",  # a poll you may vote in opened
    "poll_closing",  # a poll you have not voted in closes soon
)
DELIVERY_MODES: tuple[str, ...] = ("immediate", "digest", "off")


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        one_of("kind", NOTIFICATION_KINDS, "kind"),
        Index("ix_notifications_user_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    #: Message parameters; the text is made in the reader's language when shown.
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotificationPreference(db.Model):
    __tablename__ = "notification_preferences"
    __table_args__ = (
        UniqueConstraint("user_id", "kind"),
        one_of("mode", DELIVERY_MODES, "mode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    mode: Mapped[str] = mapped_column(String(20))


class OutboxEmail(db.Model):
    """E-mail waiting to be sent, or kept for the admin to see when no SMTP is configured."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str] = mapped_column(Text, default="")


class SectionPresence(db.Model):
    """Who has a section's editor open; a heartbeat refreshes seen_at."""

    __tablename__ = "section_presence"
    __table_args__ = (UniqueConstraint("section_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
