"""The section editor in Chromium: save, merge notice, conflict view, drafts, failed saves.

The tabs speak Polish (the `page` fixture); the checks use ids, classes and data attributes.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import new_page

ANNA = "beata.stepien17@example.org"  # members of KREA, whose diagnosis is being drafted
BARTEK = "grzegorz.adamczyk20@example.org"
HALINA = "halina.krol11@example.org"  # a member of e-Medycyna, whose action plan is drafted
PROFILE = "/c/krea/s/profile"


def name_of(live_server, email: str) -> str:  # noqa: ANN001
    from webapp.extensions import db
    from webapp.models import User

    with live_server.app.app_context():
        return db.session.scalar(select(User.name).where(User.email == email))


def watch_csp(tab: Page) -> list[str]:
    violations: list[str] = []
    tab.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return violations


def open_editor(live_server, tab: Page, email: str, path: str = PROFILE) -> None:  # noqa: ANN001
    live_server.sign_in(tab, email)
    tab.goto(live_server.url + path)
    expect(tab.locator("#section-editor")).to_be_visible()
    markdown_mode(tab)


def markdown_mode(tab: Page) -> None:
    """These tests type Markdown: the formatted editor's "Edit as Markdown" (test_wysiwyg.py)."""
    button = tab.locator("#wysiwyg-mode")
    if button.count() and button.get_attribute("aria-pressed") == "false":
        button.click()
        expect(tab.locator("#editor-text")).to_be_visible()


def editor_text(tab: Page) -> str:
    return tab.input_value("#editor-text")


def save_and_wait(tab: Page) -> None:
    with tab.expect_navigation():
        tab.click("#save-button")
    expect(tab.locator("#save-notice")).to_be_visible()


@pytest.fixture
def other(browser):  # noqa: ANN001, ANN201
    tab = new_page(browser)
    yield tab
    tab.context.close()


def test_edit_save_and_merge_notice(live_server, page, other, artifacts):
    violations = watch_csp(page)
    open_editor(live_server, page, ANNA)
    original = editor_text(page)
    page.fill("#editor-text", "## Od Anny\n\nPierwszy akapit Anny.\n\n" + original)
    expect(page.locator("#preview h2")).to_have_text("Od Anny")  # the live preview, from the server
    save_and_wait(page)
    expect(page.locator("#save-notice")).to_have_attribute("data-merged", "false")
    assert editor_text(page).startswith("## Od Anny")
    page.screenshot(path=str(artifacts / "editor-saved.png"), full_page=True)

    # Anna keeps writing at the end; meanwhile Bartek adds a line at the top and saves first.
    page.fill("#editor-text", editor_text(page) + "\n\nDopisek Anny na końcu.")
    open_editor(live_server, other, BARTEK)
    other.fill("#editor-text", "Wstęp Bartka.\n\n" + editor_text(other))
    save_and_wait(other)
    expect(page.locator("#presence")).to_be_visible(timeout=12_000)  # "Also here: Bartek"
    expect(page.locator("#presence .presence-names")).to_contain_text(name_of(live_server, BARTEK))

    save_and_wait(page)
    notice = page.locator("#save-notice")
    expect(notice).to_have_attribute("data-merged", "true")
    expect(notice).to_contain_text(name_of(live_server, BARTEK))
    expect(page.locator("#draft-banner")).to_be_hidden()  # saved: nothing left to restore
    text = editor_text(page)
    assert text.startswith("Wstęp Bartka.") and text.rstrip().endswith("Dopisek Anny na końcu.")
    page.screenshot(path=str(artifacts / "editor-merged.png"), full_page=True)

    # The history marks the merge; comparing the two newest revisions shows Anna's words.
    page.click("#history-link")
    expect(page.locator(".revision-row").first.locator(".merged-mark")).to_be_visible()
    page.screenshot(path=str(artifacts / "section-history.png"), full_page=True)
    with page.expect_navigation():
        page.click("#compare button")
    expect(page.locator("#diff ins")).to_contain_text("Dopisek Anny na końcu.")
    page.screenshot(path=str(artifacts / "section-diff.png"), full_page=True)
    assert violations == []


def test_overlapping_change_shows_the_conflict_view_and_keep_mine(live_server, page, other, artifacts):
    open_editor(live_server, page, ANNA)
    open_editor(live_server, other, BARTEK)
    first_line = editor_text(page).split("\n")[0]
    other.fill("#editor-text", editor_text(other).replace(first_line, "### Profil według Bartka", 1))
    save_and_wait(other)

    page.fill("#editor-text", editor_text(page).replace(first_line, "### Profil według Anny", 1))
    page.click("#save-button")
    conflict = page.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(conflict.locator(".conflict-spot .conflict-theirs")).to_contain_text("według Bartka")
    expect(conflict.locator(".conflict-spot .conflict-mine")).to_contain_text("według Anny")
    assert editor_text(page).startswith("### Profil według Anny")  # nothing typed is lost
    page.screenshot(path=str(artifacts / "editor-conflict.png"), full_page=True)

    with page.expect_navigation():
        page.click("#keep-mine")
    expect(page.locator("#save-notice")).to_be_visible()
    assert editor_text(page).startswith("### Profil według Anny")
    assert page.locator("#conflict").count() == 0
    page.screenshot(path=str(artifacts / "editor-conflict-resolved.png"), full_page=True)


