"""Twenty people of one organisation vote at the same moment, through a real threaded
server, on SQLite and on PostgreSQL: the organisation's voice is counted once.

The votes race on the one (poll, voter key) row: each is an INSERT … ON CONFLICT DO
UPDATE, so whatever the interleaving there is one row, every vote was accepted (each
replaced the one before), and the totals are those of exactly one of the ballots.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.conftest import api_token, bearer, make_app
from webapp.extensions import db
from webapp.models import AuditEvent, Cluster, Poll, User, Vote

SLUG = "e-medycyna"
PEOPLE = 20


def _call(method: str, url: str, headers: dict, body: object = None) -> tuple[int, str]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 - loopback URL built by this test
        url, data=data, method=method, headers={**headers, "Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.timeout(300)
def test_twenty_simultaneous_votes_of_one_organisation_count_once(app, database_url, accounts):
    from webapp.auth import tokens
    from webapp.clusters.operations import set_member
    from webapp.people.operations import create_user

    client = app.test_client()
    moderator = bearer(api_token(client, accounts.email("moderator", SLUG)))
    body = {"question": "Co najpierw?", "kind": "dot", "dots": 3, "options": [{"label": x} for x in "ABCD"]}
    poll_id = client.post(f"/api/v1/clusters/{SLUG}/polls", json=body, headers=moderator).get_json()["id"]
    options = [
        o["id"] for o in client.get(f"/api/v1/polls/{poll_id}", headers=moderator).get_json()["options"]
    ]
    first = next(a["email"] for a in accounts.all if a["cluster"] == SLUG and a["role"] == "member")
    with app.app_context():
        rep = db.session.scalar(select(User).where(User.email == first))
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == SLUG))
        people = [rep]
        for i in range(PEOPLE - 1):
            person = create_user(
                f"osoba{i}@example.org", f"Osoba {i}", "", rep.organisation_id, password_hash="x"
            )
            set_member(cluster, person, "member")
            people.append(person)
        db.session.flush()
        headers = [bearer(tokens.issue(person)) for person in people]
        organisation_id = rep.organisation_id
        people_ids = [p.id for p in people]
        db.session.commit()
    # Each person a different ballot, so the one counted can be told apart.
    ballots = [{"dots": {str(options[i % 4]): 1 + i % 3}} for i in range(PEOPLE)]

    served = make_app(database_url, TESTING=False)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/api/v1/polls/{poll_id}/vote"
    start = threading.Barrier(PEOPLE)
    answers: list[tuple[int, str]] = [(0, "")] * PEOPLE

    def vote(i: int) -> None:
        start.wait()
        answers[i] = _call("PUT", url, headers[i], ballots[i])

    workers = [threading.Thread(target=vote, args=(i,)) for i in range(PEOPLE)]
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(120)
    finally:
        server.shutdown()
        thread.join(10)
        with served.app_context():
            db.engine.dispose()

    assert [status for status, _ in answers] == [200] * PEOPLE, answers
    with app.app_context():
        rows = db.session.scalars(select(Vote).where(Vote.poll_id == poll_id)).all()
        assert len(rows) == 1
        (row,) = rows
        assert (row.voter_key, row.changes) == (f"o:{organisation_id}", PEOPLE)
        counted = ballots[people_ids.index(row.user_id)]
        assert row.ballot == counted  # the ballot of the person named as its caster
        recorded = db.session.scalars(
            select(AuditEvent).where(AuditEvent.verb == "poll.vote", AuditEvent.subject == "Co najpierw?")
        ).all()
        assert len(recorded) == PEOPLE
        assert db.session.get(Poll, poll_id).closed_at is None
    results = client.get(f"/api/v1/polls/{poll_id}/results", headers=moderator).get_json()
    assert results["turnout"]["voted"] == 1
    assert sum(o["total"] for o in results["options"]) == sum(counted["dots"].values())
