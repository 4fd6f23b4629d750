"""The foundation's pages in a real browser."""

from __future__ import annotations


def test_sign_in_see_my_clusters_and_sign_out(live_server, page, artifacts):
    page.goto(live_server.url + "/")
    assert "/login" in page.url
    live_server.sign_in(page, "admin@example.org")
    cards = page.locator(".cluster-card")
    assert cards.count() == 5
    page.screenshot(path=str(artifacts / "home-admin.png"), full_page=True)
    page.click("text=MAKROS")
    assert page.locator("#members").is_visible()
    page.click("nav form[action='/logout'] button")
    page.wait_for_url("**/login")
    page.goto(live_server.url + "/c/makros")
    assert "/login" in page.url


def test_no_inline_script_is_blocked_and_page_works_on_a_phone(live_server, browser, accounts_emails=None):
    context = browser.new_context(locale="pl-PL", viewport={"width": 390, "height": 844})
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    live_server.sign_in(page, "admin@example.org")
    page.goto(live_server.url + "/c/krea")
    assert page.locator("h1").inner_text().startswith("Mazowiecki Klaster Kreatywny")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, "the page must not scroll sideways on a phone"
    assert violations == []
    context.close()
