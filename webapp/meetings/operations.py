"""Verbs for meetings and their attendance. They check, flush and audit; the request commits.

Rules a meeting keeps (each refused with a message naming the field):
- a workshop has its number in the series (1 to WORKSHOP_SERIES), each number once;
- a cluster has one initiating conference, and the cluster began with it: no meeting is
  dated before it (the conference itself cannot come after another meeting);
- it ends after it starts; the sections it worked on are sections of the cluster.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from webapp import audit
from webapp.clusters.queries import definition_of
from webapp.extensions import db
from webapp.meetings import MEETING_KIND_LABELS, WORKSHOP_SERIES
from webapp.meetings.csv_import import Sheet, fold
from webapp.meetings.queries import local
from webapp.models import Attendance, Cluster, Meeting, Membership, User
from webapp.models.meetings import MEETING_KINDS
from webapp.problems import Duplicate, Invalid, Stale
from workflows.kinds import ORGANISATION_KINDS

MAX_TITLE = 200
MAX_TEXT = 100_000
MAX_HEAD_COUNT = 100_000


@dataclass
class MeetingInput:
    kind: str
    starts_at: datetime  # aware
    number: int | None = None
    title: str = ""
    ends_at: datetime | None = None
    place: str = ""
    agenda: str = ""
    minutes: str = ""
    section_keys: list[str] = field(default_factory=list)
    held: bool = False
    head_count: int | None = None


def default_title(kind: str, number: int | None) -> str:
    if kind == "workshop" and number:
        return _("Workshop %(number)d", number=number)
    return str(MEETING_KIND_LABELS.get(kind, kind))


def _day(moment: datetime) -> str:
    return format_date(local(moment), "long")


def _describe(meeting: Meeting) -> str:
    return meeting.title or default_title(meeting.kind, meeting.number)


def _check(cluster: Cluster, data: MeetingInput, meeting: Meeting | None) -> MeetingInput:
    if data.kind not in MEETING_KINDS:
        raise Invalid("kind", _("Choose the kind of meeting."))
    if data.starts_at is None or data.starts_at.tzinfo is None:
        raise Invalid("date", _("Give the date and time of the meeting."))
    number = data.number if data.kind == "workshop" else None
    if data.kind == "workshop" and (number is None or not 1 <= number <= WORKSHOP_SERIES):
        raise Invalid(
            "number",
            _(
                "A workshop has its number in the series, from 1 to %(series)d.",
                series=WORKSHOP_SERIES,
            ),
        )
    if data.ends_at is not None and data.ends_at <= data.starts_at:
        raise Invalid("end_time", _("The meeting must end after it starts."))
    if data.head_count is not None and not 0 <= data.head_count <= MAX_HEAD_COUNT:
        raise Invalid("head_count", _("The head count must be between 0 and %(max)d.", max=MAX_HEAD_COUNT))
    title = " ".join((data.title or "").split()) or default_title(data.kind, number)
    place = " ".join((data.place or "").split())
    if len(title) > MAX_TITLE or len(place) > MAX_TITLE:
        raise Invalid(
            "title",
            _("The title and the place may hold at most %(max)d characters.", max=MAX_TITLE),
        )
    if len(data.agenda or "") > MAX_TEXT or len(data.minutes or "") > MAX_TEXT:
        raise Invalid(
            "minutes",
            _("The agenda and the minutes may hold at most %(max)d characters.", max=MAX_TEXT),
        )
    known = {s.key for s in definition_of(cluster).all_sections()}
    keys = list(dict.fromkeys(data.section_keys or []))
    if unknown := [k for k in keys if k not in known]:
        raise Invalid("section_keys", _("Unknown sections: %(keys)s.", keys=", ".join(unknown)))
    _check_series(cluster, data.kind, number, data.starts_at, meeting)
    return MeetingInput(
        kind=data.kind,
        starts_at=data.starts_at,
        number=number,
        title=title,
        ends_at=data.ends_at,
        place=place,
        agenda=data.agenda or "",
        minutes=data.minutes or "",
        section_keys=keys,
        held=bool(data.held),
        head_count=data.head_count,
    )


def _check_series(
    cluster: Cluster, kind: str, number: int | None, starts_at: datetime, meeting: Meeting | None
) -> None:
    others = [
        m
        for m in db.session.scalars(
            select(Meeting).where(Meeting.cluster_id == cluster.id).order_by(Meeting.starts_at)
        )
        if meeting is None or m.id != meeting.id
    ]
    day = local(starts_at).date()
    conference = next((m for m in others if m.kind == "conference"), None)
    if kind == "conference":
        if conference is not None:
            raise Duplicate(
                "kind",
                _(
                    "This cluster already has its initiating conference (%(date)s).",
                    date=_day(conference.starts_at),
                ),
            )
        earlier = next((m for m in others if local(m.starts_at).date() < day), None)
        if earlier is not None:
            raise Invalid(
                "date",
                _(
                    "The initiating conference begins the cluster's work, but %(meeting)s "
                    "took place before it, on %(date)s.",
                    meeting=_describe(earlier),
                    date=_day(earlier.starts_at),
                ),
            )
    elif conference is not None and day < local(conference.starts_at).date():
        raise Invalid(
            "date",
            _(
                "The cluster began with its initiating conference on %(date)s: "
                "a meeting cannot be dated before that.",
                date=_day(conference.starts_at),
            ),
        )
    if kind == "workshop":
        twin = next((m for m in others if m.kind == "workshop" and m.number == number), None)
        if twin is not None:
            raise Duplicate(
                "number",
                _(
                    "Workshop %(number)d is already planned (%(date)s).",
                    number=number,
                    date=_day(twin.starts_at),
                ),
            )


def _apply(meeting: Meeting, data: MeetingInput) -> None:
    meeting.kind = data.kind
    meeting.number = data.number
    meeting.title = data.title
    meeting.starts_at = data.starts_at
    meeting.ends_at = data.ends_at
    meeting.place = data.place
    meeting.agenda = data.agenda
    meeting.minutes = data.minutes
    meeting.section_keys = data.section_keys
    meeting.held = data.held
    meeting.head_count = data.head_count


@contextmanager
def _kept_by_the_database(kind: str) -> Iterator[None]:
    """Refuse what the checks above could not see: another request committed in between
    (the same workshop number, a second conference, or a newer version of the meeting)."""
    try:
        with db.session.begin_nested():
            yield
            db.session.flush()
    except IntegrityError:
        raise Duplicate(
            "number" if kind == "workshop" else "kind",
            _("Someone has just planned the same meeting. Reload the list to see it."),
        ) from None
    except StaleDataError:
        raise Stale(
            "version",
            _(
                "Someone else saved this meeting a moment ago. Your changes are still in "
                "the form: check them and save again to keep them."
            ),
        ) from None


def plan_meeting(cluster: Cluster, data: MeetingInput) -> Meeting:
    checked = _check(cluster, data, None)
    meeting = Meeting(cluster_id=cluster.id)
    _apply(meeting, checked)
    with _kept_by_the_database(checked.kind):
        db.session.add(meeting)
    audit.record("meeting.plan", cluster, subject=meeting.title, meeting_id=meeting.id, kind=meeting.kind)
    db.session.flush()
    return meeting


def update_meeting(
    cluster: Cluster, meeting: Meeting, data: MeetingInput, read_version: int | None = None
) -> Meeting:
    """Save an edit; `read_version` is the version the person's form was filled from."""
    if read_version is not None and read_version != meeting.version:
        raise Stale(
            "version",
            _(
                "Someone else saved this meeting after you opened it. Your changes are still "
                "in the form: check them and save again to keep them."
            ),
        )
    checked = _check(cluster, data, meeting)
    with _kept_by_the_database(checked.kind):
        _apply(meeting, checked)
    audit.record("meeting.update", cluster, subject=meeting.title, meeting_id=meeting.id)
    db.session.flush()
    return meeting


