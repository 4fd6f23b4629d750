"""The formatted editor of text sections (static/vendor/editor.js) in Chromium.

What is typed and formatted arrives as Markdown (read back through the API); a section
opened and saved unchanged makes no revision; Markdown the editor does not know survives
an edit elsewhere; Word's HTML is pasted as structure, without its styles.
"""

from __future__ import annotations

import re
from pathlib import Path

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


def api(live_server, email: str = ANNA) -> tuple:  # noqa: ANN001
    """A test client of the live server's app and a bearer header (one token per server and person)."""
    client = live_server.app.test_client()
    tokens = live_server.__dict__.setdefault("wysiwyg_tokens", {})  # this server's database only
    if email not in tokens:
        tokens[email] = bearer(api_token(client, email))
    return client, tokens[email]


def stored(live_server, path: str = API, email: str = ANNA) -> dict:  # noqa: ANN001
    client, headers = api(live_server, email)
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


def demo_texts() -> list[tuple[str, str]]:
    """Every text section of the demo data (webapp/demo/strategies/*.yaml)."""
    import yaml

    from tests.markdown_corpus import DEMO

    return [
        (f"{path.stem}/{key}", value)
        for path in sorted(DEMO.glob("*.yaml"))
        for key, value in yaml.safe_load(path.read_text(encoding="utf-8")).items()
        if isinstance(value, str)
    ]


#: Texts the editor may rewrite after an edit, and why (all others are kept byte for byte).
REWRITTEN = {
    # marked (the editor's lexer) drops a repeated definition of the same label, so its blocks do
    # not cover the text: after an edit the editor writes what it shows, and definitions show nothing.
    "dense link definitions",
}

EDIT_AT_START = """([name, text]) => {
  const area = document.getElementById("editor-text");
  area.wysiwyg.load(text);
  const editor = area.wysiwyg.editor;
  editor.commands.insertContentAt(0, {type: "paragraph", content: [{type: "text", text: "Nowy początek."}]});
  area.wysiwyg.flush();
  return area.value;
}"""


def test_markdown_it_does_not_know_is_kept_around_an_edit(live_server, page):
    from tests.markdown_tricky import tricky_corpus

    open_editor(live_server, page)
    cases = demo_texts() + tricky_corpus()
    assert len(cases) > 70
    rewritten = []
    for name, text in cases:
        result = page.evaluate(EDIT_AT_START, [name, text])
        if name in REWRITTEN:
            rewritten.append(name)
            assert result.startswith("Nowy początek.\n\n"), name
        else:
            assert result == "Nowy początek.\n\n" + text, name
    assert rewritten == sorted(REWRITTEN)
    # Text that only looks like a block start stays text (the serializer would not escape it).
    typed = page.evaluate(
        """() => {
      const area = document.getElementById("editor-text");
      area.wysiwyg.load("Akapit.");
      const paragraphs = ["1. nie lista", "# nie nagłówek", "- nie punkt"].map(
        (text) => ({type: "paragraph", content: [{type: "text", text: text}]}));
      area.wysiwyg.editor.commands.insertContentAt(area.wysiwyg.editor.state.doc.content.size, paragraphs);
      area.wysiwyg.flush();
      return area.value;
    }"""
    )
    assert typed == "Akapit.\n\n1\\. nie lista\n\n\\# nie nagłówek\n\n\\- nie punkt", typed


def test_open_and_save_makes_no_revision(live_server, page):
    from tests.markdown_tricky import TRICKY

    live_server.sign_in(page, ANNA)
    answers: list[dict] = []

    def through(route):  # noqa: ANN001, ANN202
        if route.request.method != "POST":
            return route.continue_()
        # The save reaches the server; the page is handed an answer that does not reload it
        # (the next case loads it anyway), which halves the page loads of this test.
        answers.append(route.fetch().json())
        return route.fulfill(status=200, json={"status": "checked", "message": "ok"})

    page.route(re.compile(r".*/c/krea/s/profile$"), through)
    for name, text in demo_texts() + list(TRICKY):
        revision = put(live_server, text)
        page.goto(live_server.url + PROFILE)
        expect(page.locator("#wysiwyg-editor")).to_be_visible()
        page.click("#wysiwyg-editor")  # the cursor in the text changes nothing
        asked = len(answers)
        page.click("#save-button")
        while len(answers) == asked:
            page.wait_for_timeout(20)
        assert answers[-1]["status"] == "saved" and answers[-1]["changed"] is False, name
        after = stored(live_server)
        assert after["revision"] == revision, name
        assert after["content"] == text.replace("\r\n", "\n"), name


#: A fragment copied from Word (Windows, Word 365): styles, mso- lists, conditional comments.
WORD_HTML = (Path(__file__).parent / "word_paste.html").read_text(encoding="utf-8")

