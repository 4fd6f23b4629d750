"""Read-only views of meetings and attendance, shaped for the pages (few queries, no N+1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from webapp.collation import polish, polish_key
from webapp.extensions import db
from webapp.meetings.csv_import import Person, SheetContext, fold
from webapp.models import Attendance, Cluster, Meeting, Membership, Organisation, User
from webapp.timezone import local


def local_days(meeting: Meeting) -> tuple[date, date]:
    """The calendar days a meeting covers, where it took place."""
    first = local(meeting.starts_at).date()
    last = local(meeting.ends_at).date() if meeting.ends_at else first
    return first, max(first, last)


@dataclass
class MeetingRow:
    meeting: Meeting
    attendance: int

    @property
    def participants(self) -> int:
        return participants(self.meeting, self.attendance)


def participants(meeting: Meeting, attendance: int) -> int:
    """Where only the door count is known (conferences) it wins over the list."""
    return meeting.head_count if meeting.head_count is not None else attendance


def meetings_of(cluster: Cluster) -> list[MeetingRow]:
    """The cluster's meetings in date order, with their attendance counts: one query."""
    counts = (
        select(Attendance.meeting_id, func.count(Attendance.id).label("n"))
        .group_by(Attendance.meeting_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Meeting, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.meeting_id == Meeting.id)
        .where(Meeting.cluster_id == cluster.id)
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    return [MeetingRow(meeting, count) for meeting, count in rows]


def meeting_in(cluster: Cluster, meeting_id: int) -> Meeting:
    """The meeting, if it belongs to this cluster (else 404, as for one that is not there)."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.cluster_id != cluster.id:
        abort(404)
    return meeting


def attendance_of(meeting: Meeting) -> list[Attendance]:
    """Attendance rows with their people and organisations loaded, ordered by name."""
    rows = db.session.scalars(
        select(Attendance)
        .where(Attendance.meeting_id == meeting.id)
        .options(
            joinedload(Attendance.user).joinedload(User.organisation),
            joinedload(Attendance.organisation),
        )
    ).all()
    return sorted(rows, key=lambda a: (polish_key(attendee_name(a)), a.id))


def attendee_name(row: Attendance) -> str:
    return row.user.name if row.user is not None else row.guest_name


def attendee_organisation(row: Attendance) -> tuple[str, str]:
    """(name, kind) of the organisation the attendee came from."""
    org = row.organisation or (row.user.organisation if row.user is not None else None)
    if org is not None:
        return org.name, org.kind
    return row.guest_organisation, row.guest_kind


def worked_on(cluster: Cluster, section_key: str) -> list[Meeting]:
    """Meetings that worked on a section, in date order (for the section page).

    Section keys are a JSON list on the meeting; a cluster has a handful of meetings,
    so they are filtered here rather than with dialect-specific JSON operators.
    """
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.cluster_id == cluster.id).order_by(Meeting.starts_at)
    ).all()
    return [m for m in meetings if section_key in (m.section_keys or [])]


def cluster_people(cluster: Cluster) -> list[User]:
    """Everyone in the cluster (any role), with their organisations, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.cluster_id == cluster.id)
            .options(joinedload(User.organisation))
            .order_by(polish(User.name), User.id)
        ).all()
    )


def sheet_context(cluster: Cluster, meeting: Meeting) -> SheetContext:
    """What a sign-in sheet for this meeting is checked against."""
    people = {
        user.email.casefold(): Person(user.id, user.name, user.organisation_id)
        for user in cluster_people(cluster)
    }
    organisations = {
        fold(name): (org_id, kind)
        for org_id, name, kind in db.session.execute(
            select(Organisation.id, Organisation.name, Organisation.kind)
        ).all()
    }
    attending = db.session.execute(
        select(Attendance.user_id, Attendance.guest_name, Attendance.guest_organisation).where(
            Attendance.meeting_id == meeting.id
        )
    ).all()
    first, last = local_days(meeting)
    return SheetContext(
        first_day=first,
        last_day=last,
        people_by_email=people,
        organisations=organisations,
        attending_users=frozenset(u for u, _n, _o in attending if u is not None),
        attending_guests=frozenset((fold(n), fold(o)) for u, n, o in attending if u is None),
    )
