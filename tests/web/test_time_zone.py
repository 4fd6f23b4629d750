"""The agency's time zone (TIMEZONE): what people see is local wall-clock time, DST
included, in pages, CSV sheets and the document; the API and .ics keep the instant."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import docx
import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.conftest import make_app, page_csrf, sign_in
from webapp.extensions import db
from webapp.models import AuditEvent, Cluster, Document, Meeting

SUMMER = datetime(2026, 6, 15, 8, 0, tzinfo=UTC)  # 10:00 in Warsaw (CEST, UTC+2)
WINTER = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)  # 10:00 in Warsaw (CET, UTC+1)
LATE = datetime(2026, 6, 14, 22, 30, tzinfo=UTC)  # already 15 June in Warsaw
PL = {"Accept-Language": "pl"}

#: (TIMEZONE, the wall clock of SUMMER, of WINTER, SUMMER's offset, LATE's local day)
ZONES = [
    ("Europe/Warsaw", "10:00", "10:00", "+02:00", "2026-06-15"),
    ("UTC", "08:00", "09:00", "+00:00", "2026-06-14"),
]


@pytest.fixture(params=ZONES, ids=[z[0] for z in ZONES])
def zoned(request):  # noqa: ANN001, ANN201
    return request.param


@pytest.fixture
def app(database_url: str, zoned):  # noqa: ANN001, ANN201
    """The app with the zone under test configured (shadows conftest's)."""
    application = make_app(database_url, TIMEZONE=zoned[0])
    yield application
    with application.app_context():
        db.engine.dispose()


def _meeting(app, key: str, starts_at: datetime) -> int:  # noqa: ANN001
    """Move a demo meeting of makros ("workshop 3") to `starts_at`; its id."""
    kind, _, number = key.partition(" ")
    with app.app_context():
        meeting = db.session.scalar(
            select(Meeting)
            .join(Cluster, Cluster.id == Meeting.cluster_id)
            .where(Cluster.slug == "makros", Meeting.kind == kind, Meeting.number == int(number))
        )
        meeting.starts_at, meeting.ends_at = starts_at, None
        db.session.commit()
        return meeting.id


def test_babel_follows_the_setting(app, zoned):
    assert app.config["TIMEZONE"] == app.config["BABEL_DEFAULT_TIMEZONE"] == zoned[0]


@pytest.mark.parametrize("moment", ["summer", "winter"])
def test_meeting_pages_show_local_time(app, client, accounts, zoned, moment):
    starts, hour = (SUMMER, zoned[1]) if moment == "summer" else (WINTER, zoned[2])
    meeting_id = _meeting(app, "workshop 3", starts)
    sign_in(client, accounts.email("moderator", "makros"))
    day = "15.06.2026" if moment == "summer" else "15.01.2026"
    detail = client.get(f"/c/makros/meetings/{meeting_id}", headers=PL).get_data(as_text=True)
    assert f"2026, {hour}</time>" in detail
    listing = client.get("/c/makros/meetings", headers=PL).get_data(as_text=True)
    assert f"2026, {hour}</td>" in listing
    form = client.get(f"/c/makros/meetings/{meeting_id}/edit", headers=PL).get_data(as_text=True)
    assert f'value="{hour}"' in form
    assert f'value="{day[6:]}-{day[3:5]}-{day[:2]}"' in form


def test_a_planned_time_is_the_agencys_wall_clock(app, client, accounts, zoned):
    """10:00 typed into the form is 10:00 where the agency is, DST included."""
    sign_in(client, accounts.email("moderator", "makros"))
    data = {
        "csrf_token": page_csrf(client, "/c/makros/meetings/new"),
        "kind": "other",
        "date": "2026-06-15",
        "start_time": zoned[1],
    }
    response = client.post("/c/makros/meetings/new", data=data, headers=PL)
    assert response.status_code == 302
    with app.app_context():
        meeting = db.session.get(Meeting, int(response.headers["Location"].rsplit("/", 1)[1]))
        assert meeting.starts_at == SUMMER


def test_audit_and_document_pages_show_local_time(app, client, accounts, zoned):
    with app.app_context():
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == "makros"))
        db.session.add(
            AuditEvent(cluster_id=cluster.id, verb="meeting.plan", subject="tz", created_at=SUMMER)
        )
        db.session.add(
            Document(
                cluster_id=cluster.id,
                version=99,
                status="failed",
                snapshot={},
                snapshot_hash="0" * 64,
                created_at=WINTER,
            )
        )
        db.session.commit()
    sign_in(client, accounts.email("admin"))
    audit = client.get("/c/makros/audit", headers=PL).get_data(as_text=True)
    assert f"15.06.2026, {zoned[1]}" in audit
    documents = client.get("/c/makros/documents/", headers=PL).get_data(as_text=True)
    assert f"15.01.2026, {zoned[2]}" in documents


