"""The formatted editor of text sections (static/vendor/editor.js) in Chromium.

What is typed and formatted arrives as Markdown (read back through the API); a section
opened and saved unchanged makes no revision; Markdown the editor does not know survives
an edit elsewhere; Word's HTML is pasted as structure, without its styles.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import new_page
from tests.conftest import api_token, bearer

ANNA = "beata.stepien17@example.org"  # a member of KREA, whose diagnosis is being drafted
BARTEK = "grzegorz.adamczyk20@example.org"
PROFILE = "/c/krea/s/profile"
API = "/api/v1/clusters/krea/sections/profile"


def watch_csp(tab: Page) -> list[str]:
    violations: list[str] = []
    tab.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    return violations


def open_editor(live_server, tab: Page, email: str = ANNA, path: str = PROFILE) -> None:  # noqa: ANN001
    live_server.sign_in(tab, email)
    tab.goto(live_server.url + path)
    expect(tab.locator("#wysiwyg-editor")).to_be_visible()


def api(live_server) -> tuple:  # noqa: ANN001
    client = live_server.app.test_client()
    return client, bearer(api_token(client, ANNA))


def stored(live_server, path: str = API) -> dict:  # noqa: ANN001
    client, headers = api(live_server)
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def put(live_server, content: str, path: str = API) -> int:  # noqa: ANN001
    client, headers = api(live_server)
    revision = client.get(path, headers=headers).get_json()["revision"]
    response = client.put(path, json={"content": content, "base_revision": revision}, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["revision"]


def save_and_wait(tab: Page) -> None:
    with tab.expect_navigation():
        tab.click("#save-button")
    expect(tab.locator("#save-notice")).to_be_visible()


def end_of_text(tab: Page) -> None:
    tab.click("#wysiwyg-editor")
    tab.keyboard.press("Control+End")


def test_type_format_and_make_a_table(live_server, page, artifacts):
    violations = watch_csp(page)
    put(live_server, "Wstęp.\n")
    open_editor(live_server, page)
    end_of_text(page)
    page.keyboard.press("Enter")
    page.keyboard.press("Control+Alt+2")
    page.keyboard.type("Nasze atuty")
    page.keyboard.press("Enter")
    page.keyboard.type("Zwykły tekst, ")
    page.keyboard.press("Control+b")
    page.keyboard.type("pogrubiony")
    page.keyboard.press("Control+b")
    page.keyboard.type(" i ")
    page.keyboard.press("Control+i")
    page.keyboard.type("kursywa")
    page.keyboard.press("Control+i")
    page.keyboard.press("Enter")
    page.click("button[data-command=bulletList]")
    page.keyboard.type("pierwszy punkt")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # nested, as in Word
    page.keyboard.type("punkt zagnieżdżony")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    # A link through Ctrl+K and the link bar.
    page.keyboard.type("Strona klastra")
    page.keyboard.press("Shift+Home")
    page.keyboard.press("Control+k")
    page.fill("#wysiwyg-link-url", "krea.example.org")
    page.keyboard.press("Enter")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    # A table: insert, type, add a column, right-align it.
    page.click("button[data-command=insertTable]")
    expect(page.locator(".wysiwyg-table-tools")).to_be_visible()
    for cell in ("Działanie", "Budżet", "Rok", "Stoisko", "1 450 000 zł", "2026"):
        page.keyboard.type(cell)
        page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")  # back to the budget cell
    page.click("button[data-command=alignRight]")
    page.click("button[data-command=columnRight]")
    expect(page.locator("#wysiwyg-editor table tr").first.locator("th")).to_have_count(4)
    page.screenshot(path=str(artifacts / "wysiwyg-typed.png"), full_page=True)
    save_and_wait(page)

    text = stored(live_server)["content"]
    assert text.startswith("Wstęp.\n\n## Nasze atuty\n\nZwykły tekst, **pogrubiony** i *kursywa*\n"), text
    assert "- pierwszy punkt\n  - punkt zagnieżdżony" in text
    assert "[Strona klastra](https://krea.example.org)" in text
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert len(table) == 4, text  # header, delimiter, two rows
    assert [c.strip() for c in table[0].strip("|").split("|")] == ["Działanie", "Budżet", "", "Rok"]
    delimiter = [c.strip() for c in table[1].strip("|").split("|")]
    assert delimiter[1].endswith(":") and not delimiter[1].startswith(":")  # right-aligned
    assert "1 450 000 zł" in table[2]
    # The page renders it: a table with the column right-aligned.
    expect(page.locator("#wysiwyg-editor table td[data-align=right]").first).to_have_text("1 450 000 zł")
    assert violations == []
