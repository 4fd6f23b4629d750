"""User text handed to other engines is data there: charts (mathtext), .ics (RFC 5545),
CSV exports (spreadsheet formulas), e-mail headers and download file names."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import re
from datetime import UTC, datetime
from urllib.parse import unquote

import pytest
from icalendar import Calendar
from lxml import etree
from sqlalchemy import select

from tests.conftest import make_app, sign_in
from webapp.extensions import db
from webapp.models import Attendance, Cluster, Meeting

#: Mathtext that fails to parse (`$$`, an unknown command): it made the charts answer 500.
MATH_TITLE = r"Budżet $$ i $\foo$"


def _meeting(app, **fields: object) -> int:  # noqa: ANN001
    with app.app_context():
        cluster_id = db.session.scalar(select(Cluster.id).where(Cluster.slug == "makros"))
        meeting = Meeting(
            cluster_id=cluster_id,
            kind="other",
            starts_at=datetime(2014, 3, 25, 9, 0, tzinfo=UTC),
            section_keys=[],
            **fields,
        )
        db.session.add(meeting)
        db.session.commit()
        return meeting.id


def _svg_texts(svg: bytes) -> list[str]:
    root = etree.fromstring(svg)
    return ["".join(el.itertext()) for el in root.iter("{http://www.w3.org/2000/svg}text")]


# --- charts ------------------------------------------------------------------------------


def test_a_meeting_titled_in_mathtext_does_not_break_the_charts(app, client, accounts):
    _meeting(app, title=MATH_TITLE, held=True)
    with app.app_context():
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == "makros"))
        cluster.name = r"Klaster $\frac{a}{b}$ $$"
        db.session.commit()
    sign_in(client, accounts.email("moderator", "makros"))
    chart = client.get("/c/makros/stats/charts/participants.svg")
    assert chart.status_code == 200
    assert MATH_TITLE in _svg_texts(chart.data)
    assert client.get("/c/makros/stats").status_code == 200
    admin = app.test_client()
    sign_in(admin, accounts.email("admin"))
    for name in ("participants", "progress"):
        agency = admin.get(f"/stats/charts/{name}.svg")
        assert agency.status_code == 200, name
        assert r"Klaster $\frac{a}{b}$ $$" in _svg_texts(agency.data), name


# --- .ics ----------------------------------------------------------------------------------


def test_calendar_text_is_escaped_folded_and_free_of_controls(app, client, accounts):
    title = "Zebranie, plan; a\\b\x0bEND:VEVENT"
    place = "Sala 1\r\nATTENDEE:mailto:x@example.org\x85BEGIN:VALARM\u2028X"
    agenda = "Punkt 1\rPunkt 2\x07\x1b" + "ż" * 120
    meeting_id = _meeting(app, title=title, place=place, agenda=agenda)
    sign_in(client, accounts.email("member", "makros"))
    response = client.get(f"/c/makros/meetings/{meeting_id}.ics")
    assert response.status_code == 200
    raw = response.data
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and all(len(line) <= 75 for line in lines)  # folded at 75 octets
    text = raw.decode("utf-8")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]", text.replace("\r\n", ""))
    names = [line.split(b":", 1)[0].split(b";", 1)[0] for line in lines if line[:1] != b" "]
    assert names.count(b"BEGIN") == names.count(b"END") == 2  # the calendar and one event
    assert b"ATTENDEE" not in names and b"BEGIN:VALARM" not in lines
    event = Calendar.from_ical(raw).walk("VEVENT")[0]
    assert str(event["SUMMARY"]).startswith("Zebranie, plan; a\\b\nEND:VEVENT – ")
    assert str(event["LOCATION"]) == "Sala 1\nATTENDEE:mailto:x@example.org\nBEGIN:VALARM\nX"
    assert str(event["DESCRIPTION"]).startswith("Punkt 1\nPunkt 2" + "ż" * 120)


# --- CSV exports -----------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x")', "+48 1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_csv_exports_write_formulas_as_text(app, client, accounts):
    meeting_id = _meeting(app, title="Spotkanie", held=True)
    with app.app_context():
        for name in FORMULAS:
            db.session.add(Attendance(meeting_id=meeting_id, guest_name=name))
        db.session.scalar(select(Cluster).where(Cluster.slug == "makros")).name = FORMULAS[0]
        db.session.commit()
    sign_in(client, accounts.email("moderator", "makros"))
    attendance = _cells(client.get(f"/c/makros/meetings/{meeting_id}/attendance.csv").data)
    assert sorted(row[0] for row in attendance[1:]) == sorted("'" + f for f in FORMULAS)
    stats = _cells(client.get("/c/makros/stats.csv").data)
    assert stats[1][0] == "'" + FORMULAS[0]
    every = [cell for row in attendance + stats for cell in row]
    assert not [c for c in every if c[:1] in ("=", "+", "@", "\t", "\r")]


def test_the_csv_helper_keeps_numbers_and_plain_text():
    from webapp.csv_export import csv_bytes

    rows = _cells(csv_bytes([["Nazwa", "Liczba"], ["-1 ok?", -5], ["Zwykły; tekst", 2.5], [None, 0]]))
    assert rows == [["Nazwa", "Liczba"], ["'-1 ok?", "-5"], ["Zwykły; tekst", "2.5"], ["", "0"]]


# --- e-mail headers ----------------------------------------------------------------------------


def test_an_e_mail_subject_is_one_encoded_line(database_url):
    from webapp.notifications.mailer import deliver_pending, queue_email

    app = make_app(database_url, MAIL_SERVER="smtp.example.invalid", MAIL_PORT=2525)
    subject = "Klaster Żółć\r\nBcc: victim@example.org\x00\x07\u2028Subject: x"
    with app.app_context():
        queue_email("someone@example.org", subject, "Treść")
        db.session.commit()
        with app.extensions["mail"].record_messages() as sent:
            assert deliver_pending() == 1
        raw = sent[0].as_bytes()
        db.engine.dispose()
    assert b"\x00" not in raw and b"\x07" not in raw
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == "Klaster Żółć Bcc: victim@example.org Subject: x"
    assert message.get_all("Bcc") is None and len(message.get_all("Subject")) == 1


# --- file names --------------------------------------------------------------------------------


def _disposition(value: str) -> dict[str, str]:
    kind, *params = [part.strip() for part in value.split(";")]
    assert kind == "attachment"
    return dict(param.split("=", 1) for param in params)


@pytest.mark.parametrize(
    ("name", "plain", "unicode_name"),
    [
        ("statistics-makros.csv", "statistics-makros.csv", "statistics-makros.csv"),
        ("Łąka żółć.docx", "Laka-zolc.docx", "Łąka-żółć.docx"),
        ('a";\r\nSet-Cookie: x=1.csv', "a-Set-Cookie-x-1.csv", "a-Set-Cookie-x=1.csv"),
        ("../..\\secret/plik.ics", "secret-plik.ics", "secret-plik.ics"),
        ("faktura\u202efdp.exe", "fakturafdp.exe", "fakturafdp.exe"),
        ("...", "download", "download"),
    ],
)
def test_download_names_are_one_safe_parameter_each(name, plain, unicode_name):
    from webapp.downloads import content_disposition

    value = content_disposition(name)
    assert value.isascii() and "\r" not in value and "\n" not in value
    params = _disposition(value)
    assert set(params) == {"filename", "filename*"}
    assert params["filename"] == f'"{plain}"'
    assert unquote(params["filename*"].removeprefix("UTF-8''"), encoding="utf-8") == unicode_name


def test_every_download_route_sends_both_names(app, client, accounts):
    meeting_id = _meeting(app, title="Spotkanie", held=True)
    sign_in(client, accounts.email("moderator", "makros"))
    for path in (
        f"/c/makros/meetings/{meeting_id}.ics",
        f"/c/makros/meetings/{meeting_id}/attendance.csv",
        "/c/makros/meetings/attendance-template.csv",
        "/c/makros/stats.csv",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert set(_disposition(response.headers["Content-Disposition"])) == {
            "filename",
            "filename*",
        }, path