def test_attendance_csv_carries_the_local_day(app, client, accounts, zoned):
    meeting_id = _meeting(app, "workshop 1", LATE)
    sign_in(client, accounts.email("moderator", "makros"))
    response = client.get(f"/c/makros/meetings/{meeting_id}/attendance.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) > 1
    assert {r[4] for r in rows[1:]} == {zoned[4]}


def test_ics_and_api_keep_the_instant(app, client, accounts, zoned):
    """Calendars get UTC ("Z", unambiguous); the API ISO 8601 with an offset, whatever the zone."""
    meeting_id = _meeting(app, "workshop 3", SUMMER)
    sign_in(client, accounts.email("member", "makros"))
    data = client.get(f"/c/makros/meetings/{meeting_id}.ics").data
    assert b"DTSTART:20260615T080000Z" in data
    event = Calendar.from_ical(data).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == SUMMER
    meetings = client.get("/api/v1/clusters/makros/meetings").get_json()["meetings"]
    row = next(m for m in meetings if m["id"] == meeting_id)
    assert datetime.fromisoformat(row["starts_at"]) == SUMMER
    assert row["starts_at"] == "2026-06-15T08:00:00+00:00"


def test_snapshot_carries_local_offsets_and_the_document_prints_them(app, zoned):
    from webapp.documents.snapshot import build_snapshot, stamp
    from worker.renderer import render_strategy

    _meeting(app, "workshop 3", SUMMER)
    with app.test_request_context():
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == "makros"))
        snapshot = stamp(build_snapshot(cluster), version=1, created_at=LATE)
    assert snapshot["timezone"] == zoned[0]
    assert snapshot["created_at"] == datetime.fromisoformat(snapshot["created_at"]).isoformat()
    assert datetime.fromisoformat(snapshot["created_at"]) == LATE
    assert snapshot["created_at"].startswith(zoned[4])
    starts = [m["starts_at"] for m in snapshot["meetings"]]
    assert f"2026-06-15T{zoned[1]}:00{zoned[3]}" in starts
    for text in starts:  # each with the offset the zone had that day (DST included)
        moment = datetime.fromisoformat(text)
        assert moment.utcoffset() == moment.astimezone(ZoneInfo(zoned[0])).utcoffset()

    document = docx.Document(io.BytesIO(render_strategy(snapshot)))
    rows = [" | ".join(c.text for c in row.cells) for t in document.tables for row in t.rows]
    # The meeting's row: its day and a time (the document history dates versions, no time).
    (meeting_row,) = [r for r in rows if "15.06.2026" in r and re.search(r"\b\d\d:\d\d\b", r)]
    assert zoned[1] in meeting_row
    other = "08:00" if zoned[1] == "10:00" else "10:00"
    assert other not in meeting_row


@pytest.mark.parametrize("name", ["Mars/Base", "Europe", "europe/warsaw", "../etc/passwd"])
def test_an_unknown_zone_stops_the_start_up(monkeypatch, name):
    from webapp import create_app
    from webapp.config import load_config

    monkeypatch.setenv("TIMEZONE", name)
    with pytest.raises(ValueError, match="TIMEZONE must be an IANA time zone"):
        load_config()
    monkeypatch.delenv("TIMEZONE")
    with pytest.raises(ValueError, match="TIMEZONE must be an IANA time zone"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "TIMEZONE": name})


def test_the_default_zone_is_warsaw(monkeypatch):
    from webapp.config import load_config

    monkeypatch.delenv("TIMEZONE", raising=False)
    config = load_config()
    assert config["TIMEZONE"] == config["BABEL_DEFAULT_TIMEZONE"] == "Europe/Warsaw"
    monkeypatch.setenv("TIMEZONE", " UTC ")
    assert load_config()["TIMEZONE"] == "UTC"