PASTE = """([html]) => {
  const target = document.getElementById("wysiwyg-editor");
  const data = new DataTransfer();
  data.setData("text/html", html);
  data.setData("text/plain", "Analiza rynku");
  target.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
}"""


def test_paste_from_word_keeps_structure_and_drops_styles(live_server, page, artifacts):
    violations = watch_csp(page)
    put(live_server, "Przed wklejeniem.\n")
    open_editor(live_server, page)
    end_of_text(page)
    page.keyboard.press("Enter")
    page.evaluate(PASTE, [WORD_HTML])
    editor = page.locator("#wysiwyg-editor")
    expect(editor.locator("h2")).to_have_text("Analiza rynku")
    expect(editor.locator("table th").first).to_have_text("Rok")
    # Only the table's own column widths (set by the editor through the CSSOM) carry a style.
    styled = editor.locator("[style]:not(table):not(col), [class*=Mso], font, img, span")
    assert styled.count() == 0, styled.evaluate_all("els => els.map(e => e.outerHTML)")
    page.screenshot(path=str(artifacts / "wysiwyg-pasted.png"), full_page=True)
    save_and_wait(page)

    text = stored(live_server)["content"]
    assert text.startswith("Przed wklejeniem.\n\n## Analiza rynku\n\nRynek rośnie o **12% rocznie**"), text
    assert "- eksport\n  - do Niemiec\n- usługi" in text, text
    rows = [
        [c.strip() for c in line.strip("|").split("|")] for line in text.splitlines() if line.startswith("|")
    ]
    assert rows[0] == ["Rok", "Przychody"] and rows[2] == ["2025", "1 450 000 zł"], text
    for gone in ("mso-", "Mso", "color", "font", "Calibri", "komentarz", "<", "image001", "Symbol"):
        assert gone not in text, gone
    assert text.rstrip().endswith("Koniec.")
    assert violations == []


def test_two_people_in_the_formatted_editor_merge_or_see_the_conflict(live_server, page, browser, artifacts):
    put(live_server, "Pierwszy akapit.\n\n## Cele\n\nDrugi akapit.\n")
    other = new_page(browser)
    try:
        open_editor(live_server, page)
        open_editor(live_server, other, BARTEK)
        # Changes in different paragraphs merge: each editor writes back only what it changed.
        other.click("#wysiwyg-editor p >> nth=0", position={"x": 1, "y": 4})  # before the first word
        other.keyboard.type("Wstęp Bartka. ")
        save_and_wait(other)
        end_of_text(page)
        page.keyboard.type(" Dopisek Anny.")
        save_and_wait(page)
        expect(page.locator("#save-notice")).to_have_attribute("data-merged", "true")
        assert stored(live_server)["content"] == (
            "Wstęp Bartka. Pierwszy akapit.\n\n## Cele\n\nDrugi akapit. Dopisek Anny.\n"
        )

        # Both change the heading: Anna first; Bartek (still on his revision) sees the conflict.
        page.click("#wysiwyg-editor h2")
        page.keyboard.press("End")
        page.keyboard.type(" Anny")
        save_and_wait(page)
        other.click("#wysiwyg-editor h2")
        other.keyboard.press("End")
        other.keyboard.type(" Bartka")
        other.click("#save-button")
        conflict = other.locator("#conflict")
        expect(conflict).to_be_visible()
        # Formatted, not Markdown: the heading is a heading on each side.
        expect(conflict.locator(".conflict-spot .conflict-theirs h2")).to_have_text("Cele Anny")
        expect(conflict.locator(".conflict-spot .conflict-mine h2")).to_have_text("Cele Bartka")
        assert "##" not in conflict.locator(".conflict-spot").inner_text()
        other.screenshot(path=str(artifacts / "wysiwyg-conflict.png"), full_page=True)
        with other.expect_navigation():
            other.click("#keep-both")
        expect(other.locator("#save-notice")).to_be_visible()
        text = stored(live_server)["content"]
        assert "## Cele Anny\n" in text and "## Cele Bartka\n" in text, text
        expect(other.locator("#wysiwyg-editor h2")).to_have_count(2)
    finally:
        other.context.close()


def observer_of_krea(live_server) -> str:  # noqa: ANN001
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.models import Cluster, Membership, User

    with live_server.app.app_context():
        return db.session.scalar(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .join(Cluster, Cluster.id == Membership.cluster_id)
            .where(Cluster.slug == "krea", Membership.role == "observer")
            .order_by(User.id)
        )


def proposals(live_server) -> list[dict]:  # noqa: ANN001
    return stored(live_server, API + "/proposals")["proposals"]


