"""Stored XSS, end to end: every payload of xss_payloads.txt goes through the product
(the API with bearer tokens, and the page forms where there is no API) into every field a
person can write, then Chromium renders every page that shows those fields.

On every page: no dialog opens, `window.__xss` stays undefined, no element with an
injected id (`xss-…`) or an `on…` attribute exists, no inline or foreign script, no
`javascript:` link, no CSP violation — and the payloads are there, shown as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from tests.browser.conftest import new_page
from tests.conftest import DEMO_PASSWORD, csrf_from
from tests.security.support import payloads
from webapp.extensions import db
from webapp.markdown import plain_text
from webapp.models import Cluster, Section

pytestmark = [
    pytest.mark.browser,
    # Cluster names in full-width letters are drawn in the stats charts without a glyph.
    pytest.mark.filterwarnings("ignore:Glyph .* missing from font"),
]

PAYLOADS = payloads()
ADMIN = "admin@example.org"
PASSWORD = "xss-people-password"
#: The literal every page showing the fields must show (as text, not as an element).
MARKER = '<b id="xss-66">polskie</b>'
#: The name of the first payload person, who moderates MAK and E-Medycyna.
MODERATOR = f"{PAYLOADS[0]} ·0"

#: Records CSP violations from the first script on: an injected handler or inline script
#: that escaped the escaping would at least be blocked — and reported here.
PROBE_INIT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || ""));
});
"""

#: What the page holds that a payload could have put there.
PROBE = r"""() => {
  const bad = [];
  if (window.__xss !== undefined) bad.push("window.__xss is set");
  for (const el of document.querySelectorAll('[id^="xss"], [id^="XSS"]')) bad.push("element #" + el.id);
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (attr.name.toLowerCase().startsWith("on")) bad.push(el.tagName + " with " + attr.name);
      if (attr.name === "style") bad.push(el.tagName + " with a style attribute");
    }
  }
  for (const s of document.querySelectorAll("script")) {
    if (s.src) {
      if (new URL(s.src).origin !== location.origin) bad.push("foreign script " + s.src);
    } else if (s.type !== "application/json") {
      bad.push("inline script: " + s.textContent.slice(0, 60));
    }
  }
  const dangerous =
    "iframe, frame, object, embed, base, meta[http-equiv], svg script, math, isindex, marquee";
  for (const el of document.querySelectorAll(dangerous)) bad.push("element " + el.tagName);
  // The editors' row templates: what they would add must be as clean as the page.
  for (const tpl of document.querySelectorAll("template")) {
    for (const el of tpl.content.querySelectorAll('[id^="xss"], script, ' + dangerous)) {
      bad.push("in a template: " + el.tagName + " " + el.id);
    }
    for (const el of tpl.content.querySelectorAll("*")) {
      for (const attr of el.attributes) {
        if (attr.name.toLowerCase().startsWith("on")) bad.push("in a template: " + attr.name);
      }
    }
  }
  for (const a of document.querySelectorAll("a[href]")) {
    if (!(a instanceof HTMLAnchorElement)) { bad.push("non-HTML link " + a.tagName); continue; }
    if (!["http:", "https:", "mailto:"].includes(a.protocol)) bad.push("link to " + a.getAttribute("href"));
  }
  for (const el of document.querySelectorAll("[src], link[href], form[action]")) {
    const raw = el.getAttribute("src") || el.getAttribute("href") || el.getAttribute("action");
    const url = new URL(raw, location.href);
    if (url.origin !== location.origin && url.protocol !== "data:") bad.push(el.tagName + " loading " + raw);
  }
  for (const v of window.__csp || []) bad.push("CSP violation: " + v);
  // Text as the person can read it: the page's text (folded parts too) and form values.
  const values = [...document.querySelectorAll("input, textarea")].map((e) => e.value);
  return {bad: bad, text: document.body.textContent + "\n" + values.join("\n")};
}"""


@dataclass
class Report:
    pages: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)


# --- writing the payloads through the product -------------------------------------------


