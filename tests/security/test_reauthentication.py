"""Changes of roles and of how a person signs in ask for the password again; a new
password or a disabled account also revokes API tokens; a bad bearer header never falls
back to the cookie that came with it. Time is moved by rewriting rows, never slept.
"""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import DEMO_PASSWORD, api_token, bearer, page_csrf, sign_in
from tests.security.support import age_password
from webapp.extensions import db
from webapp.models import Membership, OutboxEmail, User

SLUG = "mak"


def role_of(app, email: str, slug: str = SLUG) -> str | None:  # noqa: ANN001
    from webapp.models import Cluster

    with app.app_context():
        return db.session.scalar(
            select(Membership.role)
            .join(User, User.id == Membership.user_id)
            .join(Cluster, Cluster.id == Membership.cluster_id)
            .where(User.email == email, Cluster.slug == slug)
        )


def user_id(app, email: str) -> int:  # noqa: ANN001
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def moderator_browser(app, accounts):  # noqa: ANN001, ANN201
    client = app.test_client()
    sign_in(client, accounts.email("moderator", SLUG))
    return client


def stale_moderator(app, accounts) -> tuple[object, str]:  # noqa: ANN001
    """A moderator's browser whose password was last typed an hour ago, and an observer."""
    client = moderator_browser(app, accounts)
    age_password(app, accounts.email("moderator", SLUG))
    return client, accounts.email("observer", SLUG)


def post_role(client, app, target: str, role: str, password: str | None = None):  # noqa: ANN001, ANN201
    data = {
        "csrf_token": page_csrf(client, f"/c/{SLUG}"),
        "user_id": user_id(app, target),
        "role": role,
    }
    if password is not None:
        data["password"] = password
    return client.post(f"/c/{SLUG}/members", data=data)


# --- roles in a cluster --------------------------------------------------------------


def test_a_fresh_sign_in_may_change_a_role_without_typing_the_password_again(app, accounts):
    observer = accounts.email("observer", SLUG)
    client = moderator_browser(app, accounts)
    page = client.get(f"/c/{SLUG}").get_data(as_text=True)
    assert 'name="password"' not in page, "no password field within the window"
    assert post_role(client, app, observer, "member").status_code == 302
    assert role_of(app, observer) == "member"


def test_a_stale_session_must_type_the_password_to_change_a_role(app, accounts):
    client, observer = stale_moderator(app, accounts)
    page = client.get(f"/c/{SLUG}").get_data(as_text=True)
    assert 'name="password"' in page, "the member form asks for the password"

    missing = post_role(client, app, observer, "moderator")
    assert missing.status_code == 422
    assert "Wpisz swoje hasło, aby potwierdzić tę zmianę." in missing.get_data(as_text=True)
    wrong = post_role(client, app, observer, "moderator", password="nie-to-haslo")
    assert wrong.status_code == 422
    assert role_of(app, observer) == "observer", "a refused confirmation changes nothing"

    right = post_role(client, app, observer, "moderator", password=DEMO_PASSWORD)
    assert right.status_code == 302
    assert role_of(app, observer) == "moderator"
    # Confirmed: the next change within the window goes through without it.
    assert post_role(client, app, observer, "member").status_code == 302
    assert role_of(app, observer) == "member"


def test_guessing_through_the_confirmation_meets_the_sign_in_limit(app, accounts):
    client, observer = stale_moderator(app, accounts)
    limit = app.config["LOGIN_FAILURES_PER_MINUTE"]
    for _ in range(limit):
        assert post_role(client, app, observer, "moderator", password="zgaduje").status_code == 422
    # Even the right password waits now: the attempts are counted per account.
    blocked = post_role(client, app, observer, "moderator", password=DEMO_PASSWORD)
    assert blocked.status_code == 422
    assert role_of(app, observer) == "observer"
    confirm = client.post(
        "/account/confirm",
        data={"csrf_token": page_csrf(client, "/account/confirm"), "password": DEMO_PASSWORD},
    )
    assert confirm.status_code == 429


