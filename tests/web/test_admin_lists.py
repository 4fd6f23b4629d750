"""The agency's people and organisations: search and pages; a person added by the admin gets an
invitation link (e-mailed, or shown once without SMTP) instead of a password the admin typed; the
drop-downs start on nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import csrf_from, make_app, page_csrf, sign_in
from webapp.admin.listing import PAGE_SIZE
from webapp.extensions import db
from webapp.models import Invitation, Organisation, OutboxEmail, User

ADMIN = "admin@example.org"
PL = {"Accept-Language": "pl"}
LINK_RE = re.compile(r'value="(https?://[^"]*/invitation/([^"]+))"')


@pytest.fixture
def admin(client):  # noqa: ANN001, ANN201
    sign_in(client, ADMIN)
    return client


def _names(html: str) -> list[str]:
    return re.findall(r'<a href="/admin/users/\d+">([^<]+)</a>', html)


def _many_people(app, count: int) -> None:  # noqa: ANN001
    from webapp.people.operations import create_user

    with app.app_context():
        for index in range(count):
            create_user(
                f"osoba{index:03d}@example.org", f"Zenon Testowy {index:03d}", "", None, password_hash="x"
            )
        db.session.commit()


def test_people_are_searched_by_name_email_or_organisation(app, admin):
    with app.app_context():
        person = db.session.scalar(select(User).where(User.organisation_id.is_not(None)).order_by(User.id))
        name, email, organisation = person.name, person.email, person.organisation.name
    for text in (name.split()[-1].upper(), email.split("@")[0], organisation):
        html = admin.get("/admin/users", query_string={"q": text}, headers=PL).get_data(as_text=True)
        assert name in _names(html), text
        assert len(_names(html)) < 10, f"the search for {text!r} narrows the list"
    nothing = admin.get("/admin/users", query_string={"q": "zzz-nikt-taki"}, headers=PL).get_data(
        as_text=True
    )
    assert _names(nothing) == [] and "Nic nie pasuje do „zzz-nikt-taki”." in nothing
    # search text is data: SQL wildcards match themselves only
    assert _names(admin.get("/admin/users", query_string={"q": "%"}).get_data(as_text=True)) == []


def test_the_search_folds_polish_letters_on_both_databases(app, admin):
    from webapp.people.operations import create_user

    with app.app_context():
        create_user("lucja@example.org", "Łucja Żółtowska", "", None, password_hash="x")
        db.session.commit()
    for text in ("łucja", "ŻÓŁTOWSKA", "żółt"):
        html = admin.get("/admin/users", query_string={"q": text}).get_data(as_text=True)
        assert _names(html) == ["Łucja Żółtowska"], text


def test_people_come_in_pages(app, admin):
    _many_people(app, PAGE_SIZE + 5)
    with app.app_context():
        total = db.session.query(User).count()
    first = admin.get("/admin/users", headers=PL).get_data(as_text=True)
    assert len(_names(first)) == PAGE_SIZE
    assert f'data-total="{total}"' in first and f"1–{PAGE_SIZE} z {total}" in first
    last_page = -(-total // PAGE_SIZE)
    last = admin.get("/admin/users", query_string={"page": last_page}).get_data(as_text=True)
    assert len(_names(last)) == total - PAGE_SIZE * (last_page - 1)
    assert set(_names(first)).isdisjoint(_names(last))
    # a page past the end, or one that is not a number, shows a page of the list, never an error
    for page in ("999", "-3", "x", "99999999999"):
        response = admin.get("/admin/users", query_string={"page": page})
        assert response.status_code == 200 and _names(response.get_data(as_text=True)), page
    searched = admin.get("/admin/users", query_string={"q": "Zenon Testowy", "page": 2}).get_data(
        as_text=True
    )
    assert len(_names(searched)) == 5 and "page=2" in searched and "q=Zenon+Testowy" in searched


def test_organisations_are_searched_and_paged(app, admin):
    with app.app_context():
        city = db.session.scalar(select(Organisation.city).where(Organisation.city != "").limit(1))
        in_city = db.session.query(Organisation).filter(Organisation.city == city).count()
    html = admin.get("/admin/organisations", query_string={"q": city}, headers=PL).get_data(as_text=True)
    assert html.count('data-label="Miejscowość"') >= in_city
    assert 'name="q"' in html and f'value="{city}"' in html


def test_adding_a_person_shows_the_invitation_link_once_without_smtp(app, admin):
    page = admin.get("/admin/users", headers=PL).get_data(as_text=True)
    assert 'name="password"' not in page  # the admin types no password for anyone
    form = page.split('id="organisation_id"')[1].split("</select>")[0]
    assert re.search(r'<option selected value="0">|<option value="0" selected>', form), "starts on (none)"
    answer = admin.post(
        "/admin/users",
        data={"csrf_token": csrf_from(page), "name": "Nowa Osoba", "email": "nowa.osoba@example.org"},
        headers=PL,
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    match = LINK_RE.search(html)
    assert match and "tylko teraz" in html
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "nowa.osoba@example.org"))
        assert (user.name, user.organisation_id, user.is_admin) == ("Nowa Osoba", None, False)
        invitation = db.session.scalar(select(Invitation).where(Invitation.user_id == user.id))
        assert invitation is not None and invitation.cluster_id is None
    assert match.group(2) not in admin.get("/admin/users").get_data(as_text=True)  # shown once
    # the link works: the person sets their own password
    person = app.test_client()
    accept_page = person.get(f"/invitation/{match.group(2)}")
    assert accept_page.status_code == 200


def test_adding_a_person_emails_the_invitation_when_smtp_is_set(database_url, accounts):
    app = make_app(database_url, MAIL_SERVER="smtp.example.invalid", MAIL_PORT=2525)
    client = app.test_client()
    sign_in(client, ADMIN)
    answer = client.post(
        "/admin/users",
        data={
            "csrf_token": page_csrf(client, "/admin/users"),
            "name": "Anna Mail",
            "email": "anna@example.org",
        },
        headers=PL,
    )
    assert answer.status_code == 302
    with app.app_context():
        mail = db.session.scalar(select(OutboxEmail).where(OutboxEmail.to == "anna@example.org"))
        assert mail is not None and "/invitation/" in mail.body
    flashed = client.get("/admin/users", headers=PL).get_data(as_text=True)
    assert "anna@example.org" in flashed and "zaproszenie" in flashed
    assert LINK_RE.search(flashed) is None  # e-mailed: not shown


def test_a_duplicate_or_bad_address_is_refused_and_nothing_written(app, admin):
    with app.app_context():
        before = db.session.query(User).count()
    for email, status in (("admin@example.org", 409), ("x@y@z.org", 422)):
        answer = admin.post(
            "/admin/users",
            data={"csrf_token": page_csrf(admin, "/admin/users"), "name": "Ktoś", "email": email},
        )
        assert answer.status_code == status, email
    with app.app_context():
        assert db.session.query(User).count() == before
        assert db.session.query(Invitation).count() == 0


def test_kinds_and_sectors_start_on_nothing(admin):
    for path, field in (("/admin/organisations", "kind"), ("/admin/clusters", "sector")):
        html = admin.get(path, headers=PL).get_data(as_text=True)
        select_html = html.split(f'id="{field}"')[1].split("</select>")[0]
        first = re.search(r"<option([^>]*)>([^<]*)</option>", select_html)
        assert first.group(2) == "— wybierz —" and 'value=""' in first.group(1), path
        refused = admin.post(path, data={"csrf_token": csrf_from(html), "name": "X", field: ""})
        assert refused.status_code == 422
