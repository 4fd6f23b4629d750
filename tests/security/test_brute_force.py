"""Password guessing is slowed per account and address, per address and, with a much
higher ceiling, per account; a guesser never keeps the owner out of their account from
another address, nor out of the password confirmation. The count is shared by every
process and atomic under concurrent guesses (it lives in the database), the page and the
API answer 429 with Retry-After, and nothing is locked for good: once the failures are
old, signing in works again."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import DEMO_PASSWORD, make_app, page_csrf, sign_in
from tests.security.support import age_password
from webapp.auth.throttle import ACCOUNT_FACTOR, ADDRESS_FACTOR, WINDOW
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


def signed_in(response) -> bool:  # noqa: ANN001
    return response.status_code in (200, 302)


@pytest.mark.parametrize("via", ["page", "api"])
def test_a_guesser_does_not_lock_the_owner_out(app, limit, via):
    """The guesser's address is slowed down for this account; the owner (the admin here,
    the account most worth keeping out) signs in from their own address all the while."""
    email = "admin@example.org"
    attempt = page_try if via == "page" else api_try
    guesser = browser(app, "203.0.113.66")
    for _ in range(limit):
        assert attempt(guesser, email).status_code == 401
    for _ in range(3):  # and keeps guessing
        assert_throttled(attempt(guesser, email), via == "api")
    # Even the right password waits there: the guesser must not learn that it was right.
    assert_throttled(attempt(guesser, email, DEMO_PASSWORD), via == "api")
    assert signed_in(attempt(browser(app, "198.51.100.20"), email, DEMO_PASSWORD))


@pytest.mark.parametrize("via", ["page", "api"])
def test_many_addresses_together_meet_the_account_ceiling(app, accounts, limit, via):
    email = accounts.email("member", "krea")
    attempt = page_try if via == "page" else api_try
    for n in range(ACCOUNT_FACTOR):  # each address spends its whole allowance
        guesser = browser(app, f"203.0.113.{n}")
        for _ in range(limit):
            assert attempt(guesser, email).status_code == 401
    fresh = browser(app, "203.0.113.200")
    assert_throttled(attempt(fresh, email), via == "api")
    assert_throttled(attempt(fresh, email, DEMO_PASSWORD), via == "api")
    # Another account from the same addresses is not affected.
    other = accounts.email("member", "krea", 1)
    assert signed_in(attempt(browser(app, "203.0.113.0"), other, DEMO_PASSWORD))


def test_an_ipv6_network_counts_as_one_address(app, accounts, limit):
    """A subscriber holds a whole /64: its addresses share one count, others do not."""
    email = accounts.email("member", "krea")
    for n in range(limit):
        assert api_try(browser(app, f"2001:db8:1:2::{n + 1:x}"), email).status_code == 401
    assert_throttled(api_try(browser(app, "2001:db8:1:2:ffff::1"), email), True)
    assert api_try(browser(app, "2001:db8:1:3::1"), email, DEMO_PASSWORD).status_code == 200


def test_someone_elses_guesses_never_block_the_password_confirmation(app, accounts, limit):
    """Even at the account's ceiling, the signed-in person confirms from their session."""
    email = accounts.email("moderator", "mak")
    person = browser(app, "198.51.100.30")
    assert sign_in(person, email).status_code == 302
    age_password(app, email)
    for n in range(ACCOUNT_FACTOR):
        guesser = browser(app, f"203.0.113.{n}")
        for _ in range(limit):
            assert api_try(guesser, email).status_code == 401
    assert_throttled(api_try(browser(app, "203.0.113.200"), email, DEMO_PASSWORD), True)
    confirmed = person.post(
        "/account/confirm",
        data={"csrf_token": page_csrf(person, "/account/confirm"), "password": DEMO_PASSWORD},
    )
    assert confirmed.status_code == 302, confirmed.status_code


def test_concurrent_guesses_are_counted_atomically(app, accounts, limit):
    """Guesses arriving together: no more than the limit are checked against the password
    (each checked one answers 401 and is recorded), whatever the interleaving."""
    email = accounts.email("member", "krea")
    guesses = 4 * limit
    start = threading.Barrier(guesses)

    def guess(_: int) -> int:
        client = browser(app, "203.0.113.77")
        start.wait()
        return api_try(client, email).status_code

    with ThreadPoolExecutor(guesses) as pool:
        answers = list(pool.map(guess, range(guesses)))
    assert sorted(answers) == [401] * limit + [429] * (guesses - limit), answers
    with app.app_context():
        recorded = db.session.scalar(
            select(func.count()).select_from(LoginFailure).where(LoginFailure.email == email)
        )
    assert recorded == limit


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
    assert signed_in(attempt(browser(app, "192.0.2.67"), real, DEMO_PASSWORD))


def test_the_count_is_shared_by_every_process(app, database_url, accounts, limit):
    """Two app instances (two gunicorn workers, two machines) on one database."""
    other = make_app(database_url)
    try:
        email = accounts.email("member", "krea")
        instances = [app, other]
        for n in range(limit):
            process = instances[n % 2]
            assert page_try(browser(process, "203.0.113.9"), email).status_code == 401
        with app.app_context():
            counted = db.session.scalar(
                select(func.count()).select_from(LoginFailure).where(LoginFailure.email == email)
            )
        assert counted == limit
        for process in instances:
            assert_throttled(page_try(browser(process, "203.0.113.9"), email), False)
            assert_throttled(api_try(browser(process, "203.0.113.9"), email), True)
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


def test_old_failures_are_cleared_by_later_ones(app, accounts):
    """The table stays small: a new failure removes the account's and the address's
    failures older than ten windows."""
    email = accounts.email("member", "krea")
    page_try(browser(app, "203.0.113.1"), email)
    page_try(browser(app, "203.0.113.2"), "someone@example.org")
    age_failures(app, WINDOW * 11)
    api_try(browser(app, "203.0.113.2"), email)
    with app.app_context():
        left = db.session.execute(select(LoginFailure.email, LoginFailure.address)).all()
    assert [tuple(row) for row in left] == [(email, "203.0.113.2")]