def test_a_draft_survives_a_reload(live_server, page, artifacts):
    open_editor(live_server, page, ANNA)
    page.fill("#editor-text", "Szkic, którego jeszcze nie zapisano.")
    page.wait_for_timeout(600)  # the draft is written 300 ms after the last keystroke
    page.reload()
    banner = page.locator("#draft-banner")
    expect(banner).to_be_visible()
    assert "Szkic" not in editor_text(page)  # the page shows the saved text until asked
    page.screenshot(path=str(artifacts / "editor-draft-offer.png"), full_page=True)
    page.click("#draft-restore")
    assert editor_text(page) == "Szkic, którego jeszcze nie zapisano."
    expect(banner).to_be_hidden()
    save_and_wait(page)
    page.reload()
    expect(page.locator("#draft-banner")).to_be_hidden()  # saved: no draft offered any more


def test_a_failed_save_keeps_the_text_and_offers_a_retry(live_server, page, artifacts):
    open_editor(live_server, page, ANNA)
    page.fill("#editor-text", "Tekst, który musi przetrwać.")

    def refuse(route):  # noqa: ANN001, ANN202
        if route.request.method == "POST" and route.request.url.endswith(PROFILE):
            return route.abort()
        return route.continue_()

    page.route(re.compile(r".*/c/krea/s/profile$"), refuse)
    page.click("#save-button")
    expect(page.locator("#retry-button")).to_be_visible()
    expect(page.locator("#save-status")).to_have_attribute("data-tone", "danger")
    assert editor_text(page) == "Tekst, który musi przetrwać."
    page.screenshot(path=str(artifacts / "editor-network-error.png"), full_page=True)
    page.unroute(re.compile(r".*/c/krea/s/profile$"))
    with page.expect_navigation():
        page.click("#retry-button")
    expect(page.locator("#save-notice")).to_be_visible()
    assert editor_text(page) == "Tekst, który musi przetrwać."

    # The session ends (cookies gone): the text stays, with a message and a retry.
    page.fill("#editor-text", "Po wylogowaniu też zostaje.")
    page.context.clear_cookies()
    page.click("#save-button")
    expect(page.locator("#retry-button")).to_be_visible()
    assert editor_text(page) == "Po wylogowaniu też zostaje."


def test_action_plan_rows_and_polish_total(live_server, page, artifacts):
    violations = watch_csp(page)
    open_editor(live_server, page, HALINA, "/c/e-medycyna/s/action_plan")
    total = page.locator("#budget-total")
    expect(total).to_have_text(re.compile(r"^13\s330\s000,00\szł$"))
    page.click("button[data-add=action_plan]")
    row = page.locator(".action-row").last
    row.locator("[data-field=action]").fill("Warsztaty telemedyczne dla gmin")
    row.locator("[data-field=objective_id]").select_option("o1")
    row.locator("[data-field=owner]").select_option("Sensomed Sp. z o.o.")
    row.locator("[data-field=start]").fill("2015-01-01")
    row.locator("[data-field=end]").fill("2015-12-31")
    row.locator("[data-field=budget_pln]").fill("1 000 000,50")
    expect(total).to_have_text(re.compile(r"^14\s330\s000,50\szł$"))
    page.locator(".action-row").first.locator("[data-remove]").click()
    page.screenshot(path=str(artifacts / "editor-action-plan.png"), full_page=True)
    save_and_wait(page)
    rows = page.locator(".action-row")
    assert rows.last.locator("[data-field=action]").input_value() == "Warsztaty telemedyczne dla gmin"
    assert rows.last.locator("[data-field=budget_pln]").input_value() == "1 000 000,50"
    assert rows.last.locator("[data-field=objective_id]").input_value() == "o1"
    expect(total).to_have_text(re.compile(r"^11\s430\s000,50\szł$"))  # the first row (2.9 mln) is gone
    assert violations == []


def test_goals_with_objectives_are_added_and_saved(live_server, page, artifacts):
    from sqlalchemy import update

    from webapp.extensions import db
    from webapp.models import Cluster, Section, Stage

    with live_server.app.app_context():  # open KREA's goals stage for writing
        cluster_id = db.session.scalar(select(Cluster.id).where(Cluster.slug == "krea"))
        db.session.execute(
            update(Stage).where(Stage.cluster_id == cluster_id, Stage.key == "goals").values(state="drafting")
        )
        db.session.commit()
    open_editor(live_server, page, ANNA, "/c/krea/s/goals")
    page.click("button[data-add=goals]")
    goal = page.locator(".goal-row").last
    goal.locator("[data-field=title]").first.fill("Rynek usług kreatywnych dla MŚP")
    goal.locator("button[data-add=objectives]").click()
    goal.locator("button[data-add=objectives]").click()
    objectives = goal.locator(".objective-row")
    objectives.nth(0).locator("[data-field=title]").fill("Bon na wzornictwo")
    objectives.nth(1).locator("[data-field=title]").fill("Do usunięcia")
    objectives.nth(1).locator("[data-remove]").click()
    page.click("button[data-add=goals]")
    page.locator(".goal-row").last.locator("[data-field=title]").first.fill("Drugi cel")
    page.screenshot(path=str(artifacts / "editor-goals.png"), full_page=True)
    save_and_wait(page)
    with live_server.app.app_context():
        content = db.session.scalar(
            select(Section.content).where(Section.cluster_id == cluster_id, Section.key == "goals")
        )
    assert [g["title"] for g in content] == ["Rynek usług kreatywnych dla MŚP", "Drugi cel"]
    assert [o["title"] for o in content[0]["objectives"]] == ["Bon na wzornictwo"]
    assert content[0]["id"] == "g1" and content[0]["objectives"][0]["id"] == "o1"
    expect(page.locator(".goal-row")).to_have_count(2)
