"""The security log: one JSON line per event on the "studio.audit" logger — sign-in,
failed sign-in, denial, role change, approval, export — with a UTC ISO timestamp, the
person, never a password or a token, and values that cannot break the line."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import DEMO_PASSWORD, csrf_from, page_csrf
from tests.security.support import person
from webapp.extensions import db
from webapp.models import User

LOGGER = "studio.audit"
SLUG = "mak"  # its goals stage waits for review in the demo


@pytest.fixture
def audit_lines(caplog):  # noqa: ANN001, ANN201
    """The raw lines written to the audit logger during the test, and their JSON."""
    caplog.set_level(logging.INFO, logger=LOGGER)
    # Nothing on the way (a migration's logging set-up, say) may have switched it off.
    assert not logging.getLogger(LOGGER).disabled, "the security log is switched off"

    def lines() -> list[tuple[str, dict]]:
        found = []
        for record in caplog.records:
            if record.name == LOGGER:
                text = record.getMessage()
                found.append((text, json.loads(text)))
        return found

    return lines


def _user_id(app, email: str) -> int:  # noqa: ANN001
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def _check_line(text: str, record: dict) -> None:
    assert "\n" not in text and "\r" not in text, "one event, one line"
    at = datetime.fromisoformat(record["at"])
    assert at.utcoffset() == timedelta(0), f"not UTC: {record['at']}"
    assert record["event"]


def test_each_security_event_is_one_json_line_without_secrets(app, accounts, audit_lines):
    member_email = accounts.email("member", SLUG)
    moderator_email = accounts.email("moderator", SLUG)
    observer_email = accounts.email("observer", SLUG)
    secret_password = "Tajne-Haslo-Ktorego-Nie-Ma-W-Logu-42"

    # failed sign-in (page and API), with a password that must never be written
    anonymous = app.test_client()
    anonymous.post(
        "/login",
        data={"csrf_token": page_csrf(anonymous), "email": member_email, "password": secret_password},
    )
    anonymous.post("/api/v1/auth/token", json={"email": member_email, "password": secret_password})
    # sign-in (page and API)
    member = person(app, member_email)
    moderator = person(app, moderator_email)
    # denial: a member on an admin page, and through the API with a bearer token
    assert member.client.get("/admin/users").status_code == 403
    denied_api = member.client.post(
        "/api/v1/organisations", headers=member.bearer, json={"name": "X", "kind": "other"}
    )
    assert denied_api.status_code == 403
    # role change, on the page and through the API
    observer_id = _user_id(app, observer_email)
    page = moderator.client.get(f"/c/{SLUG}").get_data(as_text=True)
    changed = moderator.client.post(
        f"/c/{SLUG}/members",
        data={"csrf_token": csrf_from(page), "user_id": observer_id, "role": "member"},
    )
    assert changed.status_code == 302
    via_api = moderator.client.post(
        f"/api/v1/clusters/{SLUG}/members",
        headers=moderator.bearer,
        json={"user_id": observer_id, "role": "observer"},
    )
    assert via_api.status_code == 201
    # approval of a stage
    approved = moderator.client.post(
        f"/api/v1/clusters/{SLUG}/stages/goals/transitions",
        headers=moderator.bearer,
        json={"action": "approve"},
    )
    assert approved.status_code == 200, approved.get_json()
    # export: a document asked for
    exported = member.client.post(f"/api/v1/clusters/{SLUG}/documents", headers=member.bearer)
    assert exported.status_code in (200, 202), exported.get_json()

    lines = audit_lines()
    events = [record["event"] for _text, record in lines]
    for text, record in lines:
        _check_line(text, record)
        for secret in (secret_password, DEMO_PASSWORD, member.token, moderator.token):
            assert secret not in text, f"a secret in the log: {text}"
        assert "Bearer" not in text and "csrf" not in text.lower()

    member_id, moderator_id = _user_id(app, member_email), _user_id(app, moderator_email)

    def one(name: str, **fields: object) -> dict:
        found = [r for _t, r in lines if r["event"] == name and all(r.get(k) == v for k, v in fields.items())]
        assert found, f"no {name} {fields} line among {events}"
        return found[0]

    failed = [r for _t, r in lines if r["event"] == "signin.failed"]
    assert len(failed) == 2 and {r.get("via") for r in failed} == {None, "api"}
    assert all(r["email"] == member_email and r["address"] == "127.0.0.1" for r in failed)
    assert events.count("signin") == 4  # two people, each through the API and the page
    one("signin", user_id=member_id)
    one("signin", user_id=moderator_id, via="api")
    one("denied", user_id=member_id, path="/admin/users", method="GET")
    one("denied", user_id=member_id, path="/api/v1/organisations", method="POST")
    one("member.role", user_id=moderator_id, cluster=SLUG, member_id=observer_id, role="member")
    one("member.role", user_id=moderator_id, member_id=observer_id, role="observer", previous="member")
    one("stage.approve", user_id=moderator_id, cluster=SLUG, stage="goals")
    one("export", user_id=member_id, cluster=SLUG)


def test_a_value_with_a_newline_cannot_forge_a_line(app, audit_lines):
    forged = 'x@example.org\n{"at": "2000-01-01T00:00:00+00:00", "event": "signin", "user_id": 1}'
    client = app.test_client()
    client.post("/login", data={"csrf_token": page_csrf(client), "email": forged, "password": "nope"})
    client.post("/api/v1/auth/token", json={"email": forged + "\r\n", "password": "nope"})
    lines = audit_lines()
    assert [r["event"] for _t, r in lines] == ["signin.failed", "signin.failed"]
    for text, record in lines:
        _check_line(text, record)
        assert record["email"].startswith("x@example.org\n")


def test_secret_fields_are_never_written(app, audit_lines):
    """Even a careless call naming a password or token keeps it out of the line."""
    from webapp import security_log

    with app.test_request_context("/", headers={"Authorization": "Bearer sekretny-token"}):
        security_log.event("test", password="hunter2-haslo", token="sekretny-token", Authorization="x", ok=1)
    [(text, record)] = audit_lines()
    assert "hunter2-haslo" not in text and "sekretny-token" not in text
    assert record["ok"] == 1


def test_account_changes_and_refused_confirmations_are_logged(app, accounts, audit_lines):
    from tests.security.test_reauthentication import admin_browser, post_email, post_person

    member_email = accounts.email("member", SLUG)
    member_id = _user_id(app, member_email)
    wrong = "Zle-Haslo-Ktorego-Nie-Ma-W-Logu-7"
    member = person(app, member_email)
    assert post_email(member.client, "nowy.adres@example.org", wrong).status_code == 422
    assert post_email(member.client, "nowy.adres@example.org", DEMO_PASSWORD).status_code == 302
    admin = admin_browser(app)
    admin_id = _user_id(app, "admin@example.org")
    assert post_person(admin, app, "nowy.adres@example.org", is_admin=True).status_code == 302
    assert post_person(admin, app, "nowy.adres@example.org", active=False).status_code == 302

    lines = audit_lines()
    for text, record in lines:
        _check_line(text, record)
        assert wrong not in text and DEMO_PASSWORD not in text and member.token not in text
    records = [r for _t, r in lines]
    assert any(r["event"] == "reauth.failure" and r["user_id"] == member_id for r in records)
    assert any(
        r["event"] == "account.email"
        and r["person_id"] == member_id
        and r["previous"] == member_email
        and r["email"] == "nowy.adres@example.org"
        for r in records
    )
    assert any(
        r["event"] == "person.admin" and r["user_id"] == admin_id and r["is_admin"] is True for r in records
    )
    assert any(
        r["event"] == "person.active" and r["person_id"] == member_id and r["active"] is False
        for r in records
    )
