"""Polls of a cluster (dot votes, rankings, scores, choices), their options and votes.

The counting rules are `workflows.polls`; here is what is stored. One `Vote` row per
(poll, voter key): the key is the organisation in a poll counted per organisation, the
person otherwise (and always for an invited observer). A vote changed, or cast by a
colleague of the same organisation, updates that row in place, so twenty simultaneous
votes of one organisation can only ever leave one row, on SQLite as on PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, one_of, utcnow
from webapp.models.people import Organisation, User
from workflows.polls import POLL_KINDS, VOTER_MODES


class Poll(db.Model):
    __tablename__ = "polls"
    __table_args__ = (one_of("kind", POLL_KINDS, "kind"), one_of("voter", VOTER_MODES, "voter"))

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"), index=True)
    #: The workshop (or other meeting) the poll was run at, if any.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    question: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20))
    voter: Mapped[str] = mapped_column(String(20), default="organisation")
    #: A choice poll: several options may be chosen (otherwise one).
    multiple: Mapped[bool] = mapped_column(default=False)
    #: A dot vote: dots each voter spreads, and at most this many on one option.
    dots: Mapped[int | None]
    max_per_option: Mapped[int | None]
    #: Other participants do not see who voted how (the audit trail still counts the vote).
    anonymous: Mapped[bool] = mapped_column(default=False)
    #: Results are shown to a voter only once they have voted, or the poll has closed.
    hide_results: Mapped[bool] = mapped_column(default=False)
    #: Observers may vote; their votes are shown apart and never counted in the totals.
    invite_observers: Mapped[bool] = mapped_column(default=False)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Bumped by every vote (a conditional UPDATE, which is also what refuses a vote after
    #: closing): the projector page asks whether anything changed since.
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the results were applied to the strategy's order, and the revision it made.
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    applied_revision: Mapped[int | None]
    #: When voters were reminded that the poll is about to close (at most once).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    options: Mapped[list[PollOption]] = relationship(
        back_populates="poll", order_by="PollOption.position", cascade="all, delete-orphan"
    )
    created_by: Mapped[User | None] = relationship()


class PollOption(db.Model):
    __tablename__ = "poll_options"
    __table_args__ = (UniqueConstraint("poll_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    position: Mapped[int]
    #: The label as it was when the poll was made (an item renamed later keeps the vote's words).
    label: Mapped[str] = mapped_column(String(500))
    #: The structured section and item the option stands for ("" for a typed option).
    section_key: Mapped[str] = mapped_column(String(50), default="")
    item_id: Mapped[str] = mapped_column(String(64), default="")

    poll: Mapped[Poll] = relationship(back_populates="options")


class Vote(db.Model):
    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("poll_id", "voter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    #: "o:ORG_ID" (an organisation's one voice) or "p:USER_ID" (a person's).
    voter_key: Mapped[str] = mapped_column(String(40))
    #: Who cast the vote as it stands (the latest of an organisation's people).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    observer: Mapped[bool] = mapped_column(default=False)
    ballot: Mapped[dict] = mapped_column(JSON)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: How many times the vote was cast or changed.
    changes: Mapped[int] = mapped_column(default=1)

    user: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
