"""Deciding proposals at once, through a real threaded server: one proposal accepted by four
people at the same moment becomes one revision (the others are told it is closed), and
four proposals accepted at the same moment all land, merged, nothing lost."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.conftest import api_token, bearer, make_app
from tests.web.test_coediting_concurrency import call
from webapp.extensions import db
from webapp.models import Proposal

SLUG, KEY = "krea", "profile"
DECIDERS = 4


@pytest.fixture
def served(database_url):  # noqa: ANN001, ANN201
    app = make_app(database_url, TESTING=False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)
    with app.app_context():
        db.engine.dispose()


def _at_once(calls: list) -> list[tuple[int, str]]:
    start = threading.Barrier(len(calls))
    answers: list = [None] * len(calls)

    def run(i: int) -> None:
        start.wait()
        answers[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return answers


@pytest.mark.timeout(300)
def test_one_proposal_accepted_by_four_at_once_is_one_revision(app, client, accounts, served):
    people = [bearer(api_token(client, accounts.email("member", SLUG, index=i))) for i in range(DECIDERS)]
    url = f"/api/v1/clusters/{SLUG}/sections/{KEY}"
    base = client.get(url, headers=people[0]).get_json()
    created = client.post(
        url + "/proposals",
        json={"content": base["content"] + "\nJedno zdanie.\n", "base_revision": base["revision"]},
        headers=people[0],
    )
    pid = created.get_json()["id"]
    answers = _at_once(
        [lambda h=h: call("POST", f"{served}/api/v1/proposals/{pid}/accept", h, {}) for h in people]
    )
    statuses = sorted(status for status, _body in answers)
    assert statuses == [200, 409, 409, 409], answers
    assert all("not_open" in body for status, body in answers if status == 409)
    after = client.get(url, headers=people[0]).get_json()
    assert after["revision"] == base["revision"] + 1
    assert after["content"].count("Jedno zdanie.") == 1


@pytest.mark.timeout(300)
def test_four_proposals_accepted_at_once_all_land(app, client, accounts, served):
    people = [bearer(api_token(client, accounts.email("member", SLUG, index=i))) for i in range(DECIDERS)]
    url = f"/api/v1/clusters/{SLUG}/sections/{KEY}"
    # Lines apart, so that the proposals merge with each other.
    start_text = "\n\n".join(f"Akapit {i}." for i in range(DECIDERS)) + "\n"
    base = client.get(url, headers=people[0]).get_json()["revision"]
    client.put(url, json={"content": start_text, "base_revision": base}, headers=people[0])
    revision = client.get(url, headers=people[0]).get_json()["revision"]
    ids = []
    for i in range(DECIDERS):
        content = start_text.replace(f"Akapit {i}.", f"Akapit {i} poprawiony.")
        answer = client.post(
            url + "/proposals", json={"content": content, "base_revision": revision}, headers=people[i]
        )
        ids.append(answer.get_json()["id"])
    # Each proposal accepted by someone else than its author, all at once.
    answers = _at_once(
        [
            lambda pid=pid, h=people[(i + 1) % DECIDERS]: call(
                "POST", f"{served}/api/v1/proposals/{pid}/accept", h, {}
            )
            for i, pid in enumerate(ids)
        ]
    )
    assert [status for status, _body in answers] == [200] * DECIDERS, answers
    final = client.get(url, headers=people[0]).get_json()
    assert final["revision"] == revision + DECIDERS
    for i in range(DECIDERS):
        assert f"Akapit {i} poprawiony." in final["content"]
    with app.app_context():
        assert set(db.session.scalars(select(Proposal.status))) == {"accepted"}
