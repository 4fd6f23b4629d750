"""Password guessing is slowed per account and per address, the count is shared by every
process (it lives in the database), the page and the API answer 429 with Retry-After,
and nothing is locked for good: once the failures are old, signing in works again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import DEMO_PASSWORD, make_app, page_csrf
from webapp.auth.throttle import ADDRESS_FACTOR, WINDOW
from webapp.extensions import db
from webapp.models import LoginFailure

WRONG = "definitely-not-the-password"


def browser(app, address: str = "198.51.100.7"):  # noqa: ANN001, ANN201
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def page_try(client, email: str, password: str = WRONG):  # noqa: ANN001, ANN201
    return client.post("/login", data={"csrf_token": page_csrf(client), "email": email, "password": password})


def api_try(client, email: str, password: str = WRONG):  # noqa: ANN001, ANN201
    return client.post("/api/v1/auth/token", json={"email": email, "password": password})


def assert_throttled(response, is_api: bool) -> int:  # noqa: ANN001
    assert response.status_code == 429, response.status_code
    wait = int(response.headers["Retry-After"])
    assert 1 <= wait <= WINDOW.total_seconds() + 1
    if is_api:
        error = response.get_json()["error"]
        assert error["code"] == "too_many_requests" and error["message"]
    else:
        assert response.mimetype == "text/html"
    return wait


@pytest.fixture
def limit(app) -> int:  # noqa: ANN001
    return app.config["LOGIN_FAILURES_PER_MINUTE"]


def age_failures(app, by: timedelta) -> None:  # noqa: ANN001
    with app.app_context():
        for row in db.session.scalars(select(LoginFailure)):
            row.created_at = row.created_at - by
        db.session.commit()


@pytest.mark.parametrize("via", ["page", "api"])
def test_one_account_is_slowed_down_whatever_the_address(app, accounts, limit, via):
    email = accounts.email("member", "krea")
    attempt = page_try if via == "page" else api_try
    for n in range(limit):  # each guess from another address: the account limit counts
        assert attempt(browser(app, f"203.0.113.{n}"), email).status_code == 401
    fresh = browser(app, "203.0.113.200")
    assert_throttled(attempt(fresh, email), via == "api")
    # Even the right password waits: the guesser must not learn that it was right.
    assert_throttled(attempt(fresh, email, DEMO_PASSWORD), via == "api")
    # Another account from the same addresses is not affected.
    other = accounts.email("member", "krea", 1)
    assert attempt(browser(app, "203.0.113.0"), other, DEMO_PASSWORD).status_code in (200, 302)


@pytest.mark.parametrize("via", ["page", "api"])
def test_one_address_trying_many_accounts_is_slowed_down(app, accounts, limit, via):
    attempt = page_try if via == "page" else api_try
    guesser = browser(app, "192.0.2.66")
    for n in range(limit * ADDRESS_FACTOR):  # a different account each time
        response = attempt(guesser, f"someone{n}@example.org")
        assert response.status_code == 401, (n, response.status_code)
    assert_throttled(attempt(guesser, "someone-else@example.org"), via == "api")
    real = accounts.email("member", "mak")
    assert_throttled(attempt(guesser, real, DEMO_PASSWORD), via == "api")
    # The same account from another address signs in: only the address is slowed.
    elsewhere = browser(app, "192.0.2.67")
    assert attempt(elsewhere, real, DEMO_PASSWORD).status_code in (200, 302)


def test_the_count_is_shared_by_every_process(app, database_url, accounts, limit):
    """Two app instances (two gunicorn workers, two machines) on one database."""
    other = make_app(database_url)
    try:
        email = accounts.email("member", "krea")
        instances = [app, other]
        for n in range(limit):
            process = instances[n % 2]
            assert page_try(browser(process, f"203.0.113.{n}"), email).status_code == 401
        with app.app_context():
            counted = db.session.scalar(
                select(func.count()).select_from(LoginFailure).where(LoginFailure.email == email)
            )
        assert counted == limit
        for process in instances:
            assert_throttled(page_try(browser(process, "203.0.113.99"), email), False)
            assert_throttled(api_try(browser(process, "203.0.113.98"), email), True)
    finally:
        with other.app_context():
            db.engine.dispose()


def test_no_permanent_lock_out(app, accounts, limit):
    email = accounts.email("member", "krea")
    client = browser(app)
    for _ in range(limit):
        page_try(client, email)
    assert_throttled(page_try(client, email, DEMO_PASSWORD), False)
    # Waiting (moving the failures into the past) is all it takes: no admin needed.
    age_failures(app, WINDOW + timedelta(seconds=1))
    assert page_try(client, email, DEMO_PASSWORD).status_code == 302


def test_throttled_tries_do_not_extend_the_wait(app, accounts, limit):
    """Knocking on while throttled records nothing: the window still ends on time."""
    email = accounts.email("member", "krea")
    client = browser(app)
    for _ in range(limit):
        page_try(client, email)
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(LoginFailure))
    for _ in range(10):
        assert page_try(client, email).status_code == 429
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == before
    age_failures(app, WINDOW + timedelta(seconds=1))
    assert api_try(client, email, DEMO_PASSWORD).status_code == 200
