"""Every way an address enters refuses the same addresses (workflows.emails through
webapp.auth.operations.normalise_email): the API and the admin's page creating people,
a person changing their own address, signing in. Nothing is written when refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import DEMO_PASSWORD, api_token, bearer, page_csrf, sign_in
from webapp.extensions import db
from webapp.models import User

ADMIN = "admin@example.org"

BAD = [
    "x@y@z.org",
    "nowa@example.org,druga@example.org",
    "nowa@example.org, druga@example.org",
    "no\u200bwa@example.org",  # zero-width space
    "nowa@exam\u200dple.org",  # zero-width joiner
    "\ufeffnowa@example.org",  # byte order mark
    "ｎowa@example.org",  # full-width n
    "n\u043ewa@example.org",  # Cyrillic о among Latin letters
    "nowa@ex\u0430mple.org",  # Cyrillic а in the domain
    "nowa@xn--exmple-4nf.org",  # the same domain, as punycode
]


def people_count(app) -> int:  # noqa: ANN001
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def new_user(client, token: str, email: str):  # noqa: ANN001, ANN201
    return client.post(
        "/api/v1/users",
        headers=bearer(token),
        json={
            "email": email,
            "name": "Nowa Osoba",
            "password": "bardzo-dlugie-haslo",
            "organisation_id": None,
        },
    )


@pytest.mark.parametrize("email", BAD)
def test_the_api_refuses_addresses_that_are_not_one_plain_address(app, client, email):
    token = api_token(client, ADMIN)
    before = people_count(app)
    response = new_user(client, token, email)
    assert response.status_code == 422, (email, response.get_json())
    assert response.get_json()["error"]["field"] == "email"
    assert people_count(app) == before


def test_the_admin_page_refuses_them_with_a_message_in_polish(app, client):
    sign_in(client, ADMIN)
    before = people_count(app)
    for email, message in (
        ("x@y@z.org", "Podaj jeden adres e-mail"),
        ("no\u200bwa@example.org", "niewidoczny"),
        ("n\u043ewa@example.org", "różnych alfabetów"),
        ("ｎowa@example.org", "ozdobne"),
    ):
        response = client.post(
            "/admin/users",
            data={
                "csrf_token": page_csrf(client, "/admin/users"),
                "name": "Nowa Osoba",
                "email": email,
                "organisation_id": "1",
                "password": "bardzo-dlugie-haslo",
            },
        )
        assert response.status_code == 422, email
        assert message in response.get_data(as_text=True), email
    assert people_count(app) == before


LOOKALIKES = [  # (existing, imitation)
    ("jan@apple.com", "jan@\u0430\u0440\u0440\u04cf\u0435.com"),  # аррӏе, all Cyrillic
    ("jan@apple.com", "jan@xn--80ak6aa92e.com"),  # the same, as punycode
    ("pack@example.org", "\u0440\u0430\u0441\u043a@example.org"),  # раск
    ("pack@example.org", "PACK@example.org"),  # an exact duplicate, whatever the case
]


@pytest.mark.parametrize(("existing", "imitation"), LOOKALIKES)
def test_an_address_that_imitates_an_existing_account_is_refused(app, client, existing, imitation):
    token = api_token(client, ADMIN)
    assert new_user(client, token, existing).status_code == 201
    before = people_count(app)
    response = new_user(client, token, imitation)
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["error"]["field"] == "email"
    assert people_count(app) == before


def test_a_person_may_not_take_an_address_that_imitates_another_account(app, client, accounts):
    member = accounts.email("member", "krea")
    moderator = accounts.email("moderator", "krea")
    local, domain = moderator.split("@")
    imitation = local.replace("a", "\u0430", 1)  # one Cyrillic а among Latin letters
    assert imitation != local
    sign_in(client, member)
    response = client.post(
        "/account/email",
        data={
            "csrf_token": page_csrf(client, "/account/"),
            "email-email": f"{imitation}@{domain}",
            "email-current": DEMO_PASSWORD,
        },
    )
    assert response.status_code == 422
    assert "różnych alfabetów" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.email == member)) is not None


def test_signing_in_with_a_malformed_address_is_refused_like_a_wrong_password(client):
    for email in ("x@y@z.org", "adm\u200bin@example.org", "\u0430dmin@example.org"):
        response = sign_in(client, email)
        assert response.status_code == 401, email
    response = client.post(
        "/api/v1/auth/token", json={"email": "adm\u200bin@example.org", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 401
    assert sign_in(client, "  ADMIN@Example.org ").status_code == 302


def test_an_attendance_sheet_names_people_only_by_plain_addresses(app):
    """The CSV import matches rows to accounts by address: it reads them the same way."""
    from datetime import date

    from webapp.meetings.csv_import import Person, SheetContext, parse_sheet

    anna = Person(user_id=7, name="Anna Nowak", organisation_id=None)
    context = SheetContext(
        first_day=date(2026, 3, 1),
        last_day=date(2026, 3, 1),
        people_by_email={"anna@firma.pl": anna},
        organisations={},
        attending_users=frozenset(),
        attending_guests=frozenset(),
    )
    header = "Imię i nazwisko;E-mail;Organizacja;Rodzaj organizacji;Data\n"
    rows = [
        "Anna;  ANNA@Firma.PL ;;;\n",  # the account, however typed
        "Anna;an\u200bna@firma.pl;;;\n",
        "Anna;\u0430nna@firma.pl;;;\n",  # a Cyrillic а
        "Anna;ａnna@firma.pl;;;\n",
    ]
    with app.test_request_context():
        sheet = parse_sheet((header + "".join(rows)).encode(), context)
    assert [row.user_id for row in sheet.rows] == [7, None, None, None]
    assert [bool(row.errors) for row in sheet.rows] == [False, True, True, True]