def test_suggest_mode_sends_a_proposal_instead_of_saving(live_server, page, browser, artifacts):
    violations = watch_csp(page)
    revision = put(live_server, "Akapit do poprawy.\n")
    open_editor(live_server, page)
    page.check("#suggest-mode")
    expect(page.locator("#save-button")).to_have_text("Wyślij propozycję")
    end_of_text(page)
    page.keyboard.type(" Proponuję dopisać to zdanie.")
    page.fill("#suggest-note", "Brakowało zakończenia.")
    with page.expect_navigation():
        page.click("#save-button")
    expect(page.locator("#save-notice")).to_contain_text("Propozycja została wysłana")
    expect(page.locator("article.proposal[data-status=open]")).to_have_count(1)
    assert stored(live_server)["revision"] == revision  # nothing saved
    [proposal] = proposals(live_server)
    assert proposal["status"] == "open" and proposal["note"] == "Brakowało zakończenia."
    assert proposal["base_revision"] == revision
    assert violations == []

    # Who may not edit (an observer) gets only suggest mode, and the page says so.
    observer = new_page(browser)
    try:
        live_server.sign_in(observer, observer_of_krea(live_server))
        observer.goto(live_server.url + PROFILE)
        expect(observer.locator("#read-only-reason")).to_contain_text("zaproponować zmiany")
        expect(observer.locator("#suggest-mode")).to_be_hidden()
        expect(observer.locator("#save-button")).to_have_text("Wyślij propozycję")
        observer.click("#wysiwyg-editor p")
        observer.keyboard.press("End")
        observer.keyboard.type(" Uwaga obserwatora.")
        observer.screenshot(path=str(artifacts / "wysiwyg-suggest-only.png"), full_page=True)
        with observer.expect_navigation():
            observer.click("#save-button")
        expect(observer.locator("#save-notice")).to_be_visible()
    finally:
        observer.context.close()
    assert stored(live_server)["revision"] == revision
    assert [p["status"] for p in proposals(live_server)] == ["open", "open"]


HALINA = "halina.krol11@example.org"  # a member of e-Medycyna, whose action plan is drafted
ACTION_PLAN = "/c/e-medycyna/s/action_plan"


def test_action_plan_errors_at_fields_all_at_once_and_rows_move_by_keyboard(live_server, page, artifacts):
    live_server.sign_in(page, HALINA)
    page.goto(live_server.url + ACTION_PLAN)
    rows = page.locator(".action-row")
    first_action = rows.nth(0).locator("[data-field=action]").input_value()
    second_action = rows.nth(1).locator("[data-field=action]").input_value()
    # The objective served, in full under its drop-down ("goal › objective").
    expect(rows.nth(0).locator("[data-objective-full]")).to_contain_text("›")
    # Budgets read as money once typed.
    budget = rows.nth(1).locator("[data-field=budget_pln]")
    budget.fill("2500000")
    budget.press("Tab")
    expect(budget).to_have_value("2 500 000,00")

    # Two mistakes in two rows: both shown at their fields, in words, before anything is sent.
    rows.nth(0).locator("[data-field=start]").fill("2016-12-31")
    rows.nth(0).locator("[data-field=end]").fill("2016-01-01")
    rows.nth(2).locator("[data-field=budget_pln]").fill("dużo")
    page.click("#save-button")
    invalid = page.locator(".action-row .is-invalid")
    expect(invalid).to_have_count(2)
    expect(rows.nth(0).locator("[data-field=end] ~ .invalid-feedback")).to_have_text(
        "Data zakończenia jest wcześniejsza niż data rozpoczęcia."
    )
    expect(rows.nth(2).locator(".invalid-feedback").filter(has_text="kwotę")).to_be_visible()
    expect(page.locator("#save-status")).to_contain_text("Pola do poprawienia (zaznaczone na czerwono): 2")
    assert "action_plan[" not in page.locator("main").inner_text()
    page.screenshot(path=str(artifacts / "action-plan-errors.png"), full_page=True)

    # Corrected; the second row moves to the top with Alt+↑ from inside it; saved in that order.
    rows.nth(0).locator("[data-field=end]").fill("2017-06-30")
    rows.nth(2).locator("[data-field=budget_pln]").fill("10 000")
    rows.nth(1).locator("[data-field=action]").focus()
    page.keyboard.press("Alt+ArrowUp")
    assert rows.nth(0).locator("[data-field=action]").input_value() == second_action
    expect(rows.nth(0).locator("[data-field=action]")).to_be_focused()
    save_and_wait(page)
    saved = stored(live_server, "/api/v1/clusters/e-medycyna/sections/action_plan", HALINA)
    assert [r["action"] for r in saved["content"][:2]] == [second_action, first_action]
    assert saved["content"][0]["budget_pln"] == "2500000.00"
    assert saved["content"][1]["end"] == "2017-06-30"


