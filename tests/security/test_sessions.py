"""Sign-in sessions: renewed at sign-in, ended by sign-out and password change, cut off
at once for a disabled account or a removed membership, and timed out (inactivity,
absolute lifetime, "remember me") — time is moved by rewriting the rows, never slept.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from tests.conftest import DEMO_PASSWORD, api_token, bearer, csrf_from, page_csrf, sign_in
from webapp.extensions import db
from webapp.models import Comment, LoginSession, Membership, User
from webapp.models.base import utcnow

SLUG = "mak"
NEW_PASSWORD = "zupelnie-nowe-haslo-2024"


def may_see_account(client) -> bool:  # noqa: ANN001
    response = client.get("/account/")
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
    return response.status_code == 200


def replay(app, cookies: dict[str, str]):  # noqa: ANN001, ANN201
    """A new browser holding copies of the given cookies (a thief's, say)."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def cookies_of(client, *names: str) -> dict[str, str]:  # noqa: ANN001
    found = {}
    for name in names or ("session", "remember_token"):
        cookie = client.get_cookie(name)
        if cookie is not None:
            found[name] = cookie.value
    return found


def latest_session(app, email: str) -> int:  # noqa: ANN001
    with app.app_context():
        return db.session.scalar(
            select(LoginSession.id)
            .join(User)
            .where(User.email == email)
            .order_by(LoginSession.id.desc())
            .limit(1)
        )


def move_session(app, session_id: int, **ago: timedelta) -> None:  # noqa: ANN001
    """Put a session's timestamps this long into the past (created_at, last_seen_at,
    expires_at), as if that much time had gone by."""
    with app.app_context():
        row = db.session.get(LoginSession, session_id)
        now = utcnow()
        values = {}
        for column, delta in ago.items():
            values[column] = now - delta
        if "created_at" in ago:  # the lifetime was fixed at sign-in
            values["expires_at"] = values["created_at"] + (row.expires_at - row.created_at)
        db.session.execute(update(LoginSession).where(LoginSession.id == session_id).values(values))
        db.session.commit()
        db.session.remove()


# --- a new session at every sign-in ---------------------------------------------------


def test_sign_in_starts_a_new_session_and_the_planted_cookie_stays_anonymous(app, accounts):
    email = accounts.email("member", SLUG)
    victim = app.test_client()
    victim.get("/login")
    planted = cookies_of(victim, "session")  # what an attacker could have set beforehand
    old_csrf = page_csrf(victim)
    assert sign_in(victim, email).status_code == 302
    assert may_see_account(victim)
    assert cookies_of(victim, "session") != planted
    # The attacker's copy of the pre-login cookie is still nobody.
    assert not may_see_account(replay(app, planted))
    # And the CSRF token of before the sign-in no longer passes.
    refused = victim.post("/notifications/read", data={"csrf_token": old_csrf})
    assert refused.status_code == 400
    assert (
        victim.post(
            "/notifications/read", data={"csrf_token": page_csrf(victim, "/notifications")}
        ).status_code
        == 302
    )


def test_every_sign_in_is_its_own_revocable_row(app, accounts):
    email = accounts.email("member", SLUG)
    first, second = app.test_client(), app.test_client()
    sign_in(first, email)
    one = latest_session(app, email)
    sign_in(second, email)
    two = latest_session(app, email)
    assert one != two
    with app.app_context():
        rows = db.session.scalars(select(LoginSession).where(LoginSession.id.in_([one, two])))
        assert len({r.token_hash for r in rows}) == 2
    # Signing in again elsewhere does not end the first browser's session.
    assert may_see_account(first) and may_see_account(second)


# --- sign-out and password change -------------------------------------------------------


def test_sign_out_ends_the_session_for_every_copy_of_its_cookies(app, accounts):
    email = accounts.email("member", SLUG)
    client = app.test_client()
    sign_in(client, email, remember=True)
    early = cookies_of(client)
    assert may_see_account(client)
    late = cookies_of(client)
    csrf = page_csrf(client, "/account/")
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 302
    assert not may_see_account(client)
    for stolen in (early, late, {"session": early["session"]}, {"remember_token": early["remember_token"]}):
        assert not may_see_account(replay(app, stolen)), f"replayed {sorted(stolen)} still works"
    with app.app_context():
        row = db.session.get(LoginSession, latest_session(app, email))
        assert row.revoked_at is not None


def _change_password(client, current: str, new: str, repeat: str | None = None):  # noqa: ANN001, ANN202
    csrf = page_csrf(client, "/account/")
    return client.post(
        "/account/",
        data={"csrf_token": csrf, "current": current, "new": new, "repeat": repeat or new},
    )


def test_password_change_ends_every_earlier_session(app, accounts):
    email = accounts.email("member", SLUG)
    here, laptop, phone = app.test_client(), app.test_client(), app.test_client()
    sign_in(here, email)
    sign_in(laptop, email)
    sign_in(phone, email, remember=True)
    before = cookies_of(here)
    phone_cookies = cookies_of(phone)
    assert all(may_see_account(c) for c in (here, laptop, phone))

    response = _change_password(here, DEMO_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert may_see_account(here), "the person who changed it stays signed in, on a new session"
    assert cookies_of(here) != before
    assert not may_see_account(laptop)
    assert not may_see_account(phone)
    assert not may_see_account(replay(app, before)), "the cookie of before the change is dead"
    assert not may_see_account(replay(app, {"remember_token": phone_cookies["remember_token"]}))
    assert sign_in(app.test_client(), email).status_code == 401  # the old password
    assert sign_in(app.test_client(), email, NEW_PASSWORD).status_code == 302


def test_a_wrong_current_password_changes_nothing(app, accounts):
    email = accounts.email("member", SLUG)
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, email)
    sign_in(elsewhere, email)
    response = _change_password(here, "not-my-password", NEW_PASSWORD)
    assert response.status_code == 422
    assert may_see_account(here) and may_see_account(elsewhere)
    assert sign_in(app.test_client(), email).status_code == 302


# --- disabled accounts and removed memberships -----------------------------------------


def test_a_disabled_account_is_out_at_the_next_request(app, accounts):
    email = accounts.email("member", SLUG)
    browser = app.test_client()
    sign_in(browser, email, remember=True)
    token = api_token(app.test_client(), email)
    assert may_see_account(browser)
    assert app.test_client().get("/api/v1/clusters", headers=bearer(token)).status_code == 200
    with app.app_context():
        db.session.execute(update(User).where(User.email == email).values(active=False))
        db.session.commit()
    assert not may_see_account(browser)
    assert browser.get(f"/c/{SLUG}").status_code == 302
    api = app.test_client().get("/api/v1/clusters", headers=bearer(token))
    assert api.status_code == 401 and api.get_json()["error"]["code"] == "unauthorized"
    assert sign_in(app.test_client(), email).status_code == 401
    # The remember-me cookie does not bring the account back either.
    assert not may_see_account(replay(app, {"remember_token": browser.get_cookie("remember_token").value}))


def test_a_removed_membership_hides_the_cluster_at_the_next_request(app, accounts):
    member = accounts.email("member", SLUG)
    moderator = accounts.email("moderator", SLUG)
    browser, api = app.test_client(), app.test_client()
    sign_in(browser, member)
    token = api_token(api, member)
    assert browser.get(f"/c/{SLUG}").status_code == 200
    assert api.get(f"/api/v1/clusters/{SLUG}", headers=bearer(token)).status_code == 200
    with app.app_context():
        membership_id = db.session.scalar(
            select(Membership.id)
            .join(User)
            .where(User.email == member)
            .join(Membership.cluster)
            .where(Membership.cluster.has(slug=SLUG))
        )
    boss = app.test_client()
    sign_in(boss, moderator)
    page = boss.get(f"/c/{SLUG}").get_data(as_text=True)
    removed = boss.post(f"/c/{SLUG}/members/{membership_id}/remove", data={"csrf_token": csrf_from(page)})
    assert removed.status_code == 302
    assert browser.get(f"/c/{SLUG}").status_code == 404
    assert browser.get(f"/c/{SLUG}/s/profile").status_code == 404
    assert api.get(f"/api/v1/clusters/{SLUG}", headers=bearer(token)).status_code == 404
    listed = api.get("/api/v1/clusters", headers=bearer(token)).get_json()["clusters"]
    assert SLUG not in {c["slug"] for c in listed}
    assert may_see_account(browser), "only the cluster is gone, not the account"


# --- timeouts ---------------------------------------------------------------------------


@pytest.fixture
def limits(app):  # noqa: ANN001, ANN201
    return app.config["SESSION_INACTIVITY"], app.config["SESSION_ABSOLUTE"]


def test_inactivity_ends_a_session(app, accounts, limits):
    inactivity, _absolute = limits
    email = accounts.email("member", SLUG)
    client = app.test_client()
    sign_in(client, email)
    session_id = latest_session(app, email)
    move_session(app, session_id, last_seen_at=inactivity - timedelta(minutes=5))
    assert may_see_account(client), "not idle long enough yet"
    move_session(app, session_id, last_seen_at=inactivity + timedelta(minutes=1))
    assert not may_see_account(client)


def test_activity_keeps_a_session_alive_until_its_absolute_end(app, accounts, limits):
    inactivity, absolute = limits
    assert absolute > inactivity
    email = accounts.email("member", SLUG)
    client = app.test_client()
    sign_in(client, email)
    session_id = latest_session(app, email)
    # Busy all along (seen a minute ago), signed in almost `absolute` ago: still fine.
    move_session(
        app, session_id, created_at=absolute - timedelta(minutes=5), last_seen_at=timedelta(minutes=1)
    )
    assert may_see_account(client)
    move_session(
        app, session_id, created_at=absolute + timedelta(minutes=1), last_seen_at=timedelta(minutes=1)
    )
    assert not may_see_account(client)


def test_the_last_seen_time_moves_with_use(app, accounts):
    email = accounts.email("member", SLUG)
    client = app.test_client()
    sign_in(client, email)
    session_id = latest_session(app, email)
    move_session(app, session_id, last_seen_at=timedelta(minutes=30))
    assert may_see_account(client)
    with app.app_context():
        seen = db.session.get(LoginSession, session_id).last_seen_at
    assert utcnow() - seen < timedelta(minutes=1), "using the session must count as activity"


# --- remember me ------------------------------------------------------------------------


def test_remember_me_survives_losing_the_session_cookie_for_at_most_30_days(app, accounts):
    email = accounts.email("member", SLUG)
    client = app.test_client()
    sign_in(client, email, remember=True)
    cookie = client.get_cookie("remember_token")
    assert cookie is not None and cookie.http_only
    assert cookie.expires <= datetime.now(UTC) + timedelta(days=30, minutes=1)
    session_id = latest_session(app, email)
    with app.app_context():
        row = db.session.get(LoginSession, session_id)
        assert row.remember and row.expires_at - row.created_at <= timedelta(days=30)

    # The browser was closed: the session cookie is gone, the remember cookie is not.
    restarted = replay(app, {"remember_token": cookie.value})
    assert may_see_account(restarted)
    # Idle for a week is fine for a remembered device...
    move_session(app, session_id, created_at=timedelta(days=7), last_seen_at=timedelta(days=7))
    assert may_see_account(replay(app, {"remember_token": cookie.value}))
    # ...but not past 30 days after signing in.
    move_session(app, session_id, created_at=timedelta(days=30, minutes=1), last_seen_at=timedelta(0))
    assert not may_see_account(replay(app, {"remember_token": cookie.value}))
    assert not may_see_account(client)


def test_without_remember_me_losing_the_session_cookie_signs_out(app, accounts):
    client = app.test_client()
    sign_in(client, accounts.email("member", SLUG))
    assert client.get_cookie("remember_token") is None
    assert not may_see_account(app.test_client())


def test_sign_out_ends_remember_me_too(app, accounts):
    email = accounts.email("member", SLUG)
    client = app.test_client()
    sign_in(client, email, remember=True)
    remembered = client.get_cookie("remember_token").value
    client.delete_cookie("session")  # sign out from a restarted browser
    assert may_see_account(client)
    client.post("/logout", data={"csrf_token": page_csrf(client, "/account/")})
    assert not may_see_account(replay(app, {"remember_token": remembered}))


# --- a bearer token names who acts ------------------------------------------------------


def test_a_bearer_token_acts_for_its_owner_whatever_cookie_comes_with_it(app, accounts):
    """An API client that once signed in on the pages keeps that cookie; a call with
    someone else's token must act (and be audited) as the token's owner, not the cookie's."""
    cookie_person = accounts.email("member", SLUG)
    token_person = accounts.outsider(SLUG)
    theirs = {a["cluster"] for a in accounts.all if a["email"] == token_person}
    client = app.test_client()
    sign_in(client, cookie_person)
    token = api_token(app.test_client(), token_person)
    listed = client.get("/api/v1/clusters", headers=bearer(token)).get_json()["clusters"]
    assert {c["slug"] for c in listed} == theirs and SLUG not in theirs
    other = sorted(theirs)[0]
    posted = client.post(
        f"/api/v1/clusters/{other}/sections/profile/comments",
        headers=bearer(token),
        json={"body": "Kto to napisał?", "visibility": "all", "kind": "remark"},
    )
    assert posted.status_code == 201, posted.get_json()
    with app.app_context():
        author = db.session.scalar(
            select(User.email)
            .join(Comment, Comment.author_id == User.id)
            .where(Comment.id == posted.get_json()["id"])
        )
    assert author == token_person
    # Without the token the same client is the cookie's person again.
    mine = client.get(f"/c/{SLUG}")
    assert mine.status_code == 200
