"""Asking for the password again, in Chromium and in Polish: a moderator whose password
was typed long ago removes a member through the confirmation page; an admin disables an
account on the person's page. Screenshots are kept as artefacts."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import DEMO_PASSWORD
from tests.security.support import age_password

pytestmark = pytest.mark.browser

SLUG = "mak"


def _accounts(live_server) -> dict:  # noqa: ANN001
    from webapp.demo.load import demo_accounts

    with live_server.app.app_context():
        rows = demo_accounts()
    first = {}
    for row in rows:
        first.setdefault((row["role"], row["cluster"]), row["email"])
    return first


def _name(live_server, email: str) -> str:  # noqa: ANN001
    from webapp.extensions import db
    from webapp.models import User

    with live_server.app.app_context():
        return db.session.scalar(select(User.name).where(User.email == email))


def test_a_removal_from_a_stale_session_goes_through_the_confirmation_page(live_server, page, artifacts):
    accounts = _accounts(live_server)
    moderator = accounts[("moderator", SLUG)]
    observer = _name(live_server, accounts[("observer", SLUG)])
    live_server.sign_in(page, moderator)
    age_password(live_server.app, moderator)
    page.goto(f"{live_server.url}/c/{SLUG}#members")
    assert page.locator("#members input[type=password]").count() == 1, "the form asks for it"
    page.screenshot(path=str(artifacts / "reauth-1-members.png"), full_page=True)

    row = page.locator("#members tr", has_text=observer)
    row.locator("form [type=submit]").click()
    page.wait_for_url("**/account/confirm**")
    assert "Potwierdź hasło" in page.inner_text("h1")
    page.fill("input[name=password]", "nie-to-haslo")
    page.click("main form [type=submit]")
    assert "To nie jest Twoje hasło." in page.inner_text("main")
    page.screenshot(path=str(artifacts / "reauth-2-wrong-password.png"), full_page=True)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form [type=submit]")
    page.wait_for_url(f"**/c/{SLUG}#members")
    assert page.locator("#members input[type=password]").count() == 0, "confirmed for a while"

    page.locator("#members tr", has_text=observer).locator("form [type=submit]").click()
    page.wait_for_url(f"**/c/{SLUG}#members")
    assert page.locator("#members tr", has_text=observer).count() == 0
    page.screenshot(path=str(artifacts / "reauth-3-removed.png"), full_page=True)


def test_an_admin_disables_an_account_on_the_persons_page(live_server, page, browser, artifacts):
    from tests.browser_support import new_page

    member = _accounts(live_server)[("member", SLUG)]
    theirs = new_page(browser)
    live_server.sign_in(theirs, member)
    live_server.sign_in(page, "admin@example.org")
    page.goto(f"{live_server.url}/admin/users")
    page.locator("tr", has_text=member).locator("a").first.click()
    page.wait_for_url("**/admin/users/*")
    page.uncheck("input[name=active]")
    page.screenshot(path=str(artifacts / "admin-person.png"), full_page=True)
    page.click("main form [type=submit]")
    page.wait_for_url("**/admin/users")
    assert "wyłączone" in page.locator("tr", has_text=member).inner_text()
    theirs.goto(f"{live_server.url}/c/{SLUG}")
    assert "/login" in theirs.url, "the disabled person is out at the next request"
    theirs.context.close()