class Writer:
    """The admin (and the people it creates) writing through the API and the pages."""

    def __init__(self, app) -> None:  # noqa: ANN001
        self.app = app
        self.client = app.test_client()
        self.admin = self.token(ADMIN, DEMO_PASSWORD)
        self.client.post(
            "/login",
            data={
                "csrf_token": csrf_from(self.client.get("/login").get_data(as_text=True)),
                "email": ADMIN,
                "password": DEMO_PASSWORD,
            },
        )
        self.csrf = csrf_from(self.client.get("/account/").get_data(as_text=True))

    def token(self, email: str, password: str) -> dict:
        answer = self.client.post("/api/v1/auth/token", json={"email": email, "password": password})
        assert answer.status_code == 200, (email, answer.get_json())
        return {"Authorization": f"Bearer {answer.get_json()['token']}"}

    def api(self, method: str, url: str, headers: dict | None = None, want=(200, 201), **body):  # noqa: ANN001, ANN201
        answer = self.client.open(url, method=method, headers=headers or self.admin, json=body)
        assert answer.status_code in want, (method, url, answer.status_code, answer.get_json())
        return answer.get_json()

    def form(self, url: str, **data) -> str:  # noqa: ANN003
        answer = self.client.post(url, data={"csrf_token": self.csrf, **data})
        assert answer.status_code == 302, (url, answer.status_code, answer.get_data(as_text=True)[:2000])
        return answer.headers["Location"]

    def section(self, slug: str, key: str, content: object, headers: dict | None = None) -> None:
        current = self.api("GET", f"/api/v1/clusters/{slug}/sections/{key}", headers)
        self.api(
            "PUT",
            f"/api/v1/clusters/{slug}/sections/{key}",
            headers,
            content=content,
            base_revision=current["revision"],
        )


def demo_email(app, role: str, slug: str) -> str:  # noqa: ANN001
    from webapp.demo.load import demo_accounts

    with app.app_context():
        return next(a["email"] for a in demo_accounts() if a["role"] == role and a["cluster"] == slug)


