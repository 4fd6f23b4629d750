"""Meetings: who sees and plans them, the rules of the series, attendance, .ics, links."""

from __future__ import annotations

import csv
import io
import re
import threading
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from tests.conftest import api_token, bearer, page_csrf, sign_in
from webapp.extensions import db
from webapp.models import Attendance, AuditEvent, Cluster, Meeting

EN = {"Accept-Language": "en"}


def _meetings(app, slug: str = "makros") -> dict[str, int]:  # noqa: ANN001
    """{"conference": id, "workshop 1": id, ...} of a demo cluster."""
    with app.app_context():
        rows = db.session.execute(
            select(Meeting.id, Meeting.kind, Meeting.number)
            .join(Cluster, Cluster.id == Meeting.cluster_id)
            .where(Cluster.slug == slug)
        ).all()
    return {(kind if number is None else f"{kind} {number}"): mid for mid, kind, number in rows}


def _count(app, model, *where) -> int:  # noqa: ANN001
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _who(accounts, who: str | None) -> str | None:  # noqa: ANN001
    if who in (None, "admin"):
        return who and accounts.email("admin")
    if who == "outsider":
        return accounts.outsider("makros")
    return accounts.email(who, "makros")


# --- who sees what ---------------------------------------------------------------------

ROLES = [  # (who, may see, may manage): statuses
    ("admin", 200, 200),
    ("moderator", 200, 200),
    ("member", 200, 403),
    ("observer", 200, 403),
    ("outsider", 404, 404),
    (None, 302, 302),
]


@pytest.mark.parametrize(("who", "see", "manage"), ROLES)
def test_meeting_pages_per_role(app, client, accounts, who, see, manage):
    ids = _meetings(app)
    email = _who(accounts, who)
    if email:
        sign_in(client, email)
    workshop = ids["workshop 3"]
    for url in (
        "/c/makros/meetings",
        f"/c/makros/meetings/{workshop}",
        f"/c/makros/meetings/{workshop}.ics",
        f"/c/makros/meetings/{workshop}/attendance.csv",
        "/c/makros/meetings/attendance-template.csv",
    ):
        assert client.get(url).status_code == see, url
    for url in (
        "/c/makros/meetings/new",
        f"/c/makros/meetings/{workshop}/edit",
        f"/c/makros/meetings/{workshop}/import",
    ):
        assert client.get(url).status_code == manage, url


@pytest.mark.parametrize("who", ["member", "observer"])
def test_members_may_not_change_meetings(app, client, accounts, who):
    ids = _meetings(app)
    sign_in(client, _who(accounts, who))
    token = page_csrf(client, "/c/makros/meetings")
    before = _count(app, Attendance)
    workshop = ids["workshop 1"]
    posts = [
        ("/c/makros/meetings/new", {"kind": "other", "date": "2014-03-30", "start_time": "10:00"}),
        (f"/c/makros/meetings/{workshop}/attendance/guest", {"name": "Gość"}),
        (f"/c/makros/meetings/{workshop}/delete", {}),
    ]
    for url, data in posts:
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 403, url
    assert _count(app, Attendance) == before
    assert _count(app, Meeting, Meeting.id == workshop) == 1


def test_a_meeting_of_another_cluster_is_404(app, client, accounts):
    krea = _meetings(app, "krea")["workshop 1"]
    sign_in(client, accounts.email("moderator", "makros"))
    assert client.get(f"/c/makros/meetings/{krea}").status_code == 404
    assert client.get(f"/c/makros/meetings/{krea}.ics").status_code == 404


# --- planning ---------------------------------------------------------------------------


def _plan(client, **fields):  # noqa: ANN001, ANN202
    data = {
        "csrf_token": page_csrf(client, "/c/makros/meetings/new"),
        "kind": "other",
        "date": "2014-03-28",
        "start_time": "10:00",
        **fields,
    }
    return client.post("/c/makros/meetings/new", data=data, headers=EN)


def test_moderator_plans_a_meeting_and_it_is_audited(app, client, accounts):
    sign_in(client, accounts.email("moderator", "makros"))
    response = _plan(
        client,
        title="Spotkanie podsumowujące",
        end_time="13:30",
        place="Radom",
        agenda="1. Podsumowanie",
        minutes="Ustalono **plan**.",
        section_keys=["summary", "kpi"],
        held="y",
    )
    assert response.status_code == 302
    meeting_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        # 10:00 in Warsaw in March (UTC+1) is 09:00 UTC.
        assert meeting.starts_at == datetime(2014, 3, 28, 9, 0, tzinfo=UTC)
        assert meeting.ends_at == datetime(2014, 3, 28, 12, 30, tzinfo=UTC)
        assert (meeting.kind, meeting.number, meeting.place, meeting.held) == (
            "other",
            None,
            "Radom",
            True,
        )
        assert meeting.section_keys == ["summary", "kpi"]
        assert (
            db.session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.verb == "meeting.plan")
            )
            == 1
        )
    page = client.get(f"/c/makros/meetings/{meeting_id}", headers=EN).get_data(as_text=True)
    assert "<strong>plan</strong>" in page
    assert 'data-section="summary"' in page and 'data-section="kpi"' in page


