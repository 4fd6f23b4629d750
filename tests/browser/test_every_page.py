"""Every kind of page of the demo, as each of its roles, in both languages: no internal key
reaches a person (stage and section keys, event verbs, enumeration values, field paths such
as ``action_plan[10].budget_pln``), the English pages show English titles, and axe finds no
serious WCAG violation.

The keys are not listed by hand: they come from the workflow definitions, the verbs the code
emits and the enumerations people see through labels. One browser, one context per role and
language, one demo cluster for the per-cluster pages; pages are only read (GET).
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, Page
from werkzeug.serving import make_server

from tests.browser.axe import describe, serious_violations
from tests.conftest import DEMO_PASSWORD, Golden, make_app
from tests.test_architecture import _sources, emitted_verbs

pytestmark = pytest.mark.browser

CLUSTER = "makros"
#: The section whose history, diff and comments pages are visited (one of each kind is enough).
SECTION = "swot"

# --- what counts as an internal key ------------------------------------------------------


@dataclass(frozen=True)
class Keys:
    #: Keys no page may show in any language (snake_case or dotted: never a word of prose).
    compound: frozenset[str]
    #: Single-word keys of the definitions (diagnosis, governance, kpi): in Polish never
    #: shown; in English only a key standing alone or in a list of keys is one (their English
    #: titles are words too, capitalised: "Governance").
    words: frozenset[str]
    #: Single-word values of enumerations (approved, objection, enterprise): never on a
    #: Polish page; on an English one the label is the same word, so they are not looked for.
    values: frozenset[str] = frozenset()


def internal_keys() -> Keys:
    from webapp.i18n_labels import ACTION_LABELS, AUDIT_LABELS
    from webapp.models.notifications import NOTIFICATION_KINDS
    from workflows.definition import load_definitions
    from workflows.kinds import ORGANISATION_KINDS, SECTION_KINDS
    from workflows.stages import UNMET_CODES, StageState

    words: set[str] = set()
    for definition in load_definitions().values():
        words |= set(definition.stage_keys) | {section.key for section in definition.all_sections()}
    keys = set(words) | set(SECTION_KINDS) | set(ORGANISATION_KINDS)
    keys |= {state.value for state in StageState} | set(UNMET_CODES) | set(NOTIFICATION_KINDS)
    keys |= set().union(*(emitted_verbs(p.read_text(encoding="utf-8")) for p in _sources("webapp", "worker")))
    keys |= set(AUDIT_LABELS) | {f"stage.{action}" for action in ACTION_LABELS}
    compound = {k for k in keys if re.search(r"[_.]", k)}
    return Keys(frozenset(compound), frozenset(words - compound), frozenset(keys - compound - words))


#: A field path of section content: action_plan[10].budget_pln, goals[2], kpi[0].unit.
FIELD_PATH = re.compile(r"\b[a-z][a-z0-9_]*\[\d+\](?:\.[a-z][a-z0-9_]*)*")
#: Separators of a list of keys ("governance, risks, kpi").
KEY_LIST = re.compile(r"[\s,;:·/()\[\]]+")


def leaks(texts: list[str], keys: Keys, lang: str) -> set[str]:
    """The internal keys and field paths in a page's texts (text nodes and attributes)."""
    found: set[str] = set()
    for text in texts:
        found |= set(FIELD_PATH.findall(text))
        text = FIELD_PATH.sub(" ", text)
        tokens = set(re.findall(r"[A-Za-z][A-Za-z0-9_.]*[A-Za-z0-9]|[A-Za-z]", text))
        found |= tokens & keys.compound
        if lang == "pl":
            found |= tokens & (keys.words | keys.values)
        else:
            parts = [p for p in KEY_LIST.split(text.strip()) if p]
            if parts and all(p in keys.words | keys.compound for p in parts):
                found |= set(parts)
    return found


def test_the_leak_finder_finds_keys_and_paths_and_spares_english_prose() -> None:
    words = frozenset({"governance", "risks", "kpi", "goals"})
    keys = Keys(frozenset({"comment.post", "action_plan"}), words, frozenset({"approved"}))
    assert leaks(["Błąd w action_plan[10].budget_pln"], keys, "pl") == {"action_plan[10].budget_pln"}
    assert leaks(["Zdarzenie: comment.post"], keys, "en") == {"comment.post"}
    assert leaks(["Brakuje: governance, risks, kpi"], keys, "pl") == {"governance", "risks", "kpi"}
    assert leaks(["governance, risks, kpi"], keys, "en") == {"governance", "risks", "kpi"}
    assert leaks(["Etap approved"], keys, "pl") == {"approved"}
    assert leaks(["approved"], keys, "en") == set()
    assert leaks(["The strategy's goals follow from the diagnosis."], keys, "en") == set()
    assert leaks(["Cele strategiczne (Goals)"], keys, "pl") == set()


