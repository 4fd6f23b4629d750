"""Proposals in Chromium: an observer proposes from the section page, the moderator sees the
word-level diff and accepts it, and the proposal is the section's new revision."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.axe import WCAG_TAGS, run_axe
from tests.browser.conftest import new_page

SLUG = "krea"  # diagnosis is being drafted
PROFILE = f"/c/{SLUG}/s/profile"


def _email(live_server, role: str) -> str:  # noqa: ANN001
    from webapp.extensions import db
    from webapp.models import Cluster, Membership, User

    with live_server.app.app_context():
        return db.session.scalar(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .join(Cluster, Cluster.id == Membership.cluster_id)
            .where(Cluster.slug == SLUG, Membership.role == role)
            .order_by(User.id)
        )


def _serious_in_proposals(tab) -> list[str]:  # noqa: ANN001
    """Serious WCAG 2 A/AA violations inside the proposals' part of the page (axe-core)."""
    run_axe(tab)  # loads axe into the page
    return tab.evaluate(
        """async (tags) => {
            const result = await axe.run("#proposals", {runOnly: {type: "tag", values: tags}});
            return result.violations
                .filter((v) => ["serious", "critical"].includes(v.impact))
                .map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", "));
        }""",
        WCAG_TAGS,
    )


def test_propose_then_accept_as_the_moderator(live_server, page, browser, artifacts):
    live_server.sign_in(page, _email(live_server, "observer"))
    page.goto(live_server.url + PROFILE)
    page.click("#propose summary")
    text = page.input_value("#propose-text")
    page.fill("#propose-text", "Nowy akapit z propozycji obserwatora.\n\n" + text)
    page.fill("#propose-note", "Warto to dopisać na początku.")
    with page.expect_navigation():
        page.click("#propose-submit")
    proposal = page.locator("article.proposal[data-status=open]")
    expect(proposal).to_have_count(1)
    expect(proposal.locator("ins").first).to_contain_text("Nowy akapit")
    expect(proposal.locator(".accept-form")).to_have_count(0)  # an observer does not decide

    moderator = new_page(browser)
    try:
        live_server.sign_in(moderator, _email(live_server, "moderator"))
        moderator.goto(live_server.url + PROFILE)
        revision = int(moderator.locator("#section-meta").get_attribute("data-revision"))
        card = moderator.locator("article.proposal[data-status=open]")
        expect(card.locator(".proposal-note")).to_contain_text("Warto to dopisać")
        moderator.click("#proposals .reject-details summary")  # the reason's field shows too
        assert _serious_in_proposals(moderator) == []
        moderator.locator("#proposals").screenshot(path=str(artifacts / "proposal-open.png"))
        with moderator.expect_navigation():
            card.locator(".accept-form button").click()
        expect(moderator.locator("#section-meta")).to_have_attribute("data-revision", str(revision + 1))
        expect(moderator.locator("article.proposal[data-status=open]")).to_have_count(0)
        moderator.click("#closed-proposals summary")
        expect(moderator.locator("article.proposal[data-status=accepted]")).to_have_count(1)
        moderator.goto(live_server.url + PROFILE + "/history")
        expect(moderator.locator("body")).to_contain_text(str(revision + 1))
        moderator.goto(live_server.url + PROFILE + "/diff")
        expect(moderator.locator("#diff ins").first).to_contain_text("Nowy akapit")
        moderator.screenshot(path=str(artifacts / "proposal-accepted-diff.png"), full_page=True)
    finally:
        moderator.context.close()
