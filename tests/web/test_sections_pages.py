"""The section pages: who may edit, saving, merges, conflicts, bad input, history, presence."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from tests.conftest import api_token, bearer, csrf_from, sign_in
from webapp.extensions import db
from webapp.models import Cluster, Section, SectionPresence, SectionRevision, User
from webapp.models.base import utcnow
from workflows.merge import resolve

SLUG = "krea"  # diagnosis drafting, goals locked
PAGE = f"/c/{SLUG}/s/profile"
JSON = {"Accept": "application/json"}


@pytest.fixture
def en(client):  # noqa: ANN001, ANN201
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def signed_in(app, email: str):  # noqa: ANN001, ANN201
    """A separate browser (own cookie jar) signed in as `email`, speaking English."""
    other = app.test_client()
    other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert sign_in(other, email).status_code == 302
    return other


def section(app, key: str, slug: str = SLUG) -> Section:  # noqa: ANN001
    with app.app_context():
        row = db.session.scalars(
            select(Section)
            .join(Cluster, Cluster.id == Section.cluster_id)
            .where(Section.key == key, Cluster.slug == slug)
        ).one()
        db.session.expunge(row)
        return row


def revision_numbers(app, key: str, slug: str = SLUG) -> list[int]:  # noqa: ANN001
    sec = section(app, key, slug)
    with app.app_context():
        return list(
            db.session.scalars(
                select(SectionRevision.number)
                .where(SectionRevision.section_id == sec.id)
                .order_by(SectionRevision.number)
            )
        )


def post_save(client, path: str, content: object, base: int, headers: dict | None = None, **extra):  # noqa: ANN001, ANN201
    token = csrf_from(client.get(path).get_data(as_text=True))
    data = {
        "csrf_token": token,
        "base_revision": str(base),
        "content": json.dumps(content),
        **extra,
    }
    return client.post(path, data=data, headers=headers or {})


# --- who sees the editor ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "editor"),
    [("member", True), ("moderator", True), ("observer", False), ("admin", True)],
)
def test_view_shows_the_editor_only_to_those_who_may_edit(app, accounts, role, editor):
    email = accounts.email("admin") if role == "admin" else accounts.email(role, SLUG)
    browser = signed_in(app, email)
    response = browser.get(PAGE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # Whoever may not edit gets the editor in suggest mode only: it sends proposals.
    assert 'id="section-editor"' in html
    assert ('data-reason="role_forbidden"' in html) is (not editor)
    suggest_only = 'data-url="/api/v1/clusters/krea/sections/profile/proposals" checked disabled'
    assert (suggest_only in html) is (not editor)
    assert 'id="guidance"' in html and 'id="presence"' in html
    assert 'href="/c/krea/s/profile/history"' in html
    if not editor:
        assert 'id="preview"' in html and "<h3>" in html  # the Markdown, rendered


def test_guidance_beside_the_editor_and_the_section_link_on_the_cluster_page(app, accounts):
    from webapp.clusters.queries import definition_of

    with app.app_context():
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == SLUG))
        guidance = definition_of(cluster).section("profile")[1].guidance.en
    browser = signed_in(app, accounts.email("member", SLUG))
    html = browser.get(PAGE).get_data(as_text=True)
    assert guidance[:60] in html
    assert 'href="/c/krea/s/profile"' in browser.get(f"/c/{SLUG}").get_data(as_text=True)


def test_outsiders_get_404_and_anonymous_people_are_sent_to_sign_in(app, client, accounts):
    outsider = signed_in(app, accounts.outsider(SLUG))
    assert outsider.get(PAGE).status_code == 404
    assert outsider.post(PAGE + "/presence", headers=JSON).status_code in (400, 404)
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/c/krea/s/nope").status_code == 302  # never a hint what exists
    assert signed_in(app, accounts.email("member", SLUG)).get("/c/krea/s/nope").status_code == 404


# --- saving --------------------------------------------------------------------------------


def test_save_through_the_form_makes_a_revision_naming_its_base(app, accounts):
    browser = signed_in(app, accounts.email("member", SLUG))
    before = section(app, "profile")
    response = post_save(browser, PAGE, "# Nowy profil\n\nKREA łączy studia.", before.revision)
    assert response.status_code == 302 and response.headers["Location"].endswith(PAGE)
    after = section(app, "profile")
    assert after.revision == before.revision + 1 and after.content.startswith("# Nowy profil")
    with app.app_context():
        newest = db.session.scalars(
            select(SectionRevision)
            .where(SectionRevision.section_id == after.id)
            .order_by(SectionRevision.number.desc())
        ).first()
        assert newest.base_number == before.revision and not newest.merged
    page = browser.get(PAGE).get_data(as_text=True)
    assert f"Saved as revision {after.revision}." in page
    assert "<h1>Nowy profil</h1>" in page  # the preview, server-rendered


def test_save_without_script_uses_the_textarea(app, accounts):
    browser = signed_in(app, accounts.email("member", SLUG))
    before = section(app, "profile")
    token = csrf_from(browser.get(PAGE).get_data(as_text=True))
    data = {
        "csrf_token": token,
        "base_revision": str(before.revision),
        "content": "",
        "text": "Tekst\r\nbez skryptu",
    }
    assert browser.post(PAGE, data=data).status_code == 302
    assert section(app, "profile").content == "Tekst\nbez skryptu"


def test_save_by_fetch_answers_json(app, accounts):
    browser = signed_in(app, accounts.email("member", SLUG))
    swot = {
        "strengths": ["Silne studia"],
        "weaknesses": [],
        "opportunities": ["Rynek gier"],
        "threats": [],
    }
    response = post_save(browser, f"/c/{SLUG}/s/swot", swot, 0, headers=JSON)
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "saved" and body["revision"] == 1 and body["merged"] is False
    assert body["url"] == f"/c/{SLUG}/s/swot"
    assert section(app, "swot").content == swot


def test_non_overlapping_saves_merge_and_say_with_whom(app, accounts):
    first = signed_in(app, accounts.email("member", SLUG, index=0))
    second_email = accounts.email("member", SLUG, index=1)
    second = signed_in(app, second_email)
    base = section(app, "profile")
    lines = base.content.split("\n")
    theirs = "\n".join([*lines, "", "ICH AKAPIT"])
    assert post_save(second, PAGE, theirs, base.revision).status_code == 302
    mine = "\n".join(["MÓJ AKAPIT", "", *lines])
    response = post_save(first, PAGE, mine, base.revision, headers=JSON)
    body = response.get_json()
    assert response.status_code == 200 and body["merged"] is True
    with app.app_context():
        second_name = db.session.scalar(select(User.name).where(User.email == second_email))
    assert body["merged_with"] == [second_name]
    assert "merged with changes by" in body["message"] and second_name in body["message"]
    final = section(app, "profile").content
    assert final.startswith("MÓJ AKAPIT") and final.endswith("ICH AKAPIT")
    # The same through the plain form: the notice comes as a flashed message.
    again = post_save(first, PAGE, final + "\n\nJESZCZE", base.revision + 1)
    assert again.status_code == 302
    assert "merged with changes by" in first.get(PAGE).get_data(as_text=True)


def test_overlapping_saves_show_the_conflict_view_and_write_nothing(app, accounts):
    first = signed_in(app, accounts.email("member", SLUG, index=0))
    second = signed_in(app, accounts.email("member", SLUG, index=1))
    base = section(app, "profile")
    assert post_save(second, PAGE, "ich wersja\n", base.revision).status_code == 302
    theirs_revision = base.revision + 1
    response = post_save(first, PAGE, "moja wersja\n", base.revision)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'id="conflict"' in html and f'data-revision="{theirs_revision}"' in html
    assert "ich wersja" in html and "moja wersja" in html  # theirs and mine side by side
    assert 'value="mine"' in html and 'value="theirs"' in html and 'value="both"' in html
    assert "moja wersja" in html.split('id="editor-text"')[1].split("</textarea>")[0]  # still in the editor
    assert section(app, "profile").content == "ich wersja\n"
    assert revision_numbers(app, "profile")[-1] == theirs_revision
    # By fetch: JSON with the panel, and the combination for "edit both together".
    answer = post_save(first, PAGE, "moja wersja\n", base.revision, headers=JSON)
    assert answer.status_code == 409
    body = answer.get_json()
    assert body["status"] == "conflict" and body["revision"] == theirs_revision
    assert 'id="conflict"' in body["html"] and body["both"] == "ich wersja\nmoja wersja\n"
    assert revision_numbers(app, "profile")[-1] == theirs_revision


@pytest.mark.parametrize(
    ("choice", "expected"),
    [("mine", "moja wersja\n"), ("both", "ich wersja\nmoja wersja\n"), ("theirs", "ich wersja\n")],
)
def test_resolving_a_conflict_saves_on_the_current_revision(app, accounts, choice, expected):
    first = signed_in(app, accounts.email("member", SLUG, index=0))
    second = signed_in(app, accounts.email("member", SLUG, index=1))
    base = section(app, "profile")
    assert post_save(second, PAGE, "ich wersja\n", base.revision).status_code == 302
    theirs_revision = base.revision + 1
    response = post_save(
        first,
        PAGE,
        "moja wersja\n",
        base.revision,
        resolution=choice,
        theirs_revision=str(theirs_revision),
    )
    assert response.status_code == 302
    after = section(app, "profile")
    assert after.content == expected
    assert after.revision == (theirs_revision if choice == "theirs" else theirs_revision + 1)


def test_refused_content_is_422_naming_the_field_and_keeps_what_was_typed(app, accounts):
    browser = signed_in(app, accounts.email("member", "e-medycyna"))
    path = "/c/e-medycyna/s/action_plan"
    before = section(app, "action_plan", "e-medycyna")
    rows = [dict(row) for row in before.content]
    rows[1]["budget_pln"] = "dużo pieniędzy"
    rows[0]["action"] = "Pilotaż poprawiony przez mnie"
    response = post_save(browser, path, rows, before.revision)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'data-field="action_plan[1].budget_pln"' in html
    assert "Action 2 · Budget (PLN) is not a valid amount." in html  # in words, not the path
    assert "action_plan[1].budget_pln is" not in html
    assert 'value="dużo pieniędzy"' in html and "Pilotaż poprawiony przez mnie" in html
    assert re.search(r'is-invalid" data-field="budget_pln" value="dużo pieniędzy"', html)
    answer = post_save(browser, path, rows, before.revision, headers=JSON)
    assert answer.status_code == 422
    assert answer.get_json()["field"] == "action_plan[1].budget_pln"
    assert section(app, "action_plan", "e-medycyna").revision == before.revision


def test_bad_input_is_never_a_500(app, accounts):
    browser = signed_in(app, accounts.email("member", SLUG))
    token = csrf_from(browser.get(PAGE).get_data(as_text=True))
    revision = section(app, "profile").revision
    cases = [
        {"base_revision": "abc", "content": '"x"'},
        {"base_revision": "-1", "content": '"x"'},
        {"base_revision": str(revision), "content": "{not json"},
        {"base_revision": "999", "content": '"x"'},
        {
            "base_revision": str(revision),
            "content": '"x"',
            "resolution": "all",
            "theirs_revision": "1",
        },
        {
            "base_revision": str(revision),
            "content": '"x"',
            "resolution": "mine",
            "theirs_revision": "99",
        },
        {"base_revision": str(revision), "content": "[1, 2]"},
    ]
    for case in cases:
        response = browser.post(PAGE, data={"csrf_token": token, **case})
        assert 400 <= response.status_code < 500, (case, response.status_code)
    for query in ("a=abc&b=1", "a=0&b=999", "a=-3", "b=x"):
        assert browser.get(f"{PAGE}/diff?{query}").status_code in (200, 404)
    assert browser.get(f"{PAGE}/history?before=zz").status_code == 200
    assert browser.post(f"{PAGE}/history/999/restore", data={"csrf_token": token}).status_code == 404
    assert (
        browser.post(f"{PAGE}/preview", json=[1], headers={"X-CSRFToken": token, **JSON}).status_code == 400
    )
    assert section(app, "profile").revision == revision


def test_every_post_needs_the_csrf_token(app, accounts):
    browser = signed_in(app, accounts.email("member", SLUG))
    revision = section(app, "profile").revision
    assert browser.post(PAGE, data={"base_revision": str(revision), "content": '"x"'}).status_code == 400
    assert browser.post(f"{PAGE}/presence", json={}).status_code == 400
    assert browser.post(f"{PAGE}/preview", json={"text": "x"}).status_code == 400
    assert browser.post(f"{PAGE}/history/1/restore").status_code == 400
    assert section(app, "profile").revision == revision


# --- read-only stages ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "key", "reason"),
    [
        ("makros", "profile", "stage_approved"),
        ("mak", "goals", "stage_in_review"),
        ("krea", "vision", "stage_locked"),
    ],
)
def test_sections_of_closed_stages_are_read_only_with_the_reason(app, accounts, slug, key, reason):
    browser = signed_in(app, accounts.email("member", slug))
    path = f"/c/{slug}/s/{key}"
    html = browser.get(path).get_data(as_text=True)
    assert f'data-reason="{reason}"' in html and 'id="section-editor"' not in html
    before = section(app, key, slug)
    response = post_save(browser, path, before.content, before.revision)
    assert response.status_code == 302  # back to the page, with the reason flashed
    assert post_save(browser, path, before.content, before.revision, headers=JSON).status_code == 409
    assert section(app, key, slug).revision == before.revision
    history = browser.get(path + "/history").get_data(as_text=True)
    assert "restore-form" not in history


def test_observers_may_not_save_or_restore(app, accounts):
    browser = signed_in(app, accounts.email("observer", SLUG))
    before = section(app, "profile")
    assert post_save(browser, PAGE, "obserwator", before.revision, headers=JSON).status_code == 403
    token = csrf_from(browser.get(PAGE).get_data(as_text=True))
    assert (
        browser.post(f"{PAGE}/history/1/restore", data={"csrf_token": token}, headers=JSON).status_code == 403
    )
    assert section(app, "profile").revision == before.revision


# --- history, diff, restore ------------------------------------------------------------------


def test_history_diff_and_restore(app, accounts):
    browser = signed_in(app, accounts.email("member", SLUG))
    original = section(app, "profile")
    assert post_save(browser, PAGE, "Pierwsze zdanie o klastrze.\n", original.revision).status_code == 302
    assert post_save(browser, PAGE, "Pierwsze zdanie o grupie.\n", original.revision + 1).status_code == 302
    newest = original.revision + 2
    history = browser.get(f"{PAGE}/history").get_data(as_text=True)
    assert [int(n) for n in re.findall(r'class="revision-row" data-revision="(\d+)"', history)] == list(
        range(newest, 0, -1)
    )
    assert "restore-form" in history
    diff = browser.get(f"{PAGE}/diff?a={newest - 1}&b={newest}").get_data(as_text=True)
    assert "<del>klastrze</del><ins>grupie</ins>" in diff
    response = browser.post(
        f"{PAGE}/history/{original.revision}/restore", data={"csrf_token": csrf_from(history)}
    )
    assert response.status_code == 302
    restored = section(app, "profile")
    assert restored.revision == newest + 1 and restored.content == original.content
    with app.app_context():
        row = db.session.scalars(
            select(SectionRevision).where(
                SectionRevision.section_id == restored.id, SectionRevision.number == newest + 1
            )
        ).one()
        assert row.restored_from == original.revision
    assert "restored-mark" in browser.get(f"{PAGE}/history").get_data(as_text=True)


def test_structured_diff_is_by_item_and_field(app, accounts):
    browser = signed_in(app, accounts.email("member", "e-medycyna"))
    path = "/c/e-medycyna/s/action_plan"
    before = section(app, "action_plan", "e-medycyna")
    rows = [dict(row) for row in before.content]
    rows[0]["budget_pln"] = "3 000 000,00"
    rows.append({"action": "Nowe działanie <b>pogrubione</b>", "owner": "Sensomed Sp. z o.o."})
    assert post_save(browser, path, rows, before.revision).status_code == 302
    diff = browser.get(f"{path}/diff?a={before.revision}&b={before.revision + 1}").get_data(as_text=True)
    assert diff.count('class="change change-') == 2
    assert 'class="change change-added"' in diff and 'class="change change-changed"' in diff
    assert "3000000.00" in diff and "&lt;b&gt;pogrubione&lt;/b&gt;" in diff


def test_the_action_plan_editor_offers_objectives_owners_and_a_polish_total(app, accounts):
    browser = signed_in(app, accounts.email("member", "e-medycyna"))
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pl"
    html = browser.get("/c/e-medycyna/s/action_plan").get_data(as_text=True)
    assert re.search(r'<option value="o1"[^>]*>[^<]+›', html)
    assert '<option value="Sensomed Sp. z o.o."' in html
    assert "Mazowiecka Agencja Innowacji</option>" not in html  # the observers' agency is no member
    assert "13\u00a0330\u00a0000,00\u00a0zł" in html
    assert 'type="date" class="form-control form-control-sm" data-field="start" value="2014-' in html


# --- preview ---------------------------------------------------------------------------------


def test_preview_renders_markdown_and_sanitises(app, accounts):
    browser = signed_in(app, accounts.email("member", SLUG))
    token = csrf_from(browser.get(PAGE).get_data(as_text=True))
    text = "**gruby** <script>alert(1)</script> [klik](javascript:alert(1))"
    text += " <img src=x onerror=alert(1)>"
    response = browser.post(f"{PAGE}/preview", json={"text": text}, headers={"X-CSRFToken": token, **JSON})
    assert response.status_code == 200
    html = response.get_json()["html"]
    assert "<strong>gruby</strong>" in html
    assert "<script" not in html and "<img" not in html and "<a" not in html  # all left as text
    link = browser.post(
        f"{PAGE}/preview",
        json={"text": '<a href="javascript:x()">a</a> [b](https://example.org)'},
        headers={"X-CSRFToken": token, **JSON},
    ).get_json()["html"]
    assert re.findall(r'<a [^>]*href="([^"]*)"', link) == ["https://example.org"]
    assert 'rel="noopener nofollow ugc"' in link
    saved = post_save(browser, PAGE, text, section(app, "profile").revision)
    assert saved.status_code == 302
    page = browser.get(PAGE).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert not [
        href for href in re.findall(r'<a [^>]*href="([^"]*)"', page) if href.lower().startswith("javascript")
    ]


# --- presence --------------------------------------------------------------------------------


def test_presence_names_the_others_here(app, accounts):
    anna_email, jan_email = accounts.email("member", SLUG, 0), accounts.email("member", SLUG, 1)
    anna, jan = signed_in(app, anna_email), signed_in(app, jan_email)
    anna_token = csrf_from(anna.get(PAGE).get_data(as_text=True))
    jan_token = csrf_from(jan.get(PAGE).get_data(as_text=True))
    first = anna.post(f"{PAGE}/presence", json={}, headers={"X-CSRFToken": anna_token, **JSON})
    assert first.status_code == 200 and first.get_json()["others"] == []
    assert first.get_json()["revision"] == section(app, "profile").revision
    second = jan.post(f"{PAGE}/presence", json={}, headers={"X-CSRFToken": jan_token, **JSON})
    with app.app_context():
        anna_name = db.session.scalar(select(User.name).where(User.email == anna_email))
    assert second.get_json()["others"] == [anna_name]
    again = anna.post(f"{PAGE}/presence", json={}, headers={"X-CSRFToken": anna_token, **JSON})
    assert len(again.get_json()["others"]) == 1
    with app.app_context():
        assert db.session.query(SectionPresence).count() == 2  # one row a person, refreshed
    # Leaving removes Anna at once; someone not seen for 15 s is gone too.
    assert anna.delete(f"{PAGE}/presence", headers={"X-CSRFToken": anna_token}).status_code == 204
    assert (
        jan.post(f"{PAGE}/presence", json={}, headers={"X-CSRFToken": jan_token, **JSON}).get_json()["others"]
        == []
    )
    anna.post(f"{PAGE}/presence", json={}, headers={"X-CSRFToken": anna_token, **JSON})
    with app.app_context():
        db.session.execute(update(SectionPresence).values(seen_at=utcnow() - timedelta(seconds=20)))
        db.session.commit()
    assert (
        jan.post(f"{PAGE}/presence", json={}, headers={"X-CSRFToken": jan_token, **JSON}).get_json()["others"]
        == []
    )


def test_presence_of_a_signed_out_person_is_401_json(app, client):
    response = client.post(f"{PAGE}/presence", json={}, headers=JSON)
    # CSRF comes first for a cookie-less POST; the save's JSON answer for an ended session:
    assert response.status_code in (400, 401)
    save = client.post(PAGE, data={"base_revision": "1"}, headers=JSON)
    assert save.status_code in (400, 401)


def test_a_save_whose_session_ended_is_answered_401_json(app, accounts):
    browser = signed_in(app, accounts.email("member", SLUG))
    token = csrf_from(browser.get(PAGE).get_data(as_text=True))
    browser.post("/logout", data={"csrf_token": token})
    browser.get("/login")  # a fresh anonymous session with a CSRF token of its own
    fresh = csrf_from(browser.get("/login").get_data(as_text=True))
    response = browser.post(
        PAGE, data={"csrf_token": fresh, "base_revision": "1", "content": '"x"'}, headers=JSON
    )
    assert response.status_code == 401 and response.get_json()["status"] == "signed_out"


# --- queries per page --------------------------------------------------------------------------


def _definition(sections: int):  # noqa: ANN202
    from workflows.definition import parse_definition

    title = {"pl": "Tytuł", "en": "Title"}
    return parse_definition(
        {
            "key": f"bench{sections}",
            "version": 1,
            "title": title,
            "stages": [
                {
                    "key": "only",
                    "title": title,
                    "sections": [
                        {
                            "key": f"s{i}",
                            "kind": "text" if i % 2 else "goals",
                            "title": title,
                            "guidance": {"pl": "Pisz.", "en": "Write."},
                        }
                        for i in range(sections)
                    ],
                }
            ],
        },
        f"test definition with {sections} sections",
    )


def test_queries_per_section_page_do_not_grow_with_the_sections(app, accounts):
    from webapp.clusters.operations import create_cluster

    with app.app_context():
        for size in (5, 50):
            create_cluster(f"q{size}", f"Klaster {size}", "other", definition=_definition(size))
        db.session.commit()
    browser = signed_in(app, accounts.email("admin"))
    counts: dict[tuple[int, str], int] = {}
    with app.app_context():
        statements: list[str] = []

        def count(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            for size in (5, 50):
                for key in ("s1", "s2"):  # a text section, a goals section
                    path = f"/c/q{size}/s/{key}"
                    assert browser.get(path).status_code == 200  # warm (the definition is parsed once)
                    statements.clear()
                    assert browser.get(path).status_code == 200
                    counts[size, key] = len(statements)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert counts[5, "s1"] == counts[50, "s1"] and counts[5, "s2"] == counts[50, "s2"], counts
    assert max(counts.values()) <= 15, counts


# --- resolving conflicts (pure) ---------------------------------------------------------------


def test_resolve_keeps_what_does_not_overlap_whatever_the_choice():
    base = "a\n\nb\n\nc\n"
    theirs = "a\n\nB-ich\n\nc-ich\n"
    mine = "a-moje\n\nB-moje\n\nc\n"
    assert resolve("text", base, theirs, mine, "mine") == "a-moje\n\nB-moje\n\nc-ich\n"
    assert resolve("text", base, theirs, mine, "theirs") == "a-moje\n\nB-ich\n\nc-ich\n"
    assert resolve("text", base, theirs, mine, "both") == "a-moje\n\nB-ich\nB-moje\n\nc-ich\n"


def test_resolve_structured_items_by_field():
    base = [{"id": "k1", "indicator": "Firmy", "unit": "", "baseline": "1", "target": "5", "year": 2020}]
    theirs = [{**base[0], "target": "6", "unit": "szt."}]
    mine = [{**base[0], "target": "7", "year": 2021}]
    assert resolve("kpi", base, theirs, mine, "mine") == [
        {**base[0], "target": "7", "unit": "szt.", "year": 2021}
    ]
    assert resolve("kpi", base, theirs, mine, "theirs") == [
        {**base[0], "target": "6", "unit": "szt.", "year": 2021}
    ]
    both = resolve("kpi", base, theirs, mine, "both")
    assert both[0]["target"] == "6" and both[1]["id"] == "" and both[1]["target"] == "7"
    swot_base = {"strengths": ["x"], "weaknesses": [], "opportunities": [], "threats": []}
    swot_theirs = {**swot_base, "strengths": ["x-ich"]}
    swot_mine = {**swot_base, "strengths": ["x-moje"], "threats": ["nowe"]}
    assert resolve("swot", swot_base, swot_theirs, swot_mine, "both")["strengths"] == [
        "x-ich",
        "x-moje",
    ]
    assert resolve("swot", swot_base, swot_theirs, swot_mine, "theirs")["threats"] == ["nowe"]


def test_api_and_pages_share_one_history(app, client, accounts):
    token = bearer(api_token(client, accounts.email("member", SLUG)))
    current = client.get(f"/api/v1/clusters/{SLUG}/sections/profile", headers=token).get_json()
    put = client.put(
        f"/api/v1/clusters/{SLUG}/sections/profile",
        json={"content": "przez API\n", "base_revision": current["revision"]},
        headers=token,
    )
    assert put.status_code == 200
    browser = signed_in(app, accounts.email("member", SLUG, 1))
    history = browser.get(f"{PAGE}/history").get_data(as_text=True)
    assert f'data-revision="{current["revision"] + 1}"' in history


def test_a_structured_conflict_names_the_item_and_field_and_both_keeps_two_rows(app, accounts):
    path = "/c/e-medycyna/s/action_plan"
    first = signed_in(app, accounts.email("member", "e-medycyna", index=0))
    second = signed_in(app, accounts.email("member", "e-medycyna", index=1))
    base = section(app, "action_plan", "e-medycyna")
    theirs = [dict(row) for row in base.content]
    theirs[0]["budget_pln"] = "3100000.00"
    assert post_save(second, path, theirs, base.revision).status_code == 302
    mine = [dict(row) for row in base.content]
    mine[0]["budget_pln"] = "3200000.00"
    mine[1]["kpi"] = "Nowy wskaźnik"  # does not overlap: kept whatever the choice
    response = post_save(first, path, mine, base.revision)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    spot = html.split('class="conflict-spot"')[1].split("</tr>")[0]
    assert "a1" in spot and "Budget (PLN)" in spot
    assert "3100000.00" in spot and "3200000.00" in spot
    assert section(app, "action_plan", "e-medycyna").revision == base.revision + 1
    both = post_save(
        first, path, mine, base.revision, resolution="both", theirs_revision=str(base.revision + 1)
    )
    assert both.status_code == 302
    rows = section(app, "action_plan", "e-medycyna").content
    assert len(rows) == len(base.content) + 1
    assert rows[0]["budget_pln"] == "3100000.00" and rows[-1]["budget_pln"] == "3200000.00"
    assert rows[-1]["action"] == rows[0]["action"] and rows[-1]["id"] not in {r["id"] for r in rows[:-1]}
    assert rows[1]["kpi"] == "Nowy wskaźnik"