def write_everything(app, report: Report) -> dict:  # noqa: ANN001
    """Put every payload into every field; return what the pages need (ids, people)."""
    w = Writer(app)
    fields = report.fields
    n = len(PAYLOADS)
    people = []
    # Organisations (name, city), people (name), clusters (name, goal): the admin's forms.
    for i, p in enumerate(PAYLOADS):
        org = w.api("POST", "/api/v1/organisations", name=f"{p} ·{i}", kind="other", city=p)
        user = w.api(
            "POST",
            "/api/v1/users",
            email=f"xss{i}@example.org",
            name=f"{p} ·{i}",
            password=PASSWORD,
            organisation_id=org["id"],
        )
        w.api("POST", "/api/v1/clusters", slug=f"xss-{i}", name=f"{p} ·{i}", sector="other", goal=p)
        people.append(user["id"])
    fields += ["organisation name", "organisation city", "person name", "cluster name", "cluster goal"]

    # The payload people join KREA (their names on its pages, their comments); the first
    # one moderates MAK and E-Medycyna, so stage changes and their notices name them.
    for user_id in people:
        w.api("POST", "/api/v1/clusters/krea/members", user_id=user_id, role="member")
    for slug in ("mak", "e-medycyna"):
        w.api("POST", f"/api/v1/clusters/{slug}/members", user_id=people[0], role="moderator")
    boss = w.token("xss0@example.org", PASSWORD)  # a moderator whose name is a payload

    # Reasons: MAK's goals wait for review: returned with every payload as
    # the reason (and submitted again in between); E-Medycyna's diagnosis reopened likewise.
    goals = "/api/v1/clusters/mak/stages/goals/transitions"
    for i, p in enumerate(PAYLOADS):
        w.api("POST", goals, boss, action="return", reason=p)
        if i < n - 1:
            w.api("POST", goals, boss, action="submit")
    diagnosis = "/api/v1/clusters/e-medycyna/stages/diagnosis/transitions"
    for p in PAYLOADS:
        w.api("POST", diagnosis, boss, action="reopen", reason=p)
        w.api("POST", diagnosis, boss, action="submit")
        w.api("POST", diagnosis, action="approve")  # four eyes: the admin approves the boss's submission
    fields += ["reason of a return", "reason of a reopening"]

    # Section content of every kind, each written twice so history and diff show it.
    markdown = "\n\n".join(PAYLOADS)
    lines = "\n".join(PAYLOADS)
    for slug, key in (("krea", "profile"), ("mak", "vision"), ("e-medycyna", "financing")):
        w.section(slug, key, lines)
        w.section(slug, key, markdown)
    quadrants = ("strengths", "weaknesses", "opportunities", "threats")
    w.section("krea", "swot", {k: PAYLOADS[:-1] for k in quadrants})
    w.section("krea", "swot", {k: PAYLOADS for k in quadrants})
    goal_list = [
        {"title": p, "description": p, "objectives": [{"title": p, "description": p}]} for p in PAYLOADS
    ]
    w.section("mak", "goals", goal_list[:-1])
    w.section("mak", "goals", goal_list)
    actions = [
        {"action": p, "owner": p, "funding_source": p, "kpi": p, "baseline": p, "target": p} for p in PAYLOADS
    ]
    w.section("e-medycyna", "action_plan", actions[:-1])
    w.section("e-medycyna", "action_plan", actions)
    indicators = [{"indicator": p, "unit": p, "baseline": p, "target": p, "year": ""} for p in PAYLOADS]
    w.section("e-medycyna", "kpi", indicators[:-1])
    w.section("e-medycyna", "kpi", indicators)
    fields += ["section text (Markdown)", "SWOT strengths", "SWOT weaknesses", "SWOT opportunities"]
    fields += ["SWOT threats", "goal title", "goal description", "objective title"]
    fields += ["objective description", "action", "action owner", "action funding source"]
    fields += ["action KPI", "action baseline", "action target", "KPI indicator", "KPI unit"]
    fields += ["KPI baseline", "KPI target"]

    # Comments on KREA's profile by the payload people, quoting the passage they discuss;
    # the admin replies, resolves each comment and hides each reply, with payloads.
    comments = "/api/v1/clusters/krea/sections/profile/comments"
    for i, p in enumerate(PAYLOADS):
        author = w.token(f"xss{i}@example.org", PASSWORD)
        quote = plain_text(p).strip()
        body = {"body": p, "kind": "remark", "visibility": "all"}
        if quote:
            body["quote"] = quote
        posted = w.api("POST", comments, author, **body)
        reply = w.api("POST", comments, body=p, parent_id=posted["id"])
        w.api("POST", f"/api/v1/comments/{posted['id']}/resolve", resolution=p)
        w.api("POST", f"/api/v1/comments/{reply['id']}/hide", reason=p)
    fields += ["comment", "quote", "reply", "resolution", "reason for hiding"]

    # Meetings of KREA through the page forms (there is no API for them), with a guest.
    meetings = []
    for p in PAYLOADS:
        location = w.form(
            "/c/krea/meetings/new",
            kind="other",
            title=p,
            date="2024-05-10",
            start_time="10:00",
            place=p,
            agenda=p,
            minutes=p,
            held="y",
        )
        meeting_id = int(re.search(r"/meetings/(\d+)", location).group(1))
        w.form(f"/c/krea/meetings/{meeting_id}/attendance/guest", name=p, organisation=p, kind="")
        meetings.append(meeting_id)
    fields += ["meeting title", "meeting place", "meeting agenda", "meeting minutes"]
    fields += ["guest name", "guest organisation"]

    return {"meetings": meetings}


# --- rendering ----------------------------------------------------------------------------


def open_tab(browser: Browser, report: Report, page: Page | None = None) -> Page:
    tab = page or new_page(browser)
    tab.add_init_script(PROBE_INIT)
    tab.on("dialog", lambda dialog: (report.dialogs.append(f"{tab.url}: {dialog.message}"), dialog.dismiss()))
    tab.on("pageerror", lambda exc: report.problems.append(f"{tab.url}: script error {exc}"))
    return tab


def check(tab: Page, base: str, path: str, report: Report, expect: str | None = MARKER) -> str:
    """Render one page and look for anything a payload made of it; `expect` is a payload
    the page must show as text (None: the page shows no payload by design)."""
    response = tab.goto(base + path)
    assert response is not None and response.status == 200, (path, response and response.status)
    found = tab.evaluate(PROBE)
    report.pages.append(path)
    for problem in found["bad"]:
        report.problems.append(f"{path}: {problem}")
    if expect is not None and expect not in found["text"]:
        report.problems.append(f"{path}: {expect!r} is not shown as text")
    return found["text"]