def test_removing_a_member_from_a_stale_session_goes_through_the_confirmation_page(app, accounts):
    client, observer = stale_moderator(app, accounts)
    with app.app_context():
        membership_id = db.session.scalar(select(Membership.id).join(User).where(User.email == observer))
    remove = f"/c/{SLUG}/members/{membership_id}/remove"
    refused = client.post(remove, data={"csrf_token": page_csrf(client, f"/c/{SLUG}")})
    assert refused.status_code == 302
    assert refused.headers["Location"].startswith("/account/confirm?next=")
    assert role_of(app, observer) == "observer", "nothing removed before the confirmation"

    confirm_page = client.get(refused.headers["Location"])
    assert confirm_page.status_code == 200
    csrf = page_csrf(client, refused.headers["Location"])
    wrong = client.post(
        "/account/confirm",
        data={"csrf_token": csrf, "password": "nie-to-haslo", "next": f"/c/{SLUG}"},
    )
    assert wrong.status_code == 422
    confirmed = client.post(
        "/account/confirm",
        data={"csrf_token": csrf, "password": DEMO_PASSWORD, "next": f"/c/{SLUG}#members"},
    )
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == f"/c/{SLUG}#members"
    assert client.post(remove, data={"csrf_token": csrf}).status_code == 302
    assert role_of(app, observer) is None


def test_the_confirmation_page_sends_nobody_elsewhere(app, accounts):
    client = moderator_browser(app, accounts)
    csrf = page_csrf(client, "/account/confirm")
    answer = client.post(
        "/account/confirm",
        data={"csrf_token": csrf, "password": DEMO_PASSWORD, "next": "//evil.example/"},
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "/"


def test_the_api_with_a_stale_browser_session_asks_for_confirmation_but_a_token_goes(app, accounts):
    client, observer = stale_moderator(app, accounts)
    moderator = accounts.email("moderator", SLUG)
    csrf = page_csrf(client, f"/c/{SLUG}")
    body = {"user_id": user_id(app, observer), "role": "member"}
    cookie_call = client.post(f"/api/v1/clusters/{SLUG}/members", json=body, headers={"X-CSRFToken": csrf})
    assert cookie_call.status_code == 403
    error = cookie_call.get_json()["error"]
    assert error["code"] == "reauthentication_required"
    assert "hasło" in error["message"], "the message is in the person's language (Polish)"
    assert role_of(app, observer) == "observer"

    token = api_token(app.test_client(), moderator)
    token_call = app.test_client().post(f"/api/v1/clusters/{SLUG}/members", json=body, headers=bearer(token))
    assert token_call.status_code == 201
    assert role_of(app, observer) == "member"


# --- the person's own e-mail address ---------------------------------------------------


def post_email(client, email: str, password: str | None):  # noqa: ANN001, ANN201
    data = {"email-csrf_token": page_csrf(client, "/account/"), "email-email": email}
    if password is not None:
        data["email-current"] = password
    return client.post("/account/email", data=data)


def test_changing_ones_email_always_asks_for_the_password(app, accounts):
    email = accounts.email("member", SLUG)
    client = app.test_client()
    sign_in(client, email)  # a fresh sign-in is not enough here
    assert post_email(client, "nowy.adres@example.org", None).status_code == 422
    assert post_email(client, "nowy.adres@example.org", "nie-to-haslo").status_code == 422
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.email == email)) is not None

    done = post_email(client, "  Nowy.Adres@Example.org ", DEMO_PASSWORD)
    assert done.status_code == 302
    assert sign_in(app.test_client(), email).status_code == 401, "the old address is gone"
    assert sign_in(app.test_client(), "nowy.adres@example.org").status_code == 302
    with app.app_context():
        told = db.session.scalars(select(OutboxEmail).where(OutboxEmail.to == email)).all()
    assert len(told) == 1 and "nowy.adres@example.org" in told[0].body


