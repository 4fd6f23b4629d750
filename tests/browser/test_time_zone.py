"""Times a script writes on a page are the agency's (TIMEZONE), not the computer's zone."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_editor import PROFILE, open_editor

ANNA = "beata.stepien17@example.org"  # a member of KREA, whose diagnosis is being drafted


def test_a_draft_is_dated_in_the_agencys_zone(live_server, browser):  # noqa: ANN001
    # A computer in New York: 08:00 UTC on 15 June is 04:00 there and 10:00 in Warsaw.
    context = browser.new_context(locale="pl-PL", timezone_id="America/New_York")
    try:
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.clock.set_fixed_time("2026-06-15T08:00:00Z")  # the script's Date, not the server's
        open_editor(live_server, tab, ANNA, PROFILE)
        tab.fill("#editor-text", "Szkic z Nowego Jorku.")
        tab.wait_for_timeout(600)  # the draft is written 300 ms after the last keystroke
        tab.reload()
        when = tab.locator("#draft-banner .draft-when")
        expect(when).to_contain_text("15.06.2026, 10:00")
        assert errors == []
    finally:
        context.close()