# --- the pages -------------------------------------------------------------------------


@dataclass
class Site:
    url: str
    app: object
    emails: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def site(golden: Golden, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One server on one copy of the demo for the whole crawl (it only reads)."""
    url, _ = golden.clone("sqlite", tmp_path_factory.mktemp("crawl"))
    app = make_app(url, TESTING=False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    from webapp.demo.load import demo_accounts

    with app.app_context():
        accounts = demo_accounts()
    publish_the_demo_cluster(app)
    emails = {"admin": next(a["email"] for a in accounts if a["role"] == "admin")}
    for role in ("moderator", "member", "observer"):
        emails[role] = next(a["email"] for a in accounts if a["role"] == role and a["cluster"] == CLUSTER)
    try:
        yield Site(f"http://127.0.0.1:{server.server_port}", app, emails)
    finally:
        server.shutdown()
        thread.join(10)
        with app.app_context():
            from webapp.extensions import db

            db.engine.dispose()


def publish_the_demo_cluster(app) -> None:  # noqa: ANN001
    """The crawled cluster's adopted strategy as a rendered version, published, so that
    /p/SLUG is the public strategy page rather than its 404."""
    from webapp.documents import operations as documents
    from webapp.extensions import db
    from webapp.models import Cluster, User
    from webapp.publication.operations import publish

    with app.test_request_context():
        cluster = db.session.scalar(db.select(Cluster).where(Cluster.slug == CLUSTER))
        admin = db.session.scalar(db.select(User).where(User.is_admin.is_(True)).limit(1))
        document = documents.request_document(cluster, admin).document
        assert document.final, "the crawled cluster's strategy is adopted in the demo"
        db.session.commit()
        documents.start_rendering(document.id)
        assert documents.finish(document.id, b"PK\x03\x04 a rendered version")
        publish(cluster, document, admin)
        db.session.commit()
        db.session.remove()


def page_paths(site: Site) -> list[str]:
    """Every kind of page: the cluster's, each section's, one section's history, diff and
    comments, the meetings, the agency's, the public ones and two error pages."""
    from webapp.extensions import db
    from webapp.models import Cluster, Meeting, User

    with site.app.app_context():
        cluster = db.session.scalar(db.select(Cluster).where(Cluster.slug == CLUSTER))
        from webapp.clusters.queries import definition_of

        definition = definition_of(cluster)
        sections = [s.key for s in definition.all_sections()]
        meeting = db.session.scalar(db.select(Meeting.id).where(Meeting.cluster_id == cluster.id).limit(1))
        person = db.session.scalar(db.select(User.id).where(User.email == site.emails["member"]))
        poll = _first_id("polls", cluster.id)
        upload = _first_id("uploads", cluster.id)
    c = f"/c/{CLUSTER}"
    return [
        "/",
        c,
        *[f"{c}/s/{key}" for key in sections],
        f"{c}/s/{SECTION}/history",
        f"{c}/s/{SECTION}/diff",
        f"{c}/s/{SECTION}/comments",
        f"{c}/s/{SECTION}/proposals/new",
        f"{c}/documents/",
        f"{c}/documents/compare",
        f"{c}/documents/uploads/{upload}",
        f"{c}/meetings",
        f"{c}/meetings/{meeting}",
        f"{c}/meetings/{meeting}/edit",
        f"{c}/meetings/{meeting}/import",
        f"{c}/meetings/new",
        f"{c}/polls",
        f"{c}/polls/new",
        f"{c}/polls/{poll}",
        f"{c}/polls/{poll}/projector",
        f"{c}/signoffs/confirm",
        f"{c}/audit",
        f"{c}/stages/{definition.stage_keys[-1]}/reopen",  # what reopening would undo, asked first
        f"{c}/stats",
        "/stats",
        "/notifications",
        "/notifications/preferences",
        "/notifications/outbox",
        "/account/",
        "/admin/users",
        f"/admin/users/{person}",
        "/admin/organisations",
        "/admin/clusters",
        "/admin/tokens",
        "/p/",
        f"/p/{CLUSTER}",
        "/c/no-such-cluster",
        "/no-such-page",
    ]


def _first_id(table: str, cluster_id: int) -> int:
    """The cluster's first row of a table the demo may leave empty (then an id that is not
    there: the page is the error page, visited all the same)."""
    from sqlalchemy import column, func, select
    from sqlalchemy import table as table_named

    from webapp.extensions import db

    rows = table_named(table, column("id"), column("cluster_id"))
    found = db.session.scalar(select(func.min(rows.c.id)).where(rows.c.cluster_id == cluster_id))
    return found or 999_999


#: Every text node (closed <details> and visually hidden text included: screen readers and
#: a click show them) and the attributes people read or hear.
COLLECT_TEXTS = """() => {
    const out = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (parent && ["SCRIPT", "STYLE", "NOSCRIPT"].includes(parent.tagName)) continue;
        const text = node.textContent.trim();
        if (text) out.push(text);
    }
    const named = "[title], [aria-label], [placeholder], [alt], input[type=submit][value]";
    for (const el of document.querySelectorAll(named)) {
        for (const name of ["title", "aria-label", "placeholder", "alt"]) {
            const value = el.getAttribute(name);
            if (value) out.push(value);
        }
        if (el.matches("input[type=submit]")) out.push(el.value);
    }
    return out;
}"""


def axe_check(page: Page) -> str:
    """The axe hook: serious WCAG violations on the page as text ('' for none)."""
    return describe(serious_violations(page))


def sign_in(page: Page, site: Site, email: str) -> None:
    page.goto(f"{site.url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form [type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def choose_language(page: Page, lang: str) -> None:
    """The language switch in the header, as a person would (it overrides the account's)."""
    if page.locator("html").get_attribute("lang") != lang:
        page.click(f".lang-switch button[value={lang}]")
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == lang


ROLES = ["admin", "moderator", "member", "observer", "anonymous"]
ANONYMOUS_PAGES = ["/login", "/p/", f"/p/{CLUSTER}", "/no-such-page"]


@pytest.mark.parametrize("lang", ["pl", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_shows_no_internal_key(site: Site, browser: Browser, role: str, lang: str) -> None:
    keys = internal_keys()
    locale = "pl-PL" if lang == "pl" else "en-GB"
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    problems: list[str] = []
    try:
        if role == "anonymous":
            page.goto(f"{site.url}/p/")
        else:
            sign_in(page, site, site.emails[role])
        choose_language(page, lang)
        for path in page_paths(site) if role != "anonymous" else ANONYMOUS_PAGES:
            response = page.goto(site.url + path)
            assert response is not None and response.status < 500, f"{path}: {response and response.status}"
            assert page.locator("html").get_attribute("lang") == lang, path
            if path in ANONYMOUS_PAGES[:3]:  # the published strategy is there for anyone
                assert response.status == 200, path
            if leaked := leaks(page.evaluate(COLLECT_TEXTS), keys, lang):
                problems.append(f"{path}: internal keys {', '.join(sorted(leaked))}")
            if violations := axe_check(page):
                problems.append(f"{path}: serious axe violations\n{violations}")
            if path == f"/c/{CLUSTER}" and lang == "en":
                text = page.inner_text("main")
                missing = [t for t in english_section_titles(site) if t not in text]
                if missing:
                    problems.append(f"{path}: English section titles missing: {missing}")
    finally:
        context.close()
    problems += [f"script error: {error}" for error in errors]
    assert problems == [], "\n".join(problems)


def english_section_titles(site: Site) -> list[str]:
    from webapp.extensions import db
    from webapp.models import Cluster

    with site.app.app_context():
        from webapp.clusters.queries import definition_of

        cluster = db.session.scalar(db.select(Cluster).where(Cluster.slug == CLUSTER))
        return [section.title.en for section in definition_of(cluster).all_sections()]


def test_the_crawl_covers_every_page_kind_of_the_url_map(site: Site) -> None:
    """A new kind of page must join the crawl (or be listed here as not a page)."""
    not_pages = {
        "static",
        "bootstrap.static",
        "home.healthz",
        "auth.invitation",  # a one-time link: tests/web cover it
        "account.confirm",  # the password asked again: a form, reached from a refused change
        "documents.download",
        "documents.download_pdf",
        "meetings.calendar_file",
        "meetings.export_attendance",
        "meetings.sheet_template",
        "polls.live",  # JSON for the projector page's script
        "stats.cluster_csv",
        "stats.agency_csv",
        "stats.cluster_chart",
        "stats.agency_chart",
        "publication.docx",
        "publication.pdf",
    }
    adapter = site.app.url_map.bind("localhost")
    visited = {"auth.login"}
    from werkzeug.exceptions import NotFound

    for path in page_paths(site):
        with contextlib.suppress(NotFound):  # the error pages match nothing, on purpose
            visited.add(adapter.match(path, method="GET")[0])
    pages = {
        rule.endpoint
        for rule in site.app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.rule.startswith("/api")
    }
    assert pages - visited - not_pages == set()