def test_stored_xss_runs_nowhere(live_server, page, browser, artifacts):
    report = Report()
    app = live_server.app
    written = write_everything(app, report)
    base = live_server.url

    admin = open_tab(browser, report, page)
    live_server.sign_in(admin, ADMIN)
    admin_pages = [
        "/",
        "/admin/organisations?q=polskie",  # the list is paged: search finds the marker's row
        "/admin/users",
        "/admin/clusters",
        "/stats",
        "/c/krea",
        "/c/krea/audit",
        "/c/mak/audit",
        "/c/e-medycyna/audit",
        "/c/krea/meetings",
        "/c/krea/stats",
        "/c/krea/s/profile/comments",
    ]
    for path in admin_pages:
        check(admin, base, path, report)
    # E-mails asking the moderators for a review name the payload moderator who submitted.
    check(admin, base, "/notifications/outbox", report, expect=MODERATOR)
    check(admin, base, "/admin/tokens", report, expect=None)  # e-mail addresses only
    for slug in ("mak", "e-medycyna"):  # among the members: the payload moderator
        check(admin, base, f"/c/{slug}", report, expect=MODERATOR)
    check(admin, base, "/account/", report, expect=None)
    sections = [
        ("krea", "profile"),
        ("krea", "swot"),
        ("mak", "vision"),
        ("mak", "goals"),
        ("e-medycyna", "action_plan"),
        ("e-medycyna", "kpi"),
        ("e-medycyna", "financing"),
    ]
    with app.app_context():
        revisions = {
            (slug, key): db.session.scalar(
                select(Section.revision).join(Cluster).where(Cluster.slug == slug, Section.key == key)
            )
            for slug, key in sections
        }
    for slug, key in sections:
        rev = revisions[(slug, key)]
        check(admin, base, f"/c/{slug}/s/{key}", report)  # the editor (admins may edit)
        check(admin, base, f"/c/{slug}/s/{key}/history", report, expect=None)
        check(admin, base, f"/c/{slug}/s/{key}/diff?a={rev - 2}&b={rev}", report)
        check(admin, base, f"/c/{slug}/s/{key}/diff?a={rev - 1}&b={rev}", report)
    # The editor's live preview puts the server's (sanitised) HTML in the page.
    admin.goto(base + "/c/krea/s/profile")
    admin.locator("#wysiwyg-mode").click()  # the live preview belongs to "Edit as Markdown"
    with admin.expect_response(lambda r: r.url.endswith("/preview")):
        admin.locator("#editor-text").press("End")
        admin.locator("#editor-text").type(" ")
    admin.wait_for_timeout(200)
    found = admin.evaluate(PROBE)
    report.problems += [f"preview: {p}" for p in found["bad"]]
    if MARKER not in admin.locator("#preview").inner_text():
        report.problems.append("preview: the payloads are not shown as text")
    for i, p in enumerate(PAYLOADS):
        check(admin, base, f"/c/xss-{i}", report, expect=f"{p} ·{i}")  # its name and goal
        check(admin, base, f"/c/krea/meetings/{written['meetings'][i]}", report, expect=p)

    # Read-only views (observers), and the notifications of a member of MAK.
    readers = (
        ("krea", ("profile", "swot")),
        ("mak", ("vision", "goals")),
        ("e-medycyna", ("action_plan", "kpi", "financing")),
    )
    for slug, keys in readers:
        reader = open_tab(browser, report)
        live_server.sign_in(reader, demo_email(app, "observer", slug))
        for key in keys:
            check(reader, base, f"/c/{slug}/s/{key}", report)
        check(reader, base, f"/c/{slug}", report, expect=MARKER if slug == "krea" else MODERATOR)
        reader.context.close()
    member = open_tab(browser, report)
    live_server.sign_in(member, demo_email(app, "member", "mak"))
    check(member, base, "/notifications", report)
    check(member, base, "/c/mak/s/goals", report)
    member.context.close()
    author = open_tab(browser, report)
    live_server.sign_in(author, "xss5@example.org", PASSWORD)
    check(author, base, "/notifications", report, expect=None)
    check(author, base, "/c/krea/s/profile/comments", report)
    author.context.close()

    summary = (
        f"{len(PAYLOADS)} payloads × {len(report.fields)} fields, {len(report.pages)} pages "
        f"rendered in Chromium; {len(report.problems)} problems, {len(report.dialogs)} dialogs"
    )
    details = "\n".join(report.problems + report.dialogs)
    (artifacts / "xss-report.txt").write_text(
        f"{summary}\nfields: {', '.join(report.fields)}\n{details}\n", encoding="utf-8"
    )
    print(summary)
    assert len(PAYLOADS) >= 50
    assert report.dialogs == [], report.dialogs[:10]
    assert report.problems == [], summary + "\n" + "\n".join(report.problems[:60])
