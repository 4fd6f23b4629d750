"""The cluster page, its badges and buttons read workflows.status: no contradictions,
four eyes, the reason on a returned stage, and a review flag that a check clears."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import api_token, bearer, make_app, sign_in
from webapp.extensions import db
from webapp.models import AuditEvent, Cluster, Membership, Stage

LATEST_APPROVAL = select(AuditEvent).where(AuditEvent.verb == "stage.approve").order_by(AuditEvent.id.desc())


def transition(client, headers, slug, stage, action, reason=""):  # noqa: ANN001, ANN201
    return client.post(
        f"/api/v1/clusters/{slug}/stages/{stage}/transitions",
        json={"action": action, "reason": reason},
        headers={**headers, "Accept-Language": "en"},
    )


def token(client, accounts, role: str, slug: str | None = None) -> dict:  # noqa: ANN001
    email = "admin@example.org" if role == "admin" else accounts.email(role, slug)
    return bearer(api_token(client, email))


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def page(app, accounts, role: str, slug: str) -> str:  # noqa: ANN001
    client = app.test_client()  # a browser of its own for each person
    sign_in(client, accounts.email(role, slug))
    return client.get(f"/c/{slug}", headers={"Accept-Language": "pl"}).get_data(as_text=True)


@pytest.mark.parametrize("role", ["member", "moderator", "observer"])
def test_adopted_strategy_asks_for_nothing_more(app, accounts, role: str) -> None:
    text = visible_text(page(app, accounts, role, "makros"))
    assert "Strategia jest przyjęta" in text
    assert "Brakuje jeszcze podpisu" not in text
    assert "Podpisywanie będzie możliwe" not in text
    assert "Nie podpisały jeszcze" not in text and "Not signed yet" not in text
    assert "Strategia została przyjęta; podpisał" in text


def test_adopted_strategy_refuses_signing_with_the_adoption_as_reason(client, accounts) -> None:
    member = token(client, accounts, "member", "makros")
    refused = client.post("/api/v1/clusters/makros/signoffs", headers={**member, "Accept-Language": "en"})
    assert refused.status_code == 409
    assert [u["code"] for u in refused.get_json()["error"]["unmet"]] == ["signing_adopted"]


def test_four_eyes_the_submitter_does_not_approve(client, accounts, app) -> None:
    moderator = token(client, accounts, "moderator", "mak")
    assert transition(client, moderator, "mak", "goals", "return", "Cele zbyt ogólne").status_code == 200
    assert transition(client, moderator, "mak", "goals", "submit").status_code == 200
    refused = transition(client, moderator, "mak", "goals", "approve")
    assert refused.status_code == 409
    unmet = refused.get_json()["error"]["unmet"]
    assert [u["code"] for u in unmet] == ["own_submission"]
    assert "another moderator" in unmet[0]["message"]
    admin = token(client, accounts, "admin")
    assert transition(client, admin, "mak", "goals", "approve").status_code == 200
    with app.app_context():
        event = db.session.scalars(LATEST_APPROVAL).first()
        assert "own_submission" not in (event.details or {})


def test_one_person_cluster_setting_allows_it_and_the_audit_trail_says_so(database_url, accounts) -> None:
    app = make_app(database_url, ALLOW_SELF_APPROVAL_ONE_PERSON=True)
    client = app.test_client()
    with app.app_context():
        cluster = db.session.scalars(select(Cluster).where(Cluster.slug == "mak")).one()
        moderators = db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.cluster_id == cluster.id, Membership.role == "moderator")
        )
    assert moderators == 1  # the demo's mak has one moderator: a one-person cluster for approving
    moderator = token(client, accounts, "moderator", "mak")
    assert transition(client, moderator, "mak", "goals", "return", "Cele zbyt ogólne").status_code == 200
    assert transition(client, moderator, "mak", "goals", "submit").status_code == 200
    assert transition(client, moderator, "mak", "goals", "approve").status_code == 200
    with app.app_context():
        event = db.session.scalars(LATEST_APPROVAL).first()
        assert event.details.get("own_submission") is True
    sign_in(client, accounts.email("moderator", "mak"))
    audit = client.get("/c/mak/audit", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "klaster ma jednego moderatora" in visible_text(audit)


def test_returned_stage_shows_its_reason_to_everyone_until_submitted(client, accounts, app) -> None:
    moderator = token(client, accounts, "moderator", "mak")
    reason = "Brakuje celu dotyczącego eksportu."
    assert transition(client, moderator, "mak", "goals", "return", reason).status_code == 200
    for role in ("observer", "member", "moderator"):
        html = page(app, accounts, role, "mak")
        note = re.search(r'<div class="stage-note[^>]*data-stage="goals"[^>]*>(.*?)</div>', html, re.S)
        assert note, role
        assert reason in note.group(1) and "Zwrot do poprawy" in note.group(1)
    member = token(client, accounts, "member", "mak")
    assert transition(client, member, "mak", "goals", "submit").status_code == 200
    assert "stage-note" not in page(app, accounts, "observer", "mak")


def test_review_flag_lasts_until_a_moderator_confirms(client, accounts, app) -> None:
    slug = "klaster-chemiczny"
    moderator = token(client, accounts, "moderator", slug)
    admin = token(client, accounts, "admin")
    assert transition(client, moderator, slug, "goals", "reopen", "Nowe dane z GUS").status_code == 200
    assert transition(client, moderator, slug, "goals", "submit").status_code == 200
    assert transition(client, admin, slug, "goals", "approve").status_code == 200
    html = page(app, accounts, "member", slug)
    actions = html.split('id="stage-actions"', 1)[1].split("</li>", 1)[0]
    assert "do sprawdzenia" in actions
    confirmed = transition(client, moderator, slug, "actions", "confirm")
    assert confirmed.status_code == 200 and confirmed.get_json() == {"state": "approved"}
    html = page(app, accounts, "member", slug)
    actions = html.split('id="stage-actions"', 1)[1].split("</li>", 1)[0]
    assert "do sprawdzenia" not in actions
    again = transition(client, moderator, slug, "actions", "confirm")
    assert again.status_code == 409
    assert [u["code"] for u in again.get_json()["error"]["unmet"]] == ["nothing_to_confirm"]
    with app.app_context():
        stage = db.session.scalars(select(Stage).where(Stage.key == "actions", Stage.cluster.has(slug=slug)))
        assert stage.one().needs_review is False


def test_completeness_names_the_item_in_the_409_and_on_the_page(client, accounts, app) -> None:
    """'Działanie 7 nie ma wskaźnika (KPI).', with its section and item, not '12 problems'."""
    slug = "e-medycyna"
    member = token(client, accounts, "member", slug)
    url = f"/api/v1/clusters/{slug}/sections/action_plan"
    section = client.get(url, headers=member).get_json()
    rows = [dict(r) for r in section["content"]]
    while len(rows) < 8:
        rows.append({**rows[0], "id": f"extra{len(rows)}"})
    rows = [{**r, "kpi": r.get("kpi") or "Liczba uczestników"} for r in rows]
    rows[6] = {**rows[6], "kpi": ""}
    saved = client.put(url, json={"content": rows, "base_revision": section["revision"]}, headers=member)
    assert saved.status_code == 200, saved.get_json()
    refused = client.post(
        f"/api/v1/clusters/{slug}/stages/actions/transitions",
        json={"action": "submit"},
        headers={**member, "Accept-Language": "pl"},
    )
    assert refused.status_code == 409
    incomplete = next(u for u in refused.get_json()["error"]["unmet"] if u["code"] == "incomplete")
    assert incomplete["message"]  # the summary stays, as the contract has it
    mine = [p for p in incomplete["problems"] if p["item"] == rows[6]["id"]]
    assert mine == [
        {
            "code": "action_without_kpi",
            "section": "action_plan",
            "section_title": mine[0]["section_title"],
            "item": rows[6]["id"],
            "number": "7",
            "message": "Działanie 7 nie ma wskaźnika (KPI).",
        }
    ]
    assert mine[0]["section_title"] and mine[0]["section_title"] != "action_plan"
    html = page(app, accounts, "member", slug)
    link = f"/c/{slug}/s/action_plan#item-{rows[6]['id']}"
    assert f'<a href="{link}">Działanie 7 nie ma wskaźnika (KPI).</a>' in html
    section_page = app.test_client()
    sign_in(section_page, accounts.email("member", slug))
    row_page = section_page.get(f"/c/{slug}/s/action_plan").get_data(as_text=True)
    assert f'id="item-{rows[6]["id"]}"' in row_page


def test_the_api_reads_the_same_status(client, accounts) -> None:
    moderator = token(client, accounts, "moderator", "mak")
    reason = "Cele bez wskaźników."
    assert transition(client, moderator, "mak", "goals", "return", reason).status_code == 200
    observer = token(client, accounts, "observer", "mak")
    detail = client.get("/api/v1/clusters/mak", headers={**observer, "Accept-Language": "pl"}).get_json()
    assert detail["adopted"] is False and detail["current_stage"] == "goals"
    goals = next(s for s in detail["stages"] if s["key"] == "goals")
    assert goals["reason"]["action"] == "return" and goals["reason"]["reason"] == reason
    assert goals["actions"] == []  # an observer runs nothing
    own = client.get("/api/v1/clusters/mak", headers=moderator).get_json()
    goals = next(s for s in own["stages"] if s["key"] == "goals")
    assert [a["action"] for a in goals["actions"]] == ["submit"]
    adopted = client.get("/api/v1/clusters/makros", headers=token(client, accounts, "member", "makros"))
    body = adopted.get_json()
    assert body["adopted"] is True and body["current_stage"] is None
    assert body["signing"] == {"adopted": True, "can_sign": False, "can_withdraw": False, "missing_kinds": []}
