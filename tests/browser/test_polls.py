"""A workshop decides: the moderator opens a dot vote over the action plan, three member
organisations' people vote from phone-sized pages, the projector's count follows by
itself, the moderator closes the poll and applies the priorities, and the next document
carries the annex "Wyniki priorytetyzacji"."""

from __future__ import annotations

import io
import re

import docx
import pytest
from docx.oxml.ns import qn
from playwright.sync_api import expect
from sqlalchemy import select

pytestmark = pytest.mark.browser

SLUG = "e-medycyna"  # its action plan is being drafted
PHONE = {"width": 390, "height": 844}
QUESTION = "Które działania realizujemy najpierw?"


def _action_ids(app) -> list[str]:  # noqa: ANN001
    from webapp.extensions import db
    from webapp.models import Cluster, Section

    with app.app_context():
        content = db.session.scalar(
            select(Section.content).join(Cluster).where(Cluster.slug == SLUG, Section.key == "action_plan")
        )
    return [a["id"] for a in content]


def test_a_workshop_prioritises_its_action_plan(live_server, browser, accounts, artifacts):
    moderator = accounts.email("moderator", SLUG)
    members = [a for a in accounts.all if a["cluster"] == SLUG and a["role"] == "member"]
    voters = []  # three people of three different organisations
    for member in members:
        if member["organisation"] not in {v["organisation"] for v in voters}:
            voters.append(member)
    voters = voters[:3]
    before = _action_ids(live_server.app)

    desk = browser.new_context(locale="pl-PL", viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    live_server.sign_in(page, moderator)
    page.goto(f"{live_server.url}/c/{SLUG}/polls/new?section=action_plan")
    page.fill("#question", QUESTION)
    page.select_option("#kind", "dot")
    page.fill("#dots", "3")
    page.fill("#max_per_option", "2")
    workshop = page.locator("#meeting_id option", has_text="Warsztat 5").get_attribute("value")
    page.select_option("#meeting_id", workshop)
    assert page.locator("input[name=items]:checked").count() == len(before)
    page.click("#create-poll")
    page.wait_for_url(re.compile(r"/polls/\d+$"))
    poll_url = page.url
    assert page.locator("#poll-question").inner_text() == QUESTION

    projector = desk.new_page()
    projector.on("pageerror", lambda exc: errors.append(str(exc)))
    projector.goto(poll_url + "/projector")
    expect(projector.locator("#voted")).to_have_text("0")
    assert projector.locator("#qr").get_attribute("src").startswith("data:image/svg+xml")

    # Each voter puts two dots on one action and one on another: the last action wins.
    last, second = before[-1], before[1]
    for number, voter in enumerate(voters, 1):
        phone = browser.new_context(locale="pl-PL", viewport=PHONE)
        tab = phone.new_page()
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        live_server.sign_in(tab, voter["email"])
        tab.goto(poll_url)
        options = tab.locator(".poll-option")
        ids = {o.get_attribute("data-option-id") for o in options.all()}
        assert len(ids) == len(before)
        last_option = options.nth(len(before) - 1).get_attribute("data-option-id")
        second_option = options.nth(1).get_attribute("data-option-id")
        tab.fill(f"#dots-{last_option}", "2")
        tab.fill(f"#dots-{second_option}", "1")
        expect(tab.locator("#dots-left")).to_contain_text("0")
        assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        if number == 1:
            tab.screenshot(path=str(artifacts / "poll-vote-phone.png"), full_page=True)
        tab.click("#cast-vote")
        tab.wait_for_url(poll_url)
        expect(tab.locator("#results-table")).to_be_visible()
        phone.close()
        # The projector updates by itself, without a reload.
        expect(projector.locator("#voted")).to_have_text(str(number), timeout=15_000)
    expect(projector.locator("#totals li").first).to_contain_text("6")
    projector.screenshot(path=str(artifacts / "poll-projector.png"))

    page.goto(poll_url)
    page.click("#close-poll")
    expect(page.locator("#poll-state")).to_have_text("zamknięte")
    page.click("#apply-priorities")
    page.wait_for_url(re.compile(r"/s/action_plan"))
    after = _action_ids(live_server.app)
    assert after[:2] == [last, second] and sorted(after) == sorted(before)
    expect(projector.locator("#state")).to_have_text("zamknięte", timeout=15_000)
    desk.close()
    assert errors == [], errors

    from webapp.documents.snapshot import build_snapshot
    from webapp.extensions import db
    from webapp.models import Cluster
    from worker.renderer import render_strategy

    with live_server.app.test_request_context():
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == SLUG))
        snapshot = build_snapshot(cluster)
    data = render_strategy(snapshot)
    document = docx.Document(io.BytesIO(data))
    texts = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in document.element.body.iter(qn("w:p"))]
    assert any("Wyniki priorytetyzacji" in t for t in texts)
    assert QUESTION in texts
    assert "Frekwencja: 3 / " in " ".join(texts)
