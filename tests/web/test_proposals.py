"""Proposals through the API and the section page: who may, merge and conflict, outdated,
notifications, the audit trail, what a stage waits for."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import api_token, bearer, page_csrf, sign_in
from webapp.extensions import db
from webapp.models import AuditEvent, Notification, Proposal, SectionRevision, User

SLUG = "krea"  # diagnosis is drafting in the demo
KEY = "profile"


@pytest.fixture
def member(client, accounts):  # noqa: ANN001, ANN201
    return bearer(api_token(client, accounts.email("member", SLUG)))


@pytest.fixture
def other_member(client, accounts):  # noqa: ANN001, ANN201
    return bearer(api_token(client, accounts.email("member", SLUG, index=1)))


@pytest.fixture
def observer(client, accounts):  # noqa: ANN001, ANN201
    return bearer(api_token(client, accounts.email("observer", SLUG)))


@pytest.fixture
def moderator(client, accounts):  # noqa: ANN001, ANN201
    return bearer(api_token(client, accounts.email("moderator", SLUG)))


def section_url(key: str = KEY) -> str:
    return f"/api/v1/clusters/{SLUG}/sections/{key}"


def current(client, headers: dict, key: str = KEY) -> dict:  # noqa: ANN001
    return client.get(section_url(key), headers=headers).get_json()


def propose(client, headers: dict, content: object, base: int, note: str | None = None, key: str = KEY):  # noqa: ANN001, ANN201
    body = {"content": content, "base_revision": base}
    if note is not None:
        body["note"] = note
    return client.post(section_url(key) + "/proposals", json=body, headers=headers)


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_an_observer_may_propose_but_not_accept(client, observer, moderator, accounts, app):
    base = current(client, observer)
    content = base["content"] + "\n\nZdanie obserwatora.\n"
    created = propose(client, observer, content, base["revision"], note="Warto dodać")
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["status"] == "open"
    pid = created.get_json()["id"]

    listed = client.get(section_url() + "/proposals", headers=moderator).get_json()["proposals"]
    mine = next(p for p in listed if p["id"] == pid)
    assert {"id", "author", "status", "base_revision", "note", "created_at"} <= set(mine)
    assert mine["note"] == "Warto dodać" and mine["base_revision"] == base["revision"]
    one = client.get(f"/api/v1/proposals/{pid}", headers=moderator).get_json()
    assert one["content"] == content and one["section"] == KEY and one["status"] == "open"

    refused = client.post(f"/api/v1/proposals/{pid}/accept", headers=observer)
    assert refused.status_code == 403
    assert (
        client.post(f"/api/v1/proposals/{pid}/reject", json={"reason": "x"}, headers=observer).status_code
        == 403
    )

    accepted = client.post(f"/api/v1/proposals/{pid}/accept", headers=moderator)
    assert accepted.status_code == 200, accepted.get_json()
    revision = accepted.get_json()["revision"]
    assert revision == base["revision"] + 1 and accepted.get_json()["merged"] is False
    assert current(client, moderator)["content"] == content
    with app.app_context():
        row = db.session.scalar(select(SectionRevision).where(SectionRevision.number == revision))
        proposal = db.session.get(Proposal, pid)
        # Credited to the proposer, recorded as accepted by the moderator.
        assert row.author.email == accounts.email("observer", SLUG)
        assert row.accepted_by.email == accounts.email("moderator", SLUG)
        assert proposal.status == "accepted" and proposal.revision == revision
        verbs = db.session.scalars(
            select(AuditEvent.verb).where(AuditEvent.subject == f"{KEY}#{pid}").order_by(AuditEvent.id)
        ).all()
        assert verbs == ["proposal.create", "proposal.accept"]
        told = db.session.scalars(select(Notification).where(Notification.kind == "proposal_decided")).all()
        assert [n.user_id for n in told] == [_user(accounts.email("observer", SLUG)).id]
        assert told[0].params["decision"] == "accept"
    # Closed: a second decision is refused, nothing changes.
    again = client.post(f"/api/v1/proposals/{pid}/accept", headers=moderator)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "not_open"


def test_editors_are_told_of_a_new_proposal(client, observer, accounts, app):
    base = current(client, observer)
    pid = propose(client, observer, base["content"] + "\nNowe.\n", base["revision"]).get_json()["id"]
    with app.app_context():
        told = db.session.scalars(select(Notification).where(Notification.kind == "proposal")).all()
        people = {n.user_id for n in told}
        assert _user(accounts.email("moderator", SLUG)).id in people
        assert _user(accounts.email("observer", SLUG)).id not in people
        assert all(n.params["proposal"] == pid for n in told)


def test_accept_merges_with_another_paragraph_edited_meanwhile(client, member, other_member, moderator):
    base = current(client, member)
    paragraphs = base["content"].split("\n")
    proposed = "\n".join(["AKAPIT Z PROPOZYCJI", *paragraphs])
    pid = propose(client, member, proposed, base["revision"]).get_json()["id"]
    # Someone else edits another paragraph of the same section meanwhile.
    theirs = "\n".join([*paragraphs, "AKAPIT KOGOŚ INNEGO"])
    saved = client.put(
        section_url(), json={"content": theirs, "base_revision": base["revision"]}, headers=other_member
    )
    assert saved.status_code == 200
    accepted = client.post(f"/api/v1/proposals/{pid}/accept", headers=moderator)
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["merged"] is True
    final = current(client, moderator)["content"]
    assert final.startswith("AKAPIT Z PROPOZYCJI") and "AKAPIT KOGOŚ INNEGO" in final


def test_overlapping_change_is_the_saves_conflict_and_the_proposal_stays_open(
    client, member, other_member, moderator, app
):
    base = current(client, member)
    lines = base["content"].split("\n")
    pid = propose(client, member, "\n".join(["ZMIANA A", *lines[1:]]), base["revision"]).get_json()["id"]
    body = {"content": "\n".join(["ZMIANA B", *lines[1:]]), "base_revision": base["revision"]}
    saved = client.put(section_url(), json=body, headers=other_member)
    assert saved.status_code == 200
    conflict = client.post(f"/api/v1/proposals/{pid}/accept", headers=moderator)
    assert conflict.status_code == 409
    body = conflict.get_json()
    assert body["error"]["code"] == "conflict"
    assert {"base", "theirs", "yours"} <= set(body)
    with app.app_context():
        assert db.session.get(Proposal, pid).status == "open"
    # Resolved as the conflict view offers: keep both.
    resolved = client.post(
        f"/api/v1/proposals/{pid}/accept",
        json={"resolution": "both", "theirs_revision": body["revision"]},
        headers=moderator,
    )
    assert resolved.status_code == 200, resolved.get_json()
    final = current(client, moderator)["content"]
    assert "ZMIANA A" in final and "ZMIANA B" in final


def test_a_replaced_section_makes_the_proposal_outdated_but_readable(
    client, member, other_member, moderator, app
):
    base = current(client, member)
    proposed = base["content"].replace("\n", "\nDOPISEK\n", 1)
    pid = propose(client, member, proposed, base["revision"]).get_json()["id"]
    replaced = "Całkiem nowy tekst.\n\nNic z dawnego.\n"
    assert (
        client.put(
            section_url(), json={"content": replaced, "base_revision": base["revision"]}, headers=other_member
        ).status_code
        == 200
    )
    answer = client.post(f"/api/v1/proposals/{pid}/accept", headers=moderator)
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "outdated"
    one = client.get(f"/api/v1/proposals/{pid}", headers=member).get_json()
    assert one["status"] == "outdated" and one["content"] == proposed
    assert current(client, member)["content"] == replaced
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.verb).where(AuditEvent.verb == "proposal.outdate"))


def test_reject_needs_a_reason_and_withdraw_is_the_authors(client, member, other_member, moderator):
    base = current(client, member)
    pid = propose(client, member, base["content"] + "\nA\n", base["revision"]).get_json()["id"]
    no_reason = client.post(f"/api/v1/proposals/{pid}/reject", json={}, headers=moderator)
    assert no_reason.status_code == 422
    assert client.post(f"/api/v1/proposals/{pid}/withdraw", headers=other_member).status_code == 403
    rejected = client.post(f"/api/v1/proposals/{pid}/reject", json={"reason": "Nie teraz"}, headers=moderator)
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"
    assert client.get(f"/api/v1/proposals/{pid}", headers=member).get_json()["reason"] == "Nie teraz"
    assert client.post(f"/api/v1/proposals/{pid}/withdraw", headers=member).status_code == 409

    second = propose(client, member, base["content"] + "\nB\n", base["revision"]).get_json()["id"]
    withdrawn = client.post(f"/api/v1/proposals/{second}/withdraw", headers=member)
    assert withdrawn.status_code == 200 and withdrawn.get_json()["status"] == "withdrawn"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"content": {"not": "text"}, "base_revision": 0}, 422),
        ({"content": "x", "base_revision": 999}, 409),
        ({"content": "x", "base_revision": -1}, 422),
        ({"content": "x", "base_revision": 0, "note": "a\x00b"}, 422),
        ({"content": "x", "base_revision": 0, "author": 1}, 422),
        ({"base_revision": 0}, 422),
    ],
)
def test_bad_proposals_are_refused_and_nothing_is_written(client, member, app, body, status):
    response = client.post(section_url() + "/proposals", json=body, headers=member)
    assert response.status_code == status, response.get_json()
    assert "error" in response.get_json()
    with app.app_context():
        assert db.session.scalar(select(Proposal.id)) is None


def test_the_same_content_as_the_base_is_no_proposal(client, member):
    base = current(client, member)
    response = propose(client, member, base["content"], base["revision"])
    assert response.status_code == 422


def test_outsiders_see_nothing(client, accounts, member):
    base = current(client, member)
    pid = propose(client, member, base["content"] + "\nC\n", base["revision"]).get_json()["id"]
    stranger = bearer(api_token(client, accounts.outsider(SLUG)))
    assert client.get(f"/api/v1/proposals/{pid}", headers=stranger).status_code == 404
    assert client.post(f"/api/v1/proposals/{pid}/accept", headers=stranger).status_code == 404
    assert client.get(section_url() + "/proposals", headers=stranger).status_code == 404


def test_openapi_describes_the_proposals(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/v1/clusters/{slug}/sections/{key}/proposals"]
    assert "get" in paths["/api/v1/clusters/{slug}/sections/{key}/proposals"]
    for verb in ("accept", "reject", "withdraw"):
        assert "post" in paths[f"/api/v1/proposals/{{proposal_id}}/{verb}"]


# --- pages -----------------------------------------------------------------------------------


def test_propose_and_decide_on_the_section_page(client, accounts, app):
    page = f"/c/{SLUG}/s/{KEY}"
    sign_in(client, accounts.email("observer", SLUG))
    html = client.get(page).get_data(as_text=True)
    assert 'id="propose-form"' in html
    with app.app_context():
        from webapp.models import Section

        section = db.session.scalar(select(Section).where(Section.key == KEY, Section.cluster.has(slug=SLUG)))
        text, revision = section.content, section.revision
    first_line = text.split("\n")[0]
    changed = text.replace(first_line, first_line + " Dopisane słowo.", 1)
    csrf = page_csrf(client, page)
    created = client.post(
        page + "/proposals",
        data={"csrf_token": csrf, "base_revision": revision, "text": changed, "note": "Krócej"},
    )
    assert created.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert 'class="proposal card' in html
    assert "<ins>" in html and "Dopisane" in html  # the word-level diff, as formatted text
    assert 'class="accept-form"' not in html  # an observer may not accept
    assert 'class="withdraw-form"' in html
    with app.app_context():
        pid = db.session.scalar(select(Proposal.id))

    client.post("/logout", data={"csrf_token": csrf})
    sign_in(client, accounts.email("moderator", SLUG))
    html = client.get(page).get_data(as_text=True)
    assert 'class="accept-form"' in html
    # What the stage waits for shows it, without blocking.
    assert "open-proposals" in client.get(f"/c/{SLUG}").get_data(as_text=True)
    csrf = page_csrf(client, page)
    empty = client.post(f"{page}/proposals/{pid}/reject", data={"csrf_token": csrf, "reason": " "})
    assert empty.status_code == 422
    accepted = client.post(f"{page}/proposals/{pid}/accept", data={"csrf_token": csrf})
    assert accepted.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "Dopisane słowo." in html
    assert 'id="closed-proposals"' in html
    # The history diff is the formatted word diff too.
    diff = client.get(f"{page}/diff").get_data(as_text=True)
    assert "diff-formatted" in diff and "<ins>" in diff


def test_a_page_without_csrf_is_refused(client, accounts):
    sign_in(client, accounts.email("member", SLUG))
    response = client.post(f"/c/{SLUG}/s/{KEY}/proposals", data={"base_revision": 0, "text": "x"})
    assert response.status_code in (400, 403)


def test_a_conflict_on_the_page_is_resolved_on_screen(client, accounts, member, other_member, app):
    base = current(client, member)
    lines = base["content"].split("\n")
    pid = propose(client, member, "\n".join(["ZMIANA A", *lines[1:]]), base["revision"]).get_json()["id"]
    body = {"content": "\n".join(["ZMIANA B", *lines[1:]]), "base_revision": base["revision"]}
    assert client.put(section_url(), json=body, headers=other_member).status_code == 200
    page = f"/c/{SLUG}/s/{KEY}"
    sign_in(client, accounts.email("moderator", SLUG))
    csrf = page_csrf(client, page)
    conflict = client.post(f"{page}/proposals/{pid}/accept", data={"csrf_token": csrf})
    assert conflict.status_code == 409
    html = conflict.get_data(as_text=True)
    assert 'id="conflict"' in html and f"/proposals/{pid}/accept" in html
    revision = current(client, member)["revision"]
    kept = client.post(
        f"{page}/proposals/{pid}/accept",
        data={"csrf_token": csrf, "resolution": "both", "theirs_revision": revision},
    )
    assert kept.status_code == 302
    final = current(client, member)["content"]
    assert "ZMIANA A" in final and "ZMIANA B" in final
    with app.app_context():
        assert db.session.get(Proposal, pid).status == "accepted"


def test_a_structured_section_is_proposed_from_its_form(client, accounts, app):
    page = f"/c/{SLUG}/s/swot"
    sign_in(client, accounts.email("observer", SLUG))
    assert 'id="propose-content"' in client.get(page + "/proposals/new").get_data(as_text=True)
    csrf = page_csrf(client, page)
    content = '{"strengths": ["Silne studia"], "weaknesses": [], "opportunities": [], "threats": []}'
    bad = client.post(page + "/proposals", data={"csrf_token": csrf, "base_revision": 0, "content": "{"})
    assert bad.status_code == 422 and 'id="propose-error"' in bad.get_data(as_text=True)
    made = client.post(page + "/proposals", data={"csrf_token": csrf, "base_revision": 0, "content": content})
    assert made.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "diff-table" in html and "Silne studia" in html


def test_history_says_who_accepted_a_proposal(client, accounts, observer, moderator):
    base = current(client, observer)
    pid = propose(client, observer, base["content"] + "\nDopisek.\n", base["revision"]).get_json()["id"]
    assert client.post(f"/api/v1/proposals/{pid}/accept", headers=moderator).status_code == 200
    sign_in(client, accounts.email("member", SLUG))
    html = client.get(f"/c/{SLUG}/s/{KEY}/history").get_data(as_text=True)
    assert html.count('class="small text-secondary accepted-by"') == 1


def test_the_page_lists_a_bounded_number_of_open_proposals(client, accounts, member, monkeypatch):
    import webapp.proposals.panel as panel

    monkeypatch.setattr(panel, "OPEN_SHOWN", 1)
    base = current(client, member)
    for line in ("Pierwsza.", "Druga."):
        assert propose(client, member, base["content"] + f"\n{line}\n", base["revision"]).status_code == 201
    sign_in(client, accounts.email("moderator", SLUG))
    html = client.get(f"/c/{SLUG}/s/{KEY}").get_data(as_text=True)
    assert html.count('class="proposal card') == 1
    assert 'id="more-proposals"' in html


def test_the_proposer_reads_the_decision_in_polish(client, accounts, observer, moderator, app):
    base = current(client, observer)
    pid = propose(client, observer, base["content"] + "\nDopisek.\n", base["revision"]).get_json()["id"]
    answer = client.post(f"/api/v1/proposals/{pid}/reject", json={"reason": "Nie teraz"}, headers=moderator)
    assert answer.status_code == 200
    sign_in(client, accounts.email("observer", SLUG))
    client.post("/language", data={"csrf_token": page_csrf(client, "/notifications"), "lang": "pl"})
    html = client.get("/notifications").get_data(as_text=True)
    assert "odrzuca Twoją propozycję zmiany w sekcji" in html
    with app.app_context():
        link = db.session.scalar(select(Notification.link).where(Notification.kind == "proposal_decided"))
        assert link.endswith(f"/c/{SLUG}/s/{KEY}#proposal-{pid}")


def test_outdated_on_the_page_is_said_and_kept(client, accounts, member, other_member, app):
    base = current(client, member)
    pid = propose(client, member, base["content"] + "\nDopisek.\n", base["revision"]).get_json()["id"]
    replaced = {"content": "Zupełnie inny tekst.\n", "base_revision": base["revision"]}
    assert client.put(section_url(), json=replaced, headers=other_member).status_code == 200
    page = f"/c/{SLUG}/s/{KEY}"
    sign_in(client, accounts.email("moderator", SLUG))
    answer = client.post(f"{page}/proposals/{pid}/accept", data={"csrf_token": page_csrf(client, page)})
    assert answer.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "napisano na nowo" in html and 'data-status="outdated"' in html
    with app.app_context():
        assert db.session.get(Proposal, pid).status == "outdated"
