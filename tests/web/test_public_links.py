"""Links that leave the site (.ics files, e-mails) come from PUBLIC_URL, never from the
request: a request with `Host: evil.example` must not put that host in front of anyone."""

from __future__ import annotations

import re

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.conftest import DEMO_PASSWORD, csrf_from, make_app
from webapp.extensions import db
from webapp.models import Cluster, Meeting, OutboxEmail, User

PUBLIC = "https://studio.example.org"
EVIL = "http://evil.example"


@pytest.fixture
def public_app(database_url: str, monkeypatch):  # noqa: ANN001, ANN201
    """The app of an installation whose environment sets PUBLIC_URL."""
    monkeypatch.setenv("PUBLIC_URL", PUBLIC)
    app = make_app(database_url)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def default_app(database_url: str, monkeypatch):  # noqa: ANN001, ANN201
    """`make run` on HOST and PORT without PUBLIC_URL: links name where it listens."""
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.setenv("HOST", "studio.internal")
    monkeypatch.setenv("PORT", "8123")
    app = make_app(database_url)
    yield app
    with app.app_context():
        db.engine.dispose()


def evil_sign_in(client, email: str) -> None:  # noqa: ANN001
    """Sign in through the forged host, so the session's cookie is that host's."""
    page = client.get("/login", base_url=EVIL).get_data(as_text=True)
    response = client.post(
        "/login",
        base_url=EVIL,
        data={"csrf_token": csrf_from(page), "email": email, "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302


def evil_token(client, email: str) -> dict:  # noqa: ANN001
    response = client.post(
        "/api/v1/auth/token", base_url=EVIL, json={"email": email, "password": DEMO_PASSWORD}
    )
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def test_the_ics_file_links_to_the_public_url_whatever_the_host_header(public_app, accounts):
    with public_app.app_context():
        meeting_id = db.session.scalar(
            select(Meeting.id).join(Cluster).where(Cluster.slug == "makros").limit(1)
        )
    client = public_app.test_client()
    evil_sign_in(client, accounts.email("observer", "makros"))
    response = client.get(f"/c/makros/meetings/{meeting_id}.ics", base_url=EVIL)
    assert response.status_code == 200
    assert b"evil.example" not in response.data
    (event,) = Calendar.from_ical(response.data).walk("VEVENT")
    assert str(event["URL"]) == f"{PUBLIC}/c/makros/meetings/{meeting_id}"
    assert str(event["UID"]) == f"meeting-{meeting_id}@studio.example.org"
    assert f"{PUBLIC}/c/makros/meetings/{meeting_id}" in str(event["DESCRIPTION"])


@pytest.mark.parametrize(
    ("which", "base"), [("public_app", PUBLIC), ("default_app", "http://studio.internal:8123")]
)
def test_an_e_mail_sent_during_a_forged_request_links_to_the_public_url(request, accounts, which, base):
    """A member mentions the moderator; the moderator's e-mail goes out at once."""
    public_app = request.getfixturevalue(which)
    client = public_app.test_client()
    with public_app.app_context():
        moderator = db.session.scalar(select(User).where(User.email == accounts.email("moderator", "krea")))
        name, address = moderator.name, moderator.email
    response = client.post(
        "/api/v1/clusters/krea/sections/profile/comments",
        base_url=EVIL,
        headers=evil_token(client, accounts.email("member", "krea")),
        json={"body": f"Look, @{name}", "visibility": "all", "kind": "remark"},
    )
    assert response.status_code == 201, response.get_json()
    with public_app.app_context():
        (mail,) = db.session.scalars(select(OutboxEmail).where(OutboxEmail.to == address)).all()
        body = mail.body
    assert "evil.example" not in body
    link = rf"{re.escape(base)}/c/krea/s/profile\S*#comment-{response.get_json()['id']}\b"
    assert re.search(link, body), body


def test_an_invitation_e_mail_links_to_the_public_url(database_url, accounts, monkeypatch):
    """A moderator invites an address without an account; with SMTP the link is e-mailed
    (and not shown), and it names PUBLIC_URL whatever host the moderator's request named."""
    monkeypatch.setenv("PUBLIC_URL", PUBLIC)
    app = make_app(database_url, MAIL_SERVER="smtp.example.invalid", MAIL_PORT=2525)
    client = app.test_client()
    evil_sign_in(client, accounts.email("moderator", "mak"))
    page = client.get("/c/mak", base_url=EVIL).get_data(as_text=True)
    with app.extensions["mail"].record_messages() as sent:
        response = client.post(
            "/c/mak/members",
            base_url=EVIL,
            data={"csrf_token": csrf_from(page), "email": "nowa.osoba@example.org", "role": "member"},
        )
    assert response.status_code == 302
    (message,) = sent
    assert message.recipients == ["nowa.osoba@example.org"]
    assert "evil.example" not in message.body
    link = re.search(r"https?://\S+/invitation/\S+", message.body).group(0)
    assert link.startswith(f"{PUBLIC}/invitation/")
    assert link.removeprefix(PUBLIC) not in client.get("/c/mak", base_url=EVIL).get_data(as_text=True)
    assert app.test_client().get(link.removeprefix(PUBLIC)).status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_public_url_defaults_to_where_make_run_listens_and_refuses_nonsense(monkeypatch):
    from webapp.config import public_url

    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.delenv("HOST", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    assert public_url() == "http://127.0.0.1:5000"
    monkeypatch.setenv("HOST", "0.0.0.0")  # noqa: S104 (what a container listens on)
    monkeypatch.setenv("PORT", "8080")
    assert public_url() == "http://127.0.0.1:8080"
    monkeypatch.setenv("PUBLIC_URL", "https://studio.example.org/")
    assert public_url() == "https://studio.example.org"
    for wrong in ("studio.example.org", "javascript:alert(1)", "https://", "https://a.pl/?x=1"):
        monkeypatch.setenv("PUBLIC_URL", wrong)
        with pytest.raises(ValueError, match="PUBLIC_URL"):
            public_url()
