"""Verbs for meetings and their attendance. They check, flush and audit; the request commits.

Which meetings a cluster's series may hold (kinds, workshop numbers, the initiating
conference first, an end after the start) is decided by `workflows.meetings`; here the
cluster's other meetings are gathered for it and each refusal is worded, naming the field.
The bounds of the input (lengths, the head count) and the sections a meeting worked on
(sections of the cluster) are checked here.
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

from webapp import events
from webapp.clusters.queries import definition_of
from webapp.extensions import db
from webapp.meetings import MEETING_KIND_LABELS
from webapp.meetings.csv_import import Sheet, fold
from webapp.models import Attendance, Cluster, Meeting, Membership, User
from webapp.problems import Duplicate, Invalid, Stale
from webapp.timezone import local
from workflows import meetings as series
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


def _refusal(problem: series.SeriesProblem, other: Meeting | None = None) -> Invalid | Duplicate:
    """The person's words for what `workflows.meetings` refused; `other`: the meeting in the way."""
    code = problem.code
    if code == series.UNKNOWN_KIND:
        field, message = "kind", _("Choose the kind of meeting.")
    elif code == series.NUMBER_OUTSIDE_SERIES:
        field = "number"
        message = _(
            "A workshop has its number in the series, from 1 to %(series)d.",
            series=series.WORKSHOP_SERIES,
        )
    elif code == series.ENDS_BEFORE_IT_STARTS:
        field, message = "end_time", _("The meeting must end after it starts.")
    else:
        assert other is not None, code  # the series codes all name the meeting in the way
        field, message = _series_refusal(code, other)
    return (Duplicate if problem.duplicate else Invalid)(field, message)


def _series_refusal(code: str, other: Meeting) -> tuple[str, str]:
    if code == series.SECOND_CONFERENCE:
        return "kind", _(
            "This cluster already has its initiating conference (%(date)s).",
            date=_day(other.starts_at),
        )
    if code == series.CONFERENCE_NOT_FIRST:
        return "date", _(
            "The initiating conference begins the cluster's work, but %(meeting)s "
            "took place before it, on %(date)s.",
            meeting=_describe(other),
            date=_day(other.starts_at),
        )
    if code == series.BEFORE_CONFERENCE:
        return "date", _(
            "The cluster began with its initiating conference on %(date)s: "
            "a meeting cannot be dated before that.",
            date=_day(other.starts_at),
        )
    assert code == series.WORKSHOP_NUMBER_TAKEN, code
    return "number", _(
        "Workshop %(number)d is already planned (%(date)s).",
        number=other.number,
        date=_day(other.starts_at),
    )


def _check(cluster: Cluster, data: MeetingInput, meeting: Meeting | None) -> MeetingInput:
    if problem := series.kind_problem(data.kind):
        raise _refusal(problem)
    if data.starts_at is None or data.starts_at.tzinfo is None:
        raise Invalid("date", _("Give the date and time of the meeting."))
    number = series.series_number(data.kind, data.number)
    if problem := series.number_problem(data.kind, number):
        raise _refusal(problem)
    if problem := series.timing_problem(data.starts_at, data.ends_at):
        raise _refusal(problem)
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
    problem = series.series_problem(
        series.Dated(kind, number, local(starts_at).date()),
        [series.Dated(m.kind, m.number, local(m.starts_at).date()) for m in others],
    )
    if problem is not None:
        raise _refusal(problem, others[problem.other] if problem.other is not None else None)


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
    events.emit("meeting.plan", cluster, subject=meeting.title, meeting_id=meeting.id, kind=meeting.kind)
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
    events.emit("meeting.update", cluster, subject=meeting.title, meeting_id=meeting.id)
    db.session.flush()
    return meeting


def delete_meeting(cluster: Cluster, meeting: Meeting) -> None:
    events.emit("meeting.delete", cluster, subject=meeting.title, meeting_id=meeting.id)
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
    events.emit("meeting.attend", cluster, subject=user.email, meeting_id=meeting.id)
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
    events.emit("meeting.attend", cluster, subject=name, meeting_id=meeting.id, guest=True)
    db.session.flush()
    return row


def remove_attendance(cluster: Cluster, meeting: Meeting, row: Attendance) -> None:
    name = row.user.email if row.user is not None else row.guest_name
    events.emit("meeting.unattend", cluster, subject=name, meeting_id=meeting.id)
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
                    guest_email=row.email,
                )
            )
    events.emit(
        "meeting.import",
        cluster,
        subject=meeting.title,
        meeting_id=meeting.id,
        rows=len(sheet.rows),
    )
    db.session.flush()
    return len(sheet.rows)