def test_a_workshop_number_freed_can_be_planned_again(app, client, accounts):
    ids = _meetings(app)
    sign_in(client, accounts.email("moderator", "makros"))
    token = page_csrf(client, "/c/makros/meetings")
    assert (
        client.post(f"/c/makros/meetings/{ids['workshop 6']}/delete", data={"csrf_token": token}).status_code
        == 302
    )
    response = _plan(client, kind="workshop", number="6", date="2014-03-27")
    assert response.status_code == 302
    with app.app_context():
        meeting = db.session.get(Meeting, int(response.headers["Location"].rsplit("/", 1)[1]))
        assert (meeting.number, meeting.title) == (6, "Workshop 6")


BAD_MEETINGS = [
    # (fields, status, words of the message)
    ({"kind": "workshop", "number": "3"}, 409, "Workshop 3 is already planned"),
    ({"kind": "workshop", "number": "7"}, 422, "from 1 to 6"),
    ({"kind": "workshop", "number": "0"}, 422, "from 1 to 6"),
    ({"kind": "workshop"}, 422, "from 1 to 6"),
    ({"date": "2013-09-01"}, 422, "began with its initiating conference"),
    ({"kind": "conference", "date": "2013-10-08"}, 409, "already has its initiating conference"),
    ({"start_time": "12:00", "end_time": "11:00"}, 422, "must end after it starts"),
    ({"section_keys": ["nope"]}, 422, "is not a valid choice"),
    ({"date": ""}, 422, "This field is required"),
    ({"date": "31.02.2014"}, 422, "Not a valid date value"),
    ({"kind": "party"}, 422, "Not a valid choice"),
    ({"head_count": "-5"}, 422, "Number must be between 0 and 100000"),
    ({"title": "x" * 201}, 422, "Field cannot be longer than 200 characters"),
]


@pytest.mark.parametrize(("fields", "status", "message"), BAD_MEETINGS)
def test_bad_meetings_are_refused_with_a_message(app, client, accounts, fields, status, message):
    sign_in(client, accounts.email("moderator", "makros"))
    before = _count(app, Meeting)
    response = _plan(client, **fields)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert _count(app, Meeting) == before


def test_the_conference_cannot_move_after_a_workshop(app, client, accounts):
    ids = _meetings(app)
    sign_in(client, accounts.email("moderator", "makros"))
    url = f"/c/makros/meetings/{ids['conference']}/edit"
    data = {
        "csrf_token": page_csrf(client, url),
        "kind": "conference",
        "title": "Konferencja",
        "date": "2014-01-20",
        "start_time": "09:00",
        "held": "y",
        "head_count": "48",
    }
    response = client.post(url, data=data, headers=EN)
    assert response.status_code == 422
    assert "took place before it" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Meeting, ids["conference"]).starts_at.year == 2013


def test_minutes_are_markdown_without_scripts(app, client, accounts):
    ids = _meetings(app)
    sign_in(client, accounts.email("moderator", "makros"))
    url = f"/c/makros/meetings/{ids['workshop 2']}/edit"
    data = {
        "csrf_token": page_csrf(client, url),
        "kind": "workshop",
        "number": "2",
        "title": "Warsztat 2",
        "date": "2013-12-05",
        "start_time": "10:00",
        "held": "y",
        "minutes": "<script>alert(1)</script>\n\n**SWOT** gotowy. [x](javascript:alert(1))",
        "section_keys": ["swot"],
    }
    assert client.post(url, data=data).status_code == 302
    page = client.get(f"/c/makros/meetings/{ids['workshop 2']}").get_data(as_text=True)
    assert "<strong>SWOT</strong>" in page
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page
    assert 'href="javascript:' not in page


# --- attendance --------------------------------------------------------------------------


def test_conference_shows_its_head_count(app, client, accounts):
    ids = _meetings(app)
    sign_in(client, accounts.email("member", "makros"))
    page = client.get(f"/c/makros/meetings/{ids['conference']}").get_data(as_text=True)
    assert re.search(r'id="participants" data-value="48"', page)


