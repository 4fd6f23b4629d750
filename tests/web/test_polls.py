"""Polls through the API and the pages: who creates, votes and closes; bad votes change
nothing; one voice per organisation; results by kind; priorities applied as a revision."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import DEMO_PASSWORD, api_token, bearer, page_csrf, sign_in
from webapp.extensions import db
from webapp.models import AuditEvent, Cluster, Poll, Section, SectionRevision, User, Vote

SLUG = "e-medycyna"  # its action plan's stage is being drafted
EN = {"Accept-Language": "en"}


def _headers(client, email: str) -> dict:  # noqa: ANN001
    return {**bearer(api_token(client, email)), **EN}


def _members(accounts, slug: str = SLUG) -> list[str]:  # noqa: ANN001
    return [a["email"] for a in accounts.all if a["cluster"] == slug and a["role"] == "member"]


def _create(client, headers: dict, **body) -> int:  # noqa: ANN001
    payload = {
        "question": "Co najpierw?",
        "kind": "dot",
        "options": [{"label": "A"}, {"label": "B"}, {"label": "C"}],
    }
    payload.update(body)
    if payload["kind"] == "dot":
        payload.setdefault("dots", 3)
    answer = client.post(f"/api/v1/clusters/{SLUG}/polls", json=payload, headers=headers)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def _options(client, headers: dict, poll_id: int) -> list[int]:  # noqa: ANN001
    return [o["id"] for o in client.get(f"/api/v1/polls/{poll_id}", headers=headers).get_json()["options"]]


def _votes(app, poll_id: int) -> int:  # noqa: ANN001
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Vote).where(Vote.poll_id == poll_id))


def test_a_dot_vote_from_creation_to_final_results(app, client, accounts):
    moderator = _headers(client, accounts.email("moderator", SLUG))
    poll_id = _create(client, moderator, max_per_option=2)
    a, b, c = _options(client, moderator, poll_id)
    listed = client.get(f"/api/v1/clusters/{SLUG}/polls", headers=moderator).get_json()["polls"]
    assert {"id": poll_id, "question": "Co najpierw?", "kind": "dot", "status": "open"}.items() <= listed[
        0
    ].items()

    members = _members(accounts)
    for email, dots in zip(members[:3], ({a: 2, b: 1}, {b: 2}, {c: 1}), strict=True):
        headers = _headers(client, email)
        answer = client.put(
            f"/api/v1/polls/{poll_id}/vote",
            json={"dots": {str(k): v for k, v in dots.items()}},
            headers=headers,
        )
        assert answer.status_code == 200, answer.get_json()
    results = client.get(f"/api/v1/polls/{poll_id}/results", headers=moderator).get_json()
    totals = {o["id"]: o["total"] for o in results["options"]}
    assert totals == {a: 2, b: 3, c: 1}
    assert results["turnout"]["voted"] == 3 and results["turnout"]["eligible"] >= 4
    for option in results["options"]:
        assert set(option["by_kind"]) == {"enterprise", "business_support", "science", "other"}
        assert sum(option["by_kind"].values()) == option["total"]

    assert client.post(f"/api/v1/polls/{poll_id}/close", headers=moderator).status_code == 200
    late = client.put(
        f"/api/v1/polls/{poll_id}/vote", json={"dots": {str(a): 1}}, headers=_headers(client, members[3])
    )
    assert late.status_code == 409 and "closed" in late.get_json()["error"]["message"]
    assert client.post(f"/api/v1/polls/{poll_id}/close", headers=moderator).status_code == 409
    assert _votes(app, poll_id) == 3
    with app.app_context():
        verbs = db.session.scalars(select(AuditEvent.verb).where(AuditEvent.verb.like("poll.%"))).all()
    assert sorted(set(verbs)) == ["poll.close", "poll.create", "poll.vote"] and verbs.count("poll.vote") == 3


BAD_VOTES = [  # (kind, extra poll fields, ballot builder, status, words in the message)
    ("dot", {"dots": 3}, lambda a, b, c: {"dots": {str(a): 2, str(b): 2}}, 422, "only 3 dots"),
    ("dot", {"dots": 3, "max_per_option": 1}, lambda a, b, c: {"dots": {str(a): 2}}, 422, "At most 1 dot"),
    ("dot", {"dots": 3}, lambda a, b, c: {"dots": {"999999": 1}}, 422, "not one of this poll"),
    ("dot", {"dots": 3}, lambda a, b, c: {"ranking": [a]}, 422, "form"),
    ("ranking", {}, lambda a, b, c: {"ranking": [a, b, a]}, 422, "ranked more than once"),
    ("score", {}, lambda a, b, c: {"scores": {str(a): 6}}, 422, "from 0 to 5"),
    ("choice", {}, lambda a, b, c: {"choices": [a, b]}, 422, "Only one option"),
    ("choice", {}, lambda a, b, c: {"choices": [a], "dots": {}}, 422, ""),
]


@pytest.mark.parametrize(("kind", "extra", "ballot", "status", "words"), BAD_VOTES)
def test_bad_votes_are_refused_and_change_nothing(app, client, accounts, kind, extra, ballot, status, words):
    moderator = _headers(client, accounts.email("moderator", SLUG))
    poll_id = _create(client, moderator, kind=kind, **extra)
    a, b, c = _options(client, moderator, poll_id)
    member = _headers(client, _members(accounts)[0])
    answer = client.put(f"/api/v1/polls/{poll_id}/vote", json=ballot(a, b, c), headers=member)
    assert answer.status_code == status, answer.get_json()
    assert words in answer.get_json()["error"]["message"]
    assert _votes(app, poll_id) == 0


def test_who_may_create_vote_close_and_see(app, client, accounts):
    moderator = _headers(client, accounts.email("moderator", SLUG))
    member = _headers(client, _members(accounts)[0])
    observer = _headers(client, accounts.email("observer", SLUG))
    outsider = _headers(client, accounts.outsider(SLUG))
    body = {"question": "?", "kind": "choice", "options": [{"label": "x"}, {"label": "y"}]}
    assert client.post(f"/api/v1/clusters/{SLUG}/polls", json=body, headers=member).status_code == 403
    assert client.post(f"/api/v1/clusters/{SLUG}/polls", json=body, headers=outsider).status_code == 404
    poll_id = _create(client, moderator, kind="choice")
    x = _options(client, moderator, poll_id)[0]
    assert client.get(f"/api/v1/polls/{poll_id}", headers=outsider).status_code == 404
    assert (
        client.put(f"/api/v1/polls/{poll_id}/vote", json={"choices": [x]}, headers=observer).status_code
        == 403
    )
    assert client.post(f"/api/v1/polls/{poll_id}/close", headers=member).status_code == 403
    assert client.get("/api/v1/polls/2147483647", headers=member).status_code == 404
    assert client.put(f"/api/v1/polls/{poll_id}/vote", json={"choices": [x]}).status_code == 401


def test_invited_observers_vote_apart(app, client, accounts):
    moderator = _headers(client, accounts.email("moderator", SLUG))
    poll_id = _create(client, moderator, kind="choice", invite_observers=True)
    x, y, _z = _options(client, moderator, poll_id)
    observer = _headers(client, accounts.email("observer", SLUG))
    assert (
        client.put(f"/api/v1/polls/{poll_id}/vote", json={"choices": [x]}, headers=observer).status_code
        == 200
    )
    member = _headers(client, _members(accounts)[0])
    assert (
        client.put(f"/api/v1/polls/{poll_id}/vote", json={"choices": [y]}, headers=member).status_code == 200
    )
    results = client.get(f"/api/v1/polls/{poll_id}/results", headers=moderator).get_json()
    by_id = {o["id"]: o for o in results["options"]}
    assert (by_id[x]["total"], by_id[x]["observers"], by_id[y]["total"]) == (0, 1, 1)
    assert results["turnout"]["voted"] == 1 and results["observer_ballots"] == 1


def test_one_voice_per_organisation_the_latest_counts(app, client, accounts):
    moderator = _headers(client, accounts.email("moderator", SLUG))
    first = _members(accounts)[0]
    with app.app_context():
        from webapp.clusters.operations import set_member
        from webapp.people.operations import create_user

        rep = db.session.scalar(select(User).where(User.email == first))
        colleague = create_user("kolega.polls@example.org", "Kolega", DEMO_PASSWORD, rep.organisation_id)
        set_member(db.session.scalar(select(Cluster).where(Cluster.slug == SLUG)), colleague, "member")
        db.session.commit()
    poll_id = _create(client, moderator, kind="choice")
    x, y, _z = _options(client, moderator, poll_id)
    assert (
        client.put(
            f"/api/v1/polls/{poll_id}/vote", json={"choices": [x]}, headers=_headers(client, first)
        ).status_code
        == 200
    )
    colleague_headers = _headers(client, "kolega.polls@example.org")
    mine = client.get(f"/api/v1/polls/{poll_id}", headers=colleague_headers).get_json()["my_vote"]
    assert mine == {"choices": [str(x)]}  # the organisation's vote, seen by its people
    assert (
        client.put(
            f"/api/v1/polls/{poll_id}/vote", json={"choices": [y]}, headers=colleague_headers
        ).status_code
        == 200
    )
    results = client.get(f"/api/v1/polls/{poll_id}/results", headers=moderator).get_json()
    assert {o["id"]: o["total"] for o in results["options"]}[y] == 1
    assert sum(o["total"] for o in results["options"]) == 1
    with app.app_context():
        vote = db.session.scalars(select(Vote).where(Vote.poll_id == poll_id)).one()
        assert (vote.user.email, vote.changes) == ("kolega.polls@example.org", 2)


def test_hidden_results_until_voted(app, client, accounts):
    moderator = _headers(client, accounts.email("moderator", SLUG))
    poll_id = _create(client, moderator, kind="score", hide_results=True)
    a = _options(client, moderator, poll_id)[0]
    member = _headers(client, _members(accounts)[0])
    assert client.get(f"/api/v1/polls/{poll_id}/results", headers=member).status_code == 409
    assert client.get(f"/api/v1/polls/{poll_id}/results", headers=moderator).status_code == 200
    assert (
        client.put(f"/api/v1/polls/{poll_id}/vote", json={"scores": {str(a): 4}}, headers=member).status_code
        == 200
    )
    assert client.get(f"/api/v1/polls/{poll_id}/results", headers=member).status_code == 200


BAD_POLLS = [
    ({"kind": "dot", "dots": None}, "dots"),
    ({"kind": "dot", "dots": 3, "max_per_option": 4}, "max_per_option"),
    ({"options": [{"label": "A"}]}, "options"),
    ({"options": [{"label": "A"}, {"label": "a"}]}, "options"),
    ({"options": [{"section": "action_plan", "item_id": "nope"}, {"label": "b"}]}, "options"),
    ({"options": [{"section": "nope", "item_id": "a1"}, {"label": "b"}]}, "options"),
    ({"kind": "ranking", "voter": "everybody"}, None),
    ({"kind": "ranking", "closes_at": "2014-01-01T10:00:00+01:00"}, "closes_at"),
    ({"kind": "ranking", "closes_at": "0001-01-01T00:00:00+14:00"}, "closes_at"),
    ({"kind": "ranking", "closes_at": "9999-12-31T23:59:00-12:00"}, "closes_at"),
    ({"kind": "ranking", "meeting_id": 2147483647}, "meeting_id"),
]


@pytest.mark.parametrize(("body", "field"), BAD_POLLS)
def test_bad_polls_are_refused(app, client, accounts, body, field):
    moderator = _headers(client, accounts.email("moderator", SLUG))
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Poll))
    payload = {"question": "?", "kind": "choice", "options": [{"label": "A"}, {"label": "B"}], **body}
    answer = client.post(f"/api/v1/clusters/{SLUG}/polls", json=payload, headers=moderator)
    assert answer.status_code == 422, answer.get_json()
    if field:
        error = answer.get_json()["error"]
        assert field in (error.get("field"), *error.get("fields", ())), error
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Poll)) == before


def _action_ids(app) -> list[str]:  # noqa: ANN001
    with app.app_context():
        content = db.session.scalar(
            select(Section.content).join(Cluster).where(Cluster.slug == SLUG, Section.key == "action_plan")
        )
    return [a["id"] for a in content]


def test_a_closed_poll_over_actions_sets_their_order_as_a_revision(app, client, accounts):
    moderator_email = accounts.email("moderator", SLUG)
    moderator = _headers(client, moderator_email)
    ids = _action_ids(app)
    assert len(ids) >= 3
    options = [{"section": "action_plan", "item_id": i} for i in ids]
    poll_id = _create(client, moderator, dots=5, options=options)
    option_ids = _options(client, moderator, poll_id)
    last = option_ids[-1]
    member = _headers(client, _members(accounts)[0])
    assert (
        client.put(
            f"/api/v1/polls/{poll_id}/vote",
            json={"dots": {str(last): 3, str(option_ids[1]): 2}},
            headers=member,
        ).status_code
        == 200
    )

    sign_in(client, moderator_email)
    token = page_csrf(client, f"/c/{SLUG}/polls/{poll_id}")
    early = client.post(f"/c/{SLUG}/polls/{poll_id}/apply", data={"csrf_token": token}, headers=EN)
    assert early.status_code == 409 and _action_ids(app) == ids
    assert client.post(f"/c/{SLUG}/polls/{poll_id}/close", data={"csrf_token": token}).status_code == 302
    assert client.post(f"/c/{SLUG}/polls/{poll_id}/apply", data={"csrf_token": token}).status_code == 302
    assert _action_ids(app)[:2] == [ids[-1], ids[1]]
    assert sorted(_action_ids(app)) == sorted(ids)
    with app.app_context():
        revision = db.session.scalars(
            select(SectionRevision)
            .join(Section)
            .join(Cluster)
            .where(Cluster.slug == SLUG, Section.key == "action_plan")
            .order_by(SectionRevision.number.desc())
        ).first()
        assert revision.author.email == moderator_email
        assert db.session.get(Poll, poll_id).applied_revision == revision.number


def test_poll_pages(app, client, accounts):
    moderator_email = accounts.email("moderator", SLUG)
    moderator = _headers(client, moderator_email)
    poll_id = _create(client, moderator, question="Który priorytet?")
    sign_in(client, _members(accounts)[0])
    cluster_page = client.get(f"/c/{SLUG}", headers=EN).get_data(as_text=True)
    assert "Który priorytet?" in cluster_page
    page = client.get(f"/c/{SLUG}/polls/{poll_id}", headers=EN)
    assert page.status_code == 200
    options = _options(client, moderator, poll_id)
    token = page_csrf(client, f"/c/{SLUG}/polls/{poll_id}")
    too_many = {"csrf_token": token, f"dots-{options[0]}": "3", f"dots-{options[1]}": "1"}
    refused = client.post(f"/c/{SLUG}/polls/{poll_id}/vote", data=too_many, headers=EN)
    assert refused.status_code == 422 and "only 3 dots" in refused.get_data(as_text=True)
    good = {"csrf_token": token, f"dots-{options[0]}": "2", f"dots-{options[1]}": "1"}
    assert client.post(f"/c/{SLUG}/polls/{poll_id}/vote", data=good).status_code == 302
    live = client.get(f"/c/{SLUG}/polls/{poll_id}/live.json").get_json()
    assert live["turnout"]["voted"] == 1 and "@" not in str(live)
    projector = client.get(f"/c/{SLUG}/polls/{poll_id}/projector", headers=EN).get_data(as_text=True)
    assert "<svg" in projector or "data:image/svg+xml" in projector
    assert client.get(f"/c/{SLUG}/polls/new").status_code == 403
    other = app.test_client()
    sign_in(other, moderator_email)
    form = other.get(f"/c/{SLUG}/polls/new", headers=EN)
    assert form.status_code == 200 and "action_plan|" in form.get_data(as_text=True)
    data = {
        "csrf_token": page_csrf(other, f"/c/{SLUG}/polls/new"),
        "question": "Ranking",
        "kind": "ranking",
        "voter": "person",
        "typed": "Jeden\nDwa\n",
        "meeting_id": "",
    }
    made = other.post(f"/c/{SLUG}/polls/new", data=data)
    assert made.status_code == 302, made.get_data(as_text=True)
    one = {**data, "typed": "Jeden"}
    refused = other.post(f"/c/{SLUG}/polls/new", data=one, headers=EN)
    assert refused.status_code == 422 and "at least 2 options" in refused.get_data(as_text=True)


def test_the_snapshot_carries_closed_polls_only(app, client, accounts):
    from webapp.documents.snapshot import build_snapshot

    moderator = _headers(client, accounts.email("moderator", SLUG))
    open_id = _create(client, moderator, question="Wciąż otwarte")
    closed_id = _create(client, moderator, question="Już zamknięte", kind="choice")
    x = _options(client, moderator, closed_id)[0]
    member = _headers(client, _members(accounts)[0])
    assert (
        client.put(f"/api/v1/polls/{closed_id}/vote", json={"choices": [x]}, headers=member).status_code
        == 200
    )
    assert client.post(f"/api/v1/polls/{closed_id}/close", headers=moderator).status_code == 200
    with app.test_request_context():
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == SLUG))
        shots = {p["question"]: p for p in build_snapshot(cluster)["polls"]}
    assert "Wciąż otwarte" not in shots and open_id
    shot = shots["Już zamknięte"]
    assert shot["turnout"]["voted"] == 1 and shot["rule"].startswith("Wybór")  # the document's language
    assert shot["options"][0] == {
        "label": "A",
        "total": 1,
        "place": 1,
        "by_kind": shot["options"][0]["by_kind"],
    }
    assert "@" not in str(shot)


def test_voters_hear_that_a_poll_opens_and_before_it_closes(app, client, accounts):
    from datetime import UTC, datetime, timedelta

    from webapp.models import Notification
    from webapp.polls.operations import remind_closing

    moderator_email = accounts.email("moderator", SLUG)
    moderator = _headers(client, moderator_email)
    closes = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    poll_id = _create(client, moderator, kind="choice", closes_at=closes)
    members = _members(accounts)
    x = _options(client, moderator, poll_id)[0]
    assert client.put(
        f"/api/v1/polls/{poll_id}/vote", json={"choices": [x]}, headers=_headers(client, members[0])
    )
    with app.test_request_context():
        told = dict(
            db.session.execute(
                select(User.email, Notification.kind)
                .join(Notification, Notification.user_id == User.id)
                .where(Notification.kind == "poll_opened")
            ).all()
        )
        assert set(members) <= set(told) and moderator_email not in told
        assert accounts.email("observer", SLUG) not in told
        assert remind_closing() == 1 and remind_closing() == 0  # once per poll
        reminded = set(
            db.session.scalars(
                select(User.email)
                .join(Notification, Notification.user_id == User.id)
                .where(Notification.kind == "poll_closing")
            )
        )
        db.session.commit()
    assert members[0] not in reminded and set(members[1:]) <= reminded
    sign_in(client, members[1])
    page = client.get("/notifications", headers=EN).get_data(as_text=True)
    assert "closes soon" in page and "Co najpierw?" in page


def test_a_meeting_lists_the_polls_run_at_it(app, client, accounts):
    with app.app_context():
        poll = db.session.scalar(select(Poll).join(Cluster).where(Cluster.slug == "makros"))
        meeting_id, question = poll.meeting_id, poll.question
    sign_in(client, accounts.email("member", "makros"))
    page = client.get(f"/c/makros/meetings/{meeting_id}").get_data(as_text=True)
    assert question in page
    poll_page = client.get(f"/c/makros/polls/{poll.id}").get_data(as_text=True)
    assert "Warsztat 5" in poll_page and "data:image/svg+xml" in poll_page  # closed: results shown


def test_polls_in_the_openapi_and_refusals_in_polish(app, client, accounts):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = {p for p in spec["paths"] if "poll" in p}
    assert paths == {
        "/api/v1/clusters/{slug}/polls",
        "/api/v1/polls/{poll_id}",
        "/api/v1/polls/{poll_id}/vote",
        "/api/v1/polls/{poll_id}/close",
        "/api/v1/polls/{poll_id}/results",
    }
    moderator = _headers(client, accounts.email("moderator", SLUG))
    poll_id = _create(client, moderator, dots=2)
    a, b, _c = _options(client, moderator, poll_id)
    member = {**bearer(api_token(client, _members(accounts)[0])), "Accept-Language": "pl"}
    answer = client.put(
        f"/api/v1/polls/{poll_id}/vote", json={"dots": {str(a): 2, str(b): 1}}, headers=member
    )
    assert answer.status_code == 422
    assert (
        answer.get_json()["error"]["message"] == "Postawiono kropek: 3, a można postawić najwyżej 2 kropki."
    )


def test_an_anonymous_polls_votes_are_counted_in_the_trail_without_their_voter(app, client, accounts):
    moderator = _headers(client, accounts.email("moderator", SLUG))
    named, anonymous = _create(client, moderator), _create(client, moderator, anonymous=True)
    voter = accounts.email("member", SLUG)
    for poll_id in (named, anonymous):
        first = _options(client, moderator, poll_id)[0]
        answer = client.put(
            f"/api/v1/polls/{poll_id}/vote", json={"dots": {str(first): 1}}, headers=_headers(client, voter)
        )
        assert answer.status_code == 200, answer.get_json()
    with app.app_context():
        voter_id = db.session.scalar(select(User.id).where(User.email == voter))
        rows = db.session.execute(
            select(AuditEvent.details, AuditEvent.actor_id).where(AuditEvent.verb == "poll.vote")
        ).all()
    actors = {
        details["poll_id"]: actor for details, actor in rows if details.get("poll_id") in (named, anonymous)
    }
    assert actors == {named: voter_id, anonymous: None}