def test_an_email_in_use_is_refused_and_nothing_changes(app, accounts):
    email = accounts.email("member", SLUG)
    taken = accounts.email("moderator", SLUG)
    client = app.test_client()
    sign_in(client, email)
    answer = post_email(client, taken.upper(), DEMO_PASSWORD)
    assert answer.status_code == 409
    assert "już używany" in answer.get_data(as_text=True) or "in use" in answer.get_data(as_text=True)
    assert sign_in(app.test_client(), email).status_code == 302


def test_an_invalid_email_is_refused(app, accounts):
    client = app.test_client()
    email = accounts.email("member", SLUG)
    sign_in(client, email)
    assert post_email(client, "bez-malpy", DEMO_PASSWORD).status_code == 422
    assert sign_in(app.test_client(), email).status_code == 302


# --- a new password revokes tokens -----------------------------------------------------


def test_a_new_password_revokes_the_persons_api_tokens(app, accounts):
    email = accounts.email("member", SLUG)
    token = api_token(app.test_client(), email)
    assert app.test_client().get("/api/v1/clusters", headers=bearer(token)).status_code == 200
    client = app.test_client()
    sign_in(client, email)
    new = "zupelnie-nowe-haslo-2024"
    changed = client.post(
        "/account/",
        data={
            "csrf_token": page_csrf(client, "/account/"),
            "current": DEMO_PASSWORD,
            "new": new,
            "repeat": new,
        },
    )
    assert changed.status_code == 302
    assert app.test_client().get("/api/v1/clusters", headers=bearer(token)).status_code == 401
    fresh = api_token(app.test_client(), email, new)
    assert app.test_client().get("/api/v1/clusters", headers=bearer(fresh)).status_code == 200


# --- an admin edits an account -----------------------------------------------------------


def admin_browser(app):  # noqa: ANN001, ANN201
    client = app.test_client()
    sign_in(client, "admin@example.org")
    return client


def post_person(client, app, email: str, **changes: object):  # noqa: ANN001, ANN201
    with app.app_context():
        person = db.session.scalar(select(User).where(User.email == email))
        data = {
            "csrf_token": page_csrf(client, f"/admin/users/{person.id}"),
            "name": person.name,
            "email": person.email,
            "organisation_id": person.organisation_id or 0,
        }
        if person.is_admin:
            data["is_admin"] = "y"
        if person.active:
            data["active"] = "y"
        person_id = person.id
    for key, value in changes.items():
        if value is False:
            data.pop(key, None)
        elif value is True:
            data[key] = "y"
        else:
            data[key] = value
    return client.post(f"/admin/users/{person_id}", data=data)


def test_disabling_an_account_ends_its_sessions_and_tokens(app, accounts):
    email = accounts.email("member", SLUG)
    browser = app.test_client()
    sign_in(browser, email)
    token = api_token(app.test_client(), email)
    admin = admin_browser(app)
    assert post_person(admin, app, email, active=False).status_code == 302
    assert browser.get("/account/").status_code == 302
    assert app.test_client().get("/api/v1/clusters", headers=bearer(token)).status_code == 401
    assert sign_in(app.test_client(), email).status_code == 401
    # Enabled again: a new sign-in works; the old session and token stay dead.
    assert post_person(admin, app, email, active=True).status_code == 302
    assert browser.get("/account/").status_code == 302
    assert app.test_client().get("/api/v1/clusters", headers=bearer(token)).status_code == 401
    assert sign_in(app.test_client(), email).status_code == 302


def test_an_admin_cannot_disable_or_demote_themselves(app):
    admin = admin_browser(app)
    assert post_person(admin, app, "admin@example.org", active=False).status_code == 422
    assert post_person(admin, app, "admin@example.org", is_admin=False).status_code == 422
    with app.app_context():
        me = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        assert me.active and me.is_admin