def test_moderator_records_people_and_guests(app, client, accounts):
    ids = _meetings(app)
    workshop = ids["workshop 4"]  # every fourth person of the cluster was away from it
    sign_in(client, accounts.email("moderator", "makros"))
    url = f"/c/makros/meetings/{workshop}"
    page = client.get(url).get_data(as_text=True)
    token = page_csrf(client, url)
    # the first option is "— choose —" (0), nobody
    options = re.findall(r'<option value="([1-9]\d*)"', page.split('id="add-person"')[1].split("</form>")[0])
    assert options, "someone of the cluster is not on the list yet"
    before = _count(app, Attendance, Attendance.meeting_id == workshop)
    assert (
        client.post(f"{url}/attendance/person", data={"csrf_token": token, "user_id": options[0]}).status_code
        == 302
    )
    guest = {
        "csrf_token": token,
        "name": "Jan Gość",
        "organisation": "Urząd Miasta",
        "kind": "other",
    }
    assert client.post(f"{url}/attendance/guest", data=guest).status_code == 302
    again = client.post(f"{url}/attendance/guest", data={**guest, "name": " jan  gość "}, headers=EN)
    assert again.status_code == 409
    assert "already on the attendance list" in again.get_data(as_text=True)
    twice = client.post(f"{url}/attendance/person", data={"csrf_token": token, "user_id": options[0]})
    assert twice.status_code == 422
    assert _count(app, Attendance, Attendance.meeting_id == workshop) == before + 2
    with app.app_context():
        row = db.session.scalar(select(Attendance).where(Attendance.guest_name == "Jan Gość"))
        assert (row.guest_organisation, row.guest_kind, row.user_id) == (
            "Urząd Miasta",
            "other",
            None,
        )
        row_id = row.id
    assert client.post(f"{url}/attendance/{row_id}/remove", data={"csrf_token": token}).status_code == 302
    assert _count(app, Attendance, Attendance.meeting_id == workshop) == before + 1


@pytest.mark.parametrize(("who", "with_email"), [("moderator", True), ("member", False)])
def test_attendance_exports_as_csv(app, client, accounts, who, with_email):
    ids = _meetings(app)
    sign_in(client, _who(accounts, who))
    response = client.get(f"/c/makros/meetings/{ids['workshop 1']}/attendance.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Imię i nazwisko", "E-mail", "Organizacja", "Rodzaj organizacji", "Data"]
    assert len(rows) - 1 == _count(app, Attendance, Attendance.meeting_id == ids["workshop 1"])
    assert all(r[4] == rows[1][4] for r in rows[1:])
    assert any("@" in r[1] for r in rows[1:]) is with_email


def test_template_has_the_polish_headers(app, client, accounts):
    sign_in(client, accounts.email("member", "makros"))
    response = client.get("/c/makros/meetings/attendance-template.csv")
    assert (
        response.data.decode("utf-8-sig").strip()
        == "Imię i nazwisko;E-mail;Organizacja;Rodzaj organizacji;Data"
    )


# --- calendar and links --------------------------------------------------------------------


def test_ics_file_parses(app, client, accounts):
    ids = _meetings(app)
    sign_in(client, accounts.email("observer", "makros"))
    response = client.get(f"/c/makros/meetings/{ids['workshop 3']}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert b"\r\n" in response.data
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["VERSION"]) == "2.0"
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    with app.app_context():
        meeting = db.session.get(Meeting, ids["workshop 3"])
        assert event.decoded("DTSTART") == meeting.starts_at
        assert event.decoded("DTEND") > meeting.starts_at
        assert str(event["LOCATION"]) == meeting.place
        assert str(event["SUMMARY"]).startswith(meeting.title)
    # Named by PUBLIC_URL (by default where `make run` listens), not by the request.
    public = app.config["PUBLIC_URL"]
    assert str(event["UID"]) == f"meeting-{ids['workshop 3']}@{urlsplit(public).hostname}"
    assert str(event["URL"]) == f"{public}/c/makros/meetings/{ids['workshop 3']}"


def test_section_links_both_ways(app, client, accounts):
    from webapp.meetings.queries import worked_on

    ids = _meetings(app)
    sign_in(client, accounts.email("member", "makros"))
    page = client.get(f"/c/makros/meetings/{ids['workshop 2']}").get_data(as_text=True)
    assert '<a href="/c/makros/s/swot" data-section="swot">' in page
    with app.app_context():
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == "makros"))
        assert [m.id for m in worked_on(cluster, "swot")] == [ids["workshop 2"]]
    section = client.get("/c/makros/s/swot", headers=EN).get_data(as_text=True)
    assert "Worked on at" in section
    link = re.search(r'<a href="([^"]+)" class="worked-on-meeting"[^>]*>([^<]+)</a>', section)
    assert link, "the section page names the meeting"
    assert link.group(1) == f"/c/makros/meetings/{ids['workshop 2']}"
    assert re.fullmatch(r"workshop 2 \(\w+ \d{1,2}, 2013\)", " ".join(link.group(2).split()))


