"""Whose address a request has: X-Forwarded-For is anyone's to write, so it is read only
when TRUSTED_PROXIES says how many proxies of ours stand in front (Werkzeug's ProxyFix);
otherwise everyone who comes through a proxy would share its address in the throttle."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import DEMO_PASSWORD, make_app
from webapp.auth.throttle import ADDRESS_FACTOR
from webapp.extensions import db
from webapp.models import LoginFailure

PROXY = "10.0.0.2"
WRONG = "zle-haslo"


@pytest.fixture
def proxied_app(database_url: str):  # noqa: ANN201
    """The app told that one proxy of ours stands in front of it."""
    application = make_app(database_url, TRUSTED_PROXIES=1)
    yield application
    with application.app_context():
        db.engine.dispose()


def through_proxy(app, client_address: str, email: str, password: str = WRONG):  # noqa: ANN001, ANN201
    """A token request as our proxy passes it on: its own address, the client's in XFF
    after whatever the client itself wrote there."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = PROXY
    forwarded = f"192.0.2.250, {client_address}"  # the first entry is the client's own claim
    return client.post(
        "/api/v1/auth/token",
        json={"email": email, "password": password},
        headers={"X-Forwarded-For": forwarded},
    )


def recorded_addresses(app) -> set[str]:  # noqa: ANN001
    with app.app_context():
        return set(db.session.scalars(select(LoginFailure.address)))


def spray(app) -> None:  # noqa: ANN001
    """One guesser trying as many accounts as one address may."""
    limit = app.config["LOGIN_FAILURES_PER_MINUTE"] * ADDRESS_FACTOR
    for n in range(limit):
        assert through_proxy(app, "203.0.113.5", f"someone{n}@example.org").status_code == 401


def test_forwarded_for_is_ignored_by_default(app, accounts):
    spray(app)
    assert recorded_addresses(app) == {PROXY}
    # So every person behind that proxy shares the one count: set TRUSTED_PROXIES.
    member = accounts.email("member", "krea")
    assert through_proxy(app, "198.51.100.8", member, DEMO_PASSWORD).status_code == 429


def test_the_trusted_proxys_forwarded_address_is_used(proxied_app, accounts):
    spray(proxied_app)
    assert recorded_addresses(proxied_app) == {"203.0.113.5"}
    member = accounts.email("member", "krea")
    assert through_proxy(proxied_app, "198.51.100.8", member, DEMO_PASSWORD).status_code == 200
    assert through_proxy(proxied_app, "203.0.113.5", member, DEMO_PASSWORD).status_code == 429
