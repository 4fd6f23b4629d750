"""Comments in Chromium: a quoted passage, an internal note the member never sees, an
objection that holds the submit button back until it is resolved, and XSS that runs nothing.

The member's tab speaks English (so the submit button's reason can be read); the
moderator's speaks Polish; every other check uses ids, classes and data attributes.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import new_page
from tests.web.test_comments import PASSAGE, XSS

SLUG = "krea"  # its diagnosis is being drafted in the demo
PROFILE = f"/c/{SLUG}/s/profile"


def _people(live_server) -> dict[str, str]:  # noqa: ANN001
    from webapp.demo.load import demo_accounts

    with live_server.app.app_context():
        rows = demo_accounts()
    pick = {r["role"]: r["email"] for r in reversed(rows) if r["cluster"] == SLUG}
    return {"member": pick["member"], "moderator": pick["moderator"]}


def _name(live_server, email: str) -> str:  # noqa: ANN001
    from webapp.extensions import db
    from webapp.models import User

    with live_server.app.app_context():
        return db.session.scalar(select(User.name).where(User.email == email))


def _plain(text: str) -> str:
    text = text.lower().replace("ł", "l")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _fill_the_rest_of_the_diagnosis(live_server) -> None:  # noqa: ANN001
    """The demo leaves KREA's context and SWOT empty; fill them, so that only an
    objection can hold the stage back."""
    from webapp.extensions import db
    from webapp.models import Cluster, Section, SectionRevision

    contents = {
        "context": "Regionalne specjalizacje Mazowsza i konkurencja.",
        "swot": {
            "strengths": ["Silne studia projektowe"],
            "weaknesses": ["Mało eksportu"],
            "opportunities": ["Cyfryzacja firm"],
            "threats": ["Konkurencja z Krakowa"],
        },
    }
    with live_server.app.app_context():
        for key, content in contents.items():
            section = db.session.scalar(
                select(Section).join(Cluster).where(Cluster.slug == SLUG, Section.key == key)
            )
            section.content = content
            section.revision += 1
            db.session.add(SectionRevision(section_id=section.id, number=section.revision, content=content))
        db.session.commit()


def _watch(tab: Page) -> tuple[list[str], list[str]]:
    """CSP violations and dialogs (alert() from a payload would open one)."""
    violations: list[str] = []
    dialogs: list[str] = []
    tab.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )

    def dialog(d) -> None:  # noqa: ANN001
        dialogs.append(d.message)
        d.dismiss()

    tab.on("dialog", dialog)
    return violations, dialogs


SELECT_PASSAGE = """(passage) => {
  const root = document.querySelector('#wysiwyg-editor') || document.querySelector('#preview')
    || document.querySelector('#section-content');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let flat = '';
  while (walker.nextNode()) {
    nodes.push([walker.currentNode, flat.length]);
    flat += walker.currentNode.nodeValue;
  }
  const at = flat.indexOf(passage);
  if (at < 0) { return false; }
  const find = (index) => {
    let found = nodes[0];
    for (const entry of nodes) { if (entry[1] <= index) { found = entry; } }
    return [found[0], index - found[1]];
  };
  const [startNode, startOffset] = find(at);
  const [endNode, endOffset] = find(at + passage.length - 1);
  const range = document.createRange();
  range.setStart(startNode, startOffset);
  range.setEnd(endNode, endOffset + 1);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  root.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
  return true;
}"""


def _post(tab: Page, body: str, kind: str = "remark", visibility: str | None = None) -> int:
    tab.fill("#comment-body", body)
    tab.select_option("#comment-kind", kind)
    if visibility:
        tab.select_option("#comment-visibility", visibility)
    with tab.expect_navigation():
        tab.click("#comment-form button[type=submit]")
    match = re.search(r"#comment-(\d+)$", tab.url)
    assert match, tab.url
    return int(match.group(1))


def _submit_button(tab: Page, live_server) -> tuple[bool, str]:  # noqa: ANN001
    tab.goto(f"{live_server.url}/c/{SLUG}")
    button = tab.locator("#stage-diagnosis button[data-action=submit]")
    expect(button).to_be_visible()
    why = tab.locator("#why-diagnosis-submit")
    return button.is_enabled(), (why.inner_text() if why.count() else "")


@pytest.fixture
def member_tab(browser):  # noqa: ANN001, ANN201
    tab = new_page(browser, locale="en-US")
    yield tab
    tab.context.close()


def test_quote_internal_note_objection_and_resolve(live_server, member_tab, page, artifacts):
    people = _people(live_server)
    _fill_the_rest_of_the_diagnosis(live_server)
    member, moderator = member_tab, page
    violations, dialogs = _watch(member)
    live_server.sign_in(member, people["member"])
    live_server.sign_in(moderator, people["moderator"])
    enabled, _why = _submit_button(member, live_server)
    assert enabled, "nothing but an objection should hold the diagnosis back in this test"

    # the member selects a passage of the section and comments on it
    member.goto(live_server.url + PROFILE)
    assert member.evaluate(SELECT_PASSAGE, PASSAGE)
    expect(member.locator(".quote-button")).to_be_visible()
    member.click(".quote-button")
    expect(member.locator("#comment-quote")).to_have_value(PASSAGE)
    question = _post(member, "Is this still true in **2025**?")
    comment = member.locator(f"#comment-{question}")
    expect(comment.locator(".comment-quote")).to_contain_text(PASSAGE)
    expect(comment.locator(".comment-body strong")).to_have_text("2025")
    # The passage is marked in the preview (Markdown mode), never inside the formatted editor.
    assert member.locator("#wysiwyg-editor mark").count() == 0
    member.locator("#wysiwyg-mode").click()
    marks = member.locator("#preview mark.comment-mark")
    expect(marks.first).to_be_visible()
    assert re.sub(r"\s+", " ", "".join(marks.all_text_contents())).strip() == PASSAGE

    # the moderator answers with a note for moderators only
    moderator.goto(live_server.url + PROFILE)
    moderator.click(f"#comment-{question} summary[data-action=reply]")
    moderator.fill(f"#reply-body-{question}", "INTERNAL-NOTE: this member keeps asking")
    moderator.select_option(f"#reply-visibility-{question}", "moderators")
    with moderator.expect_navigation():
        moderator.click(f"#comment-{question} form.comment-form button[type=submit]")
    note = int(re.search(r"#comment-(\d+)$", moderator.url).group(1))
    expect(moderator.locator(f"#comment-{note}")).to_have_attribute("data-visibility", "moderators")

    member.goto(live_server.url + PROFILE)
    expect(member.locator(f"#comment-{question}")).to_be_visible()
    assert member.locator(f"#comment-{note}").count() == 0
    assert "INTERNAL-NOTE" not in member.content()
    expect(member.locator("[data-comment-count]")).to_have_text("1")

    # @mentions complete by name (accents need not be typed)
    name = _name(live_server, people["moderator"])
    member.locator("#comment-body").press_sequentially("Ask @" + _plain(name.split()[-1])[:3])
    option = member.locator(".mention-list [role=option]", has_text=name)
    expect(option).to_be_visible()
    member.locator("#comment-body").press("Enter")
    expect(member.locator("#comment-body")).to_have_value(f"Ask @{name} ")

    # an objection holds the submit button back, with the reason
    objection = _post(member, f"The numbers are from 2013, @{name}.", kind="objection")
    expect(member.locator("[data-stage-objections]")).to_be_visible()
    enabled, why = _submit_button(member, live_server)
    assert not enabled and "1 open objection" in why
    member.screenshot(path=str(artifacts / "comments-objection-blocks.png"), full_page=True)

    # its author resolves it with a closing word: the button is free again
    member.goto(live_server.url + PROFILE)
    member.click(f"#comment-{objection} summary[data-action=resolve]")
    member.fill(f"#resolution-{objection}", "Updated to 2024 figures.")
    with member.expect_navigation():
        member.click(f"#comment-{objection} form[action$='/resolve'] button[type=submit]")
    thread = member.locator(f"#thread-{objection}")
    expect(thread).to_have_class(re.compile(r"thread-resolved"))
    enabled, _why = _submit_button(member, live_server)
    assert enabled
    member.goto(live_server.url + PROFILE)
    member.screenshot(path=str(artifacts / "comments-panel.png"), full_page=True)
    assert violations == [] and dialogs == []


def test_xss_payloads_posted_as_comments_execute_nothing(live_server, page, artifacts):
    people = _people(live_server)
    violations, dialogs = _watch(page)
    live_server.sign_in(page, people["member"])
    page.goto(live_server.url + PROFILE)
    ids = [_post(page, payload) for payload in XSS]
    page.goto(live_server.url + PROFILE)
    page.wait_for_load_state("networkidle")
    for comment_id in ids:
        expect(page.locator(f"#comment-{comment_id} .comment-body")).to_be_visible()
    panel = page.locator(".comments-panel")
    for dangerous in ("script", "img", "iframe", "svg", "math", "style", "[onerror]", "[onload]"):
        assert panel.locator(dangerous).count() == 0, dangerous
    hrefs = page.locator(".comments-panel .comment-body a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert all(h.startswith(("http://", "https://", "mailto:")) for h in hrefs if h), hrefs
    first = page.locator(f"#comment-{ids[0]} .comment-body")
    expect(first).to_contain_text("<script>alert('x')</script>")  # shown as text
    page.screenshot(path=str(artifacts / "comments-xss.png"), full_page=True)
    assert dialogs == [] and violations == []