def delete_meeting(cluster: Cluster, meeting: Meeting) -> None:
    audit.record("meeting.delete", cluster, subject=meeting.title, meeting_id=meeting.id)
    db.session.delete(meeting)
    db.session.flush()


def add_person(cluster: Cluster, meeting: Meeting, user: User) -> Attendance:
    """A person with an account attended (they must be in the cluster)."""
    in_cluster = db.session.scalar(
        select(Membership.id).where(Membership.cluster_id == cluster.id, Membership.user_id == user.id)
    )
    if in_cluster is None:
        raise Invalid("user_id", _("Choose a person of this cluster."))
    present = db.session.scalar(
        select(Attendance.id).where(Attendance.meeting_id == meeting.id, Attendance.user_id == user.id)
    )
    if present is not None:
        raise Duplicate("user_id", _("%(name)s is already on the attendance list.", name=user.name))
    row = Attendance(meeting_id=meeting.id, user_id=user.id, organisation_id=user.organisation_id)
    db.session.add(row)
    audit.record("meeting.attend", cluster, subject=user.email, meeting_id=meeting.id)
    db.session.flush()
    return row


def add_guest(cluster: Cluster, meeting: Meeting, name: str, organisation: str, kind: str) -> Attendance:
    """A guest without an account: their name, organisation and its kind, as written."""
    name = " ".join((name or "").split())
    organisation = " ".join((organisation or "").split())
    if not name:
        raise Invalid("name", _("Give the guest's name."))
    if len(name) > MAX_TITLE or len(organisation) > MAX_TITLE:
        raise Invalid("name", _("A name or organisation may hold at most %(max)d characters.", max=MAX_TITLE))
    if kind not in (*ORGANISATION_KINDS, ""):
        raise Invalid("kind", _("Choose the kind of organisation."))
    key = (fold(name), fold(organisation))
    guests = db.session.execute(
        select(Attendance.guest_name, Attendance.guest_organisation).where(
            Attendance.meeting_id == meeting.id, Attendance.user_id.is_(None)
        )
    ).all()
    if any((fold(n), fold(o)) == key for n, o in guests):
        raise Duplicate("name", _("%(name)s is already on the attendance list.", name=name))
    row = Attendance(meeting_id=meeting.id, guest_name=name, guest_organisation=organisation, guest_kind=kind)
    db.session.add(row)
    audit.record("meeting.attend", cluster, subject=name, meeting_id=meeting.id, guest=True)
    db.session.flush()
    return row


