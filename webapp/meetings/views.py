"""Meeting pages of a cluster: the list, one meeting, planning, attendance, the CSV sheet.

Every view loads the cluster through `cluster_for` (404 for outsiders), asks for
MANAGE_MEETINGS before changing anything, calls an operation and commits once.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from datetime import datetime

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_time, get_locale
from flask_babel import gettext as _

from webapp.access import cluster_for
from webapp.clusters.queries import definition_of
from webapp.downloads import content_disposition
from webapp.extensions import db
from webapp.form_flow import flash_redirect, handle_form
from webapp.links import public_host, public_url
from webapp.markdown import render_markdown
from webapp.meetings import MEETING_KIND_LABELS, WORKSHOP_SERIES
from webapp.meetings.csv_import import (
    MAX_BYTES,
    TEMPLATE_HEADERS,
    kind_word,
    parse_sheet,
    write_sheet,
)
from webapp.meetings.forms import (
    ConfirmForm,
    GuestAttendanceForm,
    MeetingForm,
    PersonAttendanceForm,
    SheetConfirmForm,
    SheetUploadForm,
)
from webapp.meetings.ics import meeting_calendar
from webapp.meetings.operations import (
    MeetingInput,
    add_guest,
    add_person,
    delete_meeting,
    import_sheet,
    plan_meeting,
    remove_attendance,
    update_meeting,
)
from webapp.meetings.queries import (
    attendance_of,
    attendee_name,
    attendee_organisation,
    cluster_people,
    local_days,
    meeting_in,
    meetings_of,
    participants,
    sheet_context,
)
from webapp.models import Attendance, Cluster, Meeting, User
from webapp.problems import Invalid, Stale
from webapp.security import reads_only
from webapp.timezone import local, zone
from workflows.roles import Permission, can

bp = Blueprint("meetings", __name__, url_prefix="/c/<slug>/meetings")

#: Where a section is shown (the sections feature's page).
SECTION_ENDPOINT = "sections.view"


def section_url(slug: str, key: str, stage_key: str) -> str:
    if SECTION_ENDPOINT in current_app.view_functions:
        return url_for(SECTION_ENDPOINT, slug=slug, key=key)
    # Without the sections feature (an app built without it): the stage on the cluster page.
    return url_for("clusters.detail", slug=slug, _anchor=f"stage-{stage_key}")


@bp.context_processor
def _labels() -> dict:
    return {
        "MEETING_KIND_LABELS": MEETING_KIND_LABELS,
        "render_markdown": render_markdown,
        "time_of": lambda moment: format_time(moment, "short"),
    }


def _sections(cluster: Cluster) -> list[tuple[str, str, str]]:
    """(key, title, stage key) of the cluster's sections in order, in the person's language."""
    lang = str(get_locale() or "pl")
    return [
        (section.key, section.title.get(lang), stage.key)
        for stage in definition_of(cluster).stages
        for section in stage.sections
    ]


def _meeting_form(cluster: Cluster, meeting: Meeting | None = None) -> MeetingForm:
    form = MeetingForm(obj=None)
    form.section_keys.choices = [(key, title) for key, title, _stage in _sections(cluster)]
    if meeting is not None and request.method == "GET":
        starts = local(meeting.starts_at)
        form.kind.data = meeting.kind
        form.number.data = meeting.number
        form.title.data = meeting.title
        form.date.data = starts.date()
        form.start_time.data = starts.time()
        form.end_time.data = local(meeting.ends_at).time() if meeting.ends_at else None
        form.place.data = meeting.place
        form.agenda.data = meeting.agenda
        form.minutes.data = meeting.minutes
        form.section_keys.data = list(meeting.section_keys or [])
        form.held.data = meeting.held
        form.head_count.data = meeting.head_count
        form.version.data = meeting.version
    return form


def _input(form: MeetingForm) -> MeetingInput:
    tz = zone()
    starts = datetime.combine(form.date.data, form.start_time.data, tzinfo=tz)
    ends = datetime.combine(form.date.data, form.end_time.data, tzinfo=tz) if form.end_time.data else None
    return MeetingInput(
        kind=form.kind.data,
        number=form.number.data,
        title=form.title.data or "",
        starts_at=starts,
        ends_at=ends,
        place=form.place.data or "",
        agenda=form.agenda.data or "",
        minutes=form.minutes.data or "",
        section_keys=list(form.section_keys.data or []),
        held=bool(form.held.data),
        head_count=form.head_count.data,
    )


def _read_version(form: MeetingForm) -> int | None:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return None


# --- the list and one meeting ---------------------------------------------------------


@bp.route("")
def index(slug: str):
    cluster, role = cluster_for(slug)
    return render_template(
        "meetings/index.html",
        cluster=cluster,
        role=role,
        rows=meetings_of(cluster),
        may_manage=can(role, Permission.MANAGE_MEETINGS),
        series=WORKSHOP_SERIES,
    )


def _render_detail(
    cluster: Cluster, role: str, meeting: Meeting, person_form=None, guest_form=None, status=200
):  # noqa: ANN001, ANN202
    may_manage = can(role, Permission.MANAGE_MEETINGS)
    rows = attendance_of(meeting)
    if may_manage and person_form is None:
        person_form = _person_form(cluster, rows)
    if may_manage and guest_form is None:
        guest_form = GuestAttendanceForm(formdata=None)
    sections = {key: (title, stage) for key, title, stage in _sections(cluster)}
    worked_on = [
        (key, sections[key][0], section_url(cluster.slug, key, sections[key][1]))
        for key in (meeting.section_keys or [])
        if key in sections
    ]
    return (
        render_template(
            "meetings/detail.html",
            cluster=cluster,
            role=role,
            meeting=meeting,
            rows=rows,
            attendee_name=attendee_name,
            attendee_organisation=attendee_organisation,
            participants=participants(meeting, len(rows)),
            worked_on=worked_on,
            may_manage=may_manage,
            person_form=person_form,
            guest_form=guest_form,
            confirm_form=ConfirmForm(),
        ),
        status,
    )


def _person_form(cluster: Cluster, rows: list[Attendance]) -> PersonAttendanceForm:
    form = PersonAttendanceForm()
    present = {a.user_id for a in rows if a.user_id is not None}
    # Starts on "— choose —", not on the first person (who would be added by an unread click).
    form.user_id.choices = [(0, _("— choose —"))] + [
        (u.id, f"{u.name} ({u.organisation.name})" if u.organisation else u.name)
        for u in cluster_people(cluster)
        if u.id not in present
    ]
    return form


@bp.route("/<int:meeting_id>")
def detail(slug: str, meeting_id: int):
    cluster, role = cluster_for(slug)
    return _render_detail(cluster, role, meeting_in(cluster, meeting_id))


@bp.route("/<int:meeting_id>.ics")
def calendar_file(slug: str, meeting_id: int):
    cluster, _role = cluster_for(slug)
    meeting = meeting_in(cluster, meeting_id)
    # The file leaves the site: its link and UID name PUBLIC_URL, never the Host header.
    url = public_url("meetings.detail", slug=slug, meeting_id=meeting.id)
    body = meeting_calendar(cluster, meeting, url, public_host())
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": content_disposition(f"{slug}-meeting-{meeting.id}.ics")},
    )


# --- planning ------------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
def new(slug: str):
    cluster, role = cluster_for(slug, Permission.MANAGE_MEETINGS)
    form = _meeting_form(cluster)
    return handle_form(
        form,
        lambda: plan_meeting(cluster, _input(form)),
        done=lambda meeting: flash_redirect(
            _("The meeting is planned."), url_for("meetings.detail", slug=slug, meeting_id=meeting.id)
        ),
        render=lambda status: (
            render_template("meetings/form.html", cluster=cluster, role=role, form=form, meeting=None),
            status,
        ),
    )


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit(slug: str, meeting_id: int):
    cluster, role = cluster_for(slug, Permission.MANAGE_MEETINGS)
    meeting = meeting_in(cluster, meeting_id)
    form = _meeting_form(cluster, meeting)

    def save() -> None:
        try:
            update_meeting(cluster, meeting, _input(form), _read_version(form))
        except Stale:  # refused before anything was changed
            form.version.data = meeting.version  # saving again keeps this person's edit
            raise

    return handle_form(
        form,
        save,
        done=lambda _none: flash_redirect(
            _("The meeting is saved."), url_for("meetings.detail", slug=slug, meeting_id=meeting.id)
        ),
        render=lambda status: (
            render_template("meetings/form.html", cluster=cluster, role=role, form=form, meeting=meeting),
            status,
        ),
    )


@bp.post("/<int:meeting_id>/delete")
def delete(slug: str, meeting_id: int):
    cluster, _role = cluster_for(slug, Permission.MANAGE_MEETINGS)
    meeting = meeting_in(cluster, meeting_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("meetings.detail", slug=slug, meeting_id=meeting_id))
    delete_meeting(cluster, meeting)
    flash(_("The meeting is deleted."), "success")
    return redirect(url_for("meetings.index", slug=slug))


# --- attendance ----------------------------------------------------------------------


@bp.post("/<int:meeting_id>/attendance/person")
def attend_person(slug: str, meeting_id: int):
    cluster, role = cluster_for(slug, Permission.MANAGE_MEETINGS)
    meeting = meeting_in(cluster, meeting_id)
    form = _person_form(cluster, attendance_of(meeting))

    def add() -> User:
        user = db.session.get(User, form.user_id.data)
        if user is None:
            raise Invalid("user_id", _("Choose a person of this cluster."))
        add_person(cluster, meeting, user)
        return user

    return handle_form(
        form,
        add,
        done=lambda user: flash_redirect(
            _("%(name)s is on the attendance list.", name=user.name),
            url_for("meetings.detail", slug=slug, meeting_id=meeting_id, _anchor="attendance"),
        ),
        render=lambda status: _render_detail(cluster, role, meeting, form, None, status),
    )


@bp.post("/<int:meeting_id>/attendance/guest")
def attend_guest(slug: str, meeting_id: int):
    cluster, role = cluster_for(slug, Permission.MANAGE_MEETINGS)
    meeting = meeting_in(cluster, meeting_id)
    form = GuestAttendanceForm()
    return handle_form(
        form,
        lambda: add_guest(
            cluster, meeting, form.name.data, form.organisation.data or "", form.kind.data or ""
        ),
        done=lambda _row: flash_redirect(
            _("%(name)s is on the attendance list.", name=form.name.data.strip()),
            url_for("meetings.detail", slug=slug, meeting_id=meeting_id, _anchor="attendance"),
        ),
        render=lambda status: _render_detail(cluster, role, meeting, None, form, status),
    )


@bp.post("/<int:meeting_id>/attendance/<int:attendance_id>/remove")
def unattend(slug: str, meeting_id: int, attendance_id: int):
    cluster, _role = cluster_for(slug, Permission.MANAGE_MEETINGS)
    meeting = meeting_in(cluster, meeting_id)
    row = db.session.get(Attendance, attendance_id)
    if row is None or row.meeting_id != meeting.id or not ConfirmForm().validate_on_submit():
        return redirect(url_for("meetings.detail", slug=slug, meeting_id=meeting_id, _anchor="attendance"))
    remove_attendance(cluster, meeting, row)
    flash(_("Removed from the attendance list."), "success")
    return redirect(url_for("meetings.detail", slug=slug, meeting_id=meeting_id, _anchor="attendance"))


def _csv(body: bytes, filename: str) -> Response:
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": content_disposition(filename)},
    )


@bp.route("/<int:meeting_id>/attendance.csv")
def export_attendance(slug: str, meeting_id: int):
    cluster, role = cluster_for(slug)
    meeting = meeting_in(cluster, meeting_id)
    # E-mail addresses only for those who manage the meetings (they can see them anyway).
    with_email = can(role, Permission.MANAGE_MEETINGS)
    day = local_days(meeting)[0].isoformat()
    rows = []
    for row in attendance_of(meeting):
        org_name, org_kind = attendee_organisation(row)
        email = (row.user.email if row.user is not None else row.guest_email) if with_email else ""
        rows.append((attendee_name(row), email, org_name, kind_word(org_kind), day))
    return _csv(write_sheet(rows), f"{slug}-meeting-{meeting.id}-attendance.csv")


@bp.route("/attendance-template.csv")
def sheet_template(slug: str):
    cluster_for(slug)
    return _csv(write_sheet([]), "sign-in-sheet.csv")


# --- importing a sign-in sheet ---------------------------------------------------------


def _pack(data: bytes) -> str:
    return base64.b64encode(zlib.compress(data, 9)).decode("ascii")


def _unpack(payload: str) -> bytes | None:
    try:
        packed = base64.b64decode(payload.encode("ascii"), validate=True)
        inflater = zlib.decompressobj()
        data = inflater.decompress(packed, MAX_BYTES + 1)  # bounded: no zip bomb
    except (binascii.Error, zlib.error, ValueError, UnicodeEncodeError):
        return None
    if inflater.unconsumed_tail or len(data) > MAX_BYTES:
        return None
    return data


def _preview(cluster: Cluster, role: str, meeting: Meeting, data: bytes, filename: str):  # noqa: ANN202
    sheet = parse_sheet(data, sheet_context(cluster, meeting))
    confirm = SheetConfirmForm(formdata=None, payload=_pack(data)) if sheet.ok else None
    return (
        render_template(
            "meetings/import.html",
            cluster=cluster,
            role=role,
            meeting=meeting,
            form=SheetUploadForm(formdata=None),
            sheet=sheet,
            filename=filename,
            confirm_form=confirm,
            headers=TEMPLATE_HEADERS,
        ),
        200 if sheet.ok else 422,
    )


@bp.route("/<int:meeting_id>/import", methods=["GET", "POST"])
@reads_only  # the upload is only read back as a preview; the confirmation writes
def import_attendance(slug: str, meeting_id: int):
    cluster, role = cluster_for(slug, Permission.MANAGE_MEETINGS)
    meeting = meeting_in(cluster, meeting_id)
    form = SheetUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        return _preview(cluster, role, meeting, upload.read(), upload.filename or "")
    status = 422 if form.is_submitted() else 200
    return (
        render_template(
            "meetings/import.html",
            cluster=cluster,
            role=role,
            meeting=meeting,
            form=form,
            sheet=None,
            confirm_form=None,
            headers=TEMPLATE_HEADERS,
        ),
        status,
    )


@bp.post("/<int:meeting_id>/import/confirm")
def confirm_import(slug: str, meeting_id: int):
    cluster, role = cluster_for(slug, Permission.MANAGE_MEETINGS)
    meeting = meeting_in(cluster, meeting_id)
    form = SheetConfirmForm()
    data = _unpack(form.payload.data or "") if form.validate_on_submit() else None
    if data is None:
        flash(_("The preview could not be read back. Please upload the file again."), "danger")
        return redirect(url_for("meetings.import_attendance", slug=slug, meeting_id=meeting_id))
    # Checked again against the list as it is now: someone may have added people since.
    sheet = parse_sheet(data, sheet_context(cluster, meeting))
    if not sheet.ok:
        return _preview(cluster, role, meeting, data, "")
    count = import_sheet(cluster, meeting, sheet)
    flash(_("%(count)d people added to the attendance list.", count=count), "success")
    return redirect(url_for("meetings.detail", slug=slug, meeting_id=meeting_id, _anchor="attendance"))