def test_a_refused_field_is_named_in_words(live_server, page):
    live_server.sign_in(page, HALINA)
    page.goto(live_server.url + ACTION_PLAN)
    row = page.locator(".action-row").nth(3)
    # A date the browser's check lets through (a year out of the studio's range) is refused by
    # the server: the message names the row and the field, never the content's path.
    row.locator("[data-field=start]").fill("1900-01-01")
    page.click("#save-button")
    expect(page.locator("#save-status")).to_have_attribute("data-tone", "danger")
    status = page.locator("#save-status").inner_text()
    assert "Działanie 4" in status and "action_plan[" not in status, status
    expect(row.locator("[data-field=start]")).to_have_class(re.compile("is-invalid"))
    expect(row.locator("[data-field=start] ~ .invalid-feedback")).to_contain_text("Działanie 4")


def test_the_editors_have_no_serious_accessibility_violations(live_server, page, browser):
    from tests.browser.axe import describe, serious_violations

    put(live_server, "Tekst.\n\n| A | B |\n|---|--:|\n| x | 1 450 000 zł |\n")
    open_editor(live_server, page)
    page.click("#wysiwyg-editor td")  # the table tools show
    expect(page.locator(".wysiwyg-table-tools")).to_be_visible()
    found = {"text": serious_violations(page)}
    other = new_page(browser)
    try:
        live_server.sign_in(other, HALINA)
        other.goto(live_server.url + ACTION_PLAN)
        found["action plan"] = serious_violations(other)
    finally:
        other.context.close()
    problems = {name: describe(v) for name, v in found.items() if v}
    assert problems == {}, problems


def test_read_only_tables_stay_within_a_phone_screen(live_server, browser):
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.models import Cluster, Section

    wide = (
        "| Działanie | Partner | Źródło finansowania | Budżet | Uwagi |\n|---|---|---|--:|---|\n"
        "| Wspólne stoisko na targach międzynarodowych | Fundacja Rozwoju Przedsiębiorczości | "
        "Regionalny Program Operacyjny Województwa Mazowieckiego | 1 450 000 zł | "
        "https://example.org/bardzo/dluga/sciezka/do/dokumentu/z/uzasadnieniem |\n"
    )
    with live_server.app.app_context():  # makros' diagnosis is approved: its sections are read
        cluster_id = db.session.scalar(select(Cluster.id).where(Cluster.slug == "makros"))
        profile = db.session.scalar(
            select(Section).where(Section.cluster_id == cluster_id, Section.key == "profile")
        )
        profile.content = "Tabela:\n\n" + wide
        db.session.commit()
        from webapp.demo.load import demo_accounts

        accounts = demo_accounts()
        member = next(a["email"] for a in accounts if (a["role"], a["cluster"]) == ("member", "makros"))
    phone = browser.new_context(locale="pl-PL", viewport={"width": 390, "height": 844})
    try:
        tab = phone.new_page()
        live_server.sign_in(tab, member)
        tab.goto(live_server.url + "/c/makros/s/profile")
        expect(tab.locator("#read-only-reason")).to_be_visible()
        table = tab.locator("#section-content table")
        box, page_width = table.bounding_box(), tab.evaluate("document.documentElement.clientWidth")
        assert box["x"] >= 0 and box["x"] + box["width"] <= page_width, (box, page_width)
        money = tab.locator("#section-content td.text-end")
        expect(money).to_have_text("1 450 000 zł")
        lines = "td => { const r = new Range(); r.selectNodeContents(td); return r.getClientRects().length; }"
        assert money.evaluate(lines) == 1  # an amount never breaks across lines
        # The action plan read: amounts as money, whole złoty without ",00".
        tab.goto(live_server.url + "/c/makros/s/action_plan")
        expect(tab.locator(".budget-total")).to_have_text(re.compile(r"^[\d\u00a0 ]+\u00a0zł$"))
    finally:
        phone.close()


def test_a_draft_of_the_formatted_editor_survives_a_reload(live_server, page):
    put(live_server, "Zapisany tekst.\n")
    open_editor(live_server, page)
    end_of_text(page)
    page.keyboard.press("Enter")
    page.keyboard.press("Control+b")
    page.keyboard.type("Szkic pogrubiony")
    page.wait_for_timeout(900)  # the Markdown is written 250 ms, the draft 300 ms after typing
    page.reload()
    expect(page.locator("#draft-banner")).to_be_visible()
    expect(page.locator("#wysiwyg-editor strong")).to_have_count(0)  # the saved text until asked
    page.click("#draft-restore")
    expect(page.locator("#wysiwyg-editor strong")).to_have_text("Szkic pogrubiony")
    save_and_wait(page)
    assert stored(live_server)["content"] == "Zapisany tekst.\n\n**Szkic pogrubiony**\n"