def remove_attendance(cluster: Cluster, meeting: Meeting, row: Attendance) -> None:
    name = row.user.email if row.user is not None else row.guest_name
    audit.record("meeting.unattend", cluster, subject=name, meeting_id=meeting.id)
    db.session.delete(row)
    db.session.flush()


def import_sheet(cluster: Cluster, meeting: Meeting, sheet: Sheet) -> int:
    """Every row of a checked sign-in sheet, or none: a sheet with a bad row is refused."""
    if not sheet.ok:
        raise Invalid("file", _("The sheet has errors; nothing was imported."))
    for row in sheet.rows:
        if row.user_id is not None:
            db.session.add(
                Attendance(meeting_id=meeting.id, user_id=row.user_id, organisation_id=row.organisation_id)
            )
        else:
            db.session.add(
                Attendance(
                    meeting_id=meeting.id,
                    organisation_id=row.organisation_id,
                    guest_name=row.name,
                    guest_organisation=row.organisation,
                    guest_kind=row.kind if row.kind in ORGANISATION_KINDS else "",
                )
            )
    audit.record(
        "meeting.import",
        cluster,
        subject=meeting.title,
        meeting_id=meeting.id,
        rows=len(sheet.rows),
    )
    db.session.flush()
    return len(sheet.rows)
