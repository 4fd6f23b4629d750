"""Formal acts in Chromium, in Polish: a member signs through the confirmation (the version
shown, then signed and withdrawable); a moderator reopens an adopted strategy through the page
that says what it undoes. The journey signs the same way; this keeps it checked on its own."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

pytestmark = pytest.mark.browser


def _emails(live_server, role: str, slug: str) -> list[str]:  # noqa: ANN001
    from webapp.demo.load import demo_accounts

    with live_server.app.app_context():
        return [a["email"] for a in demo_accounts() if a["role"] == role and a["cluster"] == slug]


def test_a_member_signs_the_version_shown_and_withdraws(live_server, page) -> None:
    slug = "klaster-chemiczny"
    for email in _emails(live_server, "member", slug):
        live_server.sign_in(page, email)
        page.goto(f"{live_server.url}/c/{slug}")
        if page.get_by_role("button", name="Podpisz strategię w imieniu mojej organizacji").count():
            break
        page.context.clear_cookies()
    with page.expect_navigation():
        page.get_by_role("button", name="Podpisz strategię w imieniu mojej organizacji").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Podpisanie strategii")
    expect(page.locator(".checksum")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Tak, podpisuję wersję \d+$")).click()
    expect(
        page.get_by_role("status").filter(has_text="Twoja organizacja podpisała strategię")
    ).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Wycofaj podpis mojej organizacji").click()
    expect(
        page.get_by_role("status").filter(has_text="Podpis Twojej organizacji został wycofany.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Podpisz strategię w imieniu mojej organizacji")).to_be_visible()


def test_a_moderator_reopens_an_adopted_strategy_knowing_what_it_undoes(live_server, page) -> None:
    from webapp.extensions import db
    from webapp.models import Stage

    live_server.sign_in(page, _emails(live_server, "moderator", "makros")[0])
    page.goto(f"{live_server.url}/c/makros")
    with page.expect_navigation():
        page.locator("#stage-approval").get_by_role("link", name="Otwórz ponownie…").click()
    expect(page.locator(".undo-summary")).to_contain_text("9 podpisów zostanie unieważnionych")
    expect(page.locator(".undo-summary")).to_contain_text("Strategia przestanie być przyjęta.")
    page.get_by_label("Powód (zobaczą go wszyscy w klastrze)").fill("Dołączył nowy członek z sektora nauki.")
    with page.expect_navigation():
        page.get_by_role("button", name="Tak, otwórz etap ponownie").click()
    expect(page.locator("#stage-approval .stage-note")).to_contain_text(
        "Dołączył nowy członek z sektora nauki."
    )
    with live_server.app.app_context():
        stage = db.session.scalar(
            select(Stage).where(Stage.key == "approval", Stage.cluster.has(slug="makros"))
        )
        assert stage.state == "drafting"