def test_granting_admin_rights_from_a_stale_session_asks_for_the_password(app, accounts):
    email = accounts.email("member", SLUG)
    admin = admin_browser(app)
    age_password(app, "admin@example.org")
    assert post_person(admin, app, email, is_admin=True).status_code == 422
    # A harmless correction (the name) needs no password.
    assert post_person(admin, app, email, name="Poprawione Nazwisko").status_code == 302
    with app.app_context():
        person = db.session.scalar(select(User).where(User.email == email))
        assert not person.is_admin and person.name == "Poprawione Nazwisko"
    granted = post_person(admin, app, email, is_admin=True, password=DEMO_PASSWORD)
    assert granted.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.is_admin).where(User.email == email))


#: A person added without a mail server: the answer shows their invitation link once.
ADDED = 200


def post_new_person(client, app, email: str, *, admin: bool, password: str | None = None):  # noqa: ANN001, ANN201
    from webapp.models import Organisation

    with app.app_context():
        organisation_id = db.session.scalar(select(Organisation.id).limit(1))
    data = {
        "csrf_token": page_csrf(client, "/admin/users"),
        "name": "Nowa Osoba",
        "email": email,
        "organisation_id": organisation_id,
    }
    if admin:
        data["is_admin"] = "y"
    if password is not None:
        data["current"] = password
    return client.post("/admin/users", data=data)


def is_admin(app, email: str) -> bool | None:  # noqa: ANN001
    with app.app_context():
        return db.session.scalar(select(User.is_admin).where(User.email == email))


def test_creating_an_admin_account_from_a_stale_session_asks_for_the_password(app):
    admin = admin_browser(app)
    age_password(app, "admin@example.org")
    assert 'name="current"' in admin.get("/admin/users").get_data(as_text=True)
    missing = post_new_person(admin, app, "nowy.admin@example.org", admin=True)
    assert missing.status_code == 422
    assert "Wpisz swoje hasło, aby potwierdzić tę zmianę." in missing.get_data(as_text=True)
    wrong = post_new_person(admin, app, "nowy.admin@example.org", admin=True, password="nie-to")
    assert wrong.status_code == 422
    assert is_admin(app, "nowy.admin@example.org") is None, "a refused confirmation adds no one"
    # An ordinary account needs no password. Without a mail server the invitation link is shown
    # once on the answer (200), not redirected to.
    assert post_new_person(admin, app, "zwykla.osoba@example.org", admin=False).status_code == ADDED
    assert is_admin(app, "zwykla.osoba@example.org") is False

    right = post_new_person(admin, app, "nowy.admin@example.org", admin=True, password=DEMO_PASSWORD)
    assert right.status_code == ADDED
    assert is_admin(app, "nowy.admin@example.org") is True


def test_a_fresh_session_creates_an_admin_account_without_the_password_field(app):
    admin = admin_browser(app)
    assert 'name="current"' not in admin.get("/admin/users").get_data(as_text=True)
    assert post_new_person(admin, app, "nowy.admin@example.org", admin=True).status_code == ADDED
    assert is_admin(app, "nowy.admin@example.org") is True


def test_a_post_without_the_fields_changes_nothing(app, accounts):
    email = accounts.email("member", SLUG)
    admin = admin_browser(app)
    uid = user_id(app, email)
    answer = admin.post(f"/admin/users/{uid}", data={"csrf_token": page_csrf(admin, f"/admin/users/{uid}")})
    assert answer.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(User.active).where(User.id == uid))


# --- a bad bearer header is nobody -----------------------------------------------------


def test_an_invalid_bearer_token_does_not_fall_back_to_the_session_cookie(app, accounts):
    email = accounts.email("member", SLUG)
    client = app.test_client()
    sign_in(client, email)
    for header in ("Bearer not-a-token", "Bearer ", "bearer x"):
        listed = client.get("/api/v1/clusters", headers={"Authorization": header})
        assert listed.status_code == 401, header
        posted = client.post(
            f"/api/v1/clusters/{SLUG}/sections/profile/comments",
            headers={"Authorization": header},
            json={"body": "Bez tokenu CSRF", "visibility": "all", "kind": "remark"},
        )
        assert posted.status_code == 401, header
    assert client.get("/api/v1/clusters").status_code == 200, "the cookie alone still works"