def test_meeting_list_in_date_order(app, client, accounts):
    sign_in(client, accounts.email("member", "makros"))
    page = client.get("/c/makros/meetings").get_data(as_text=True)
    kinds = re.findall(r'data-kind="(\w+)"', page)
    assert kinds == ["conference"] + ["workshop"] * 6


@pytest.mark.parametrize(("who", "status"), [("member", 200), ("observer", 200), ("outsider", 404)])
def test_api_lists_meetings_to_those_who_see_the_cluster(app, client, accounts, who, status):
    token = api_token(client, _who(accounts, who))
    response = client.get("/api/v1/clusters/makros/meetings", headers=bearer(token))
    assert response.status_code == status
    if status == 200:
        meetings = response.get_json()["meetings"]
        assert [m["kind"] for m in meetings] == ["conference"] + ["workshop"] * 6
        assert meetings[0]["participants"] == 48
        assert meetings[0]["starts_at"].startswith("2013-10-08T08:00:00")
        assert [m["number"] for m in meetings[1:]] == [1, 2, 3, 4, 5, 6]


# --- two moderators at once ------------------------------------------------------------


def _edit_form(client, url: str) -> dict:  # noqa: ANN001
    page = client.get(url, headers=EN).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page) or re.search(
        r'id="version" name="version" type="hidden" value="(\d+)"', page
    )
    assert version, "the edit form carries the version it was filled from"
    return {
        "csrf_token": page_csrf(client, url),
        "version": version.group(1),
        "kind": "workshop",
        "number": "3",
        "date": "2014-02-10",
        "start_time": "09:00",
    }


def test_an_edit_from_an_older_form_is_refused_and_kept_for_a_second_save(app, accounts):
    ids = _meetings(app)
    url = f"/c/makros/meetings/{ids['workshop 3']}/edit"
    first, second = app.test_client(), app.test_client()
    sign_in(first, accounts.email("moderator", "makros"))
    sign_in(second, accounts.email("admin"))
    first_form, second_form = _edit_form(first, url), _edit_form(second, url)

    assert second.post(url, data={**second_form, "place": "Radom"}).status_code == 302
    late = first.post(url, data={**first_form, "place": "Płock"}, headers=EN)
    assert late.status_code == 409
    page = late.get_data(as_text=True)
    assert "Someone else saved this meeting" in page
    assert 'value="Płock"' in page, "the late editor's input is still in the form"
    with app.app_context():
        assert db.session.get(Meeting, ids["workshop 3"]).place == "Radom"

    again = re.search(r'name="version" type="hidden" value="(\d+)"', page) or re.search(
        r'id="version" name="version" type="hidden" value="(\d+)"', page
    )
    resave = first.post(url, data={**first_form, "version": again.group(1), "place": "Płock"})
    assert resave.status_code == 302
    with app.app_context():
        assert db.session.get(Meeting, ids["workshop 3"]).place == "Płock"


def test_the_database_refuses_a_second_workshop_3_the_checks_did_not_see(app, client, accounts, monkeypatch):
    """As if another request committed workshop 3 between our check and our insert."""
    from webapp.meetings import operations

    monkeypatch.setattr(operations, "_check_series", lambda *args, **kwargs: None)
    sign_in(client, accounts.email("moderator", "makros"))
    before = _count(app, Meeting)
    response = _plan(client, kind="workshop", number="3", date="2014-03-27")
    assert response.status_code == 409
    assert "Someone has just planned the same meeting" in response.get_data(as_text=True)
    second_conference = _plan(client, kind="conference", date="2014-03-27")
    assert second_conference.status_code == 409
    assert _count(app, Meeting) == before


def test_moderators_planning_the_same_workshop_at_the_same_moment_one_wins(app, accounts):
    ids = _meetings(app)
    email = accounts.email("moderator", "makros")
    clients = []
    for _ in range(6):
        browser = app.test_client()
        sign_in(browser, email)
        clients.append(browser)
    token = page_csrf(clients[0], "/c/makros/meetings")
    delete = f"/c/makros/meetings/{ids['workshop 6']}/delete"
    assert clients[0].post(delete, data={"csrf_token": token}).status_code == 302
    forms = [
        {
            "csrf_token": page_csrf(c, "/c/makros/meetings/new"),
            "kind": "workshop",
            "number": "6",
            "date": "2014-06-02",
            "start_time": "10:00",
        }
        for c in clients
    ]
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def plan(browser, data) -> None:  # noqa: ANN001
        start.wait()
        statuses.append(browser.post("/c/makros/meetings/new", data=data).status_code)

    threads = [threading.Thread(target=plan, args=pair) for pair in zip(clients, forms, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [302] + [409] * 5, statuses
    with app.app_context():
        cluster_id = db.session.scalar(select(Cluster.id).where(Cluster.slug == "makros"))
    assert _count(app, Meeting, Meeting.cluster_id == cluster_id, Meeting.number == 6) == 1
