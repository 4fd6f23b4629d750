"""axe-core over the main pages, as the agency's admin and as a cluster member: no serious or critical
WCAG 2 A/AA violation (contrast included). The every-page crawl lives elsewhere; this keeps the pages
people use most fixed even when the crawl is not run."""

from __future__ import annotations

import pytest

from tests.browser.axe import describe, serious_violations

pytestmark = pytest.mark.browser

ADMIN = "admin@example.org"
ADMIN_PAGES = [
    "/c/makros",
    "/c/makros/s/swot",
    "/c/makros/s/swot/history",
    "/c/makros/s/swot/diff",
    "/c/makros/documents/",
    "/c/makros/meetings",
    "/c/makros/audit",
    "/admin/users",
    "/admin/organisations",
    "/stats",
    "/c/makros/stats",
]
MEMBER_PAGES = ["/c/makros", "/c/makros/s/swot", "/c/makros/documents/", "/c/makros/meetings"]


def member_of(live_server, cluster: str) -> str:
    from webapp.demo.load import demo_accounts

    with live_server.app.app_context():
        return next(a["email"] for a in demo_accounts() if a["role"] == "member" and a["cluster"] == cluster)


def check(live_server, page, paths: list[str]) -> dict[str, str]:
    found = {}
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        violations = serious_violations(page)
        if violations:
            found[path] = describe(violations)
    return found


def test_main_pages_have_no_serious_violations_for_the_admin(live_server, page):
    live_server.sign_in(page, ADMIN)
    found = check(live_server, page, ADMIN_PAGES)
    assert found == {}, "\n".join(f"{path}:\n{text}" for path, text in found.items())


def test_main_pages_have_no_serious_violations_for_a_member(live_server, page):
    live_server.sign_in(page, member_of(live_server, "makros"))
    found = check(live_server, page, MEMBER_PAGES)
    assert found == {}, "\n".join(f"{path}:\n{text}" for path, text in found.items())


def test_the_save_notices_read_in_every_tone(live_server, page):
    """The editor says how a save went as "text-" + tone (warning: a conflict); each tone meets AA on
    the page's white (text-warning was #ffc107, 1.6:1)."""
    live_server.sign_in(page, member_of(live_server, "krea"))
    page.goto(live_server.url + "/c/krea/s/profile")
    for tone in ("warning", "danger", "success", "info", "secondary"):
        page.evaluate(
            """(tone) => {
                const box = document.getElementById("save-status");
                box.textContent = "Twoje zmiany nakładają się na zmiany innej osoby.";
                box.className = "small text-" + tone;
            }""",
            tone,
        )
        violations = [v for v in serious_violations(page) if v["id"] == "color-contrast"]
        assert violations == [], f"{tone}: {describe(violations)}"
