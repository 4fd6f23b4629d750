"""Eight editors saving one section at once, through the HTTP API of a real threaded server.

Each editor owns one line of a text section (lines apart, so edits merge) and saves it 25
times, re-reading and retrying on a conflict. Nothing accepted may be lost: every accepted
save is a revision in the history holding the editor's line, the final text holds each
editor's last accepted line, and no answer is a 5xx or mentions a locked database.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.conftest import api_token, bearer, make_app
from webapp.extensions import db
from webapp.models import Cluster, Section, SectionRevision

EDITORS = 8
SAVES = 25
SLUG, KEY = "krea", "profile"
MAX_TRIES = 60  # retries of one save before the test gives up on it


@dataclass
class Editor:
    index: int
    headers: dict
    accepted: list[tuple[int, str]] = field(default_factory=list)  # (revision, line)
    statuses: list[int] = field(default_factory=list)
    bodies_with_lock: list[str] = field(default_factory=list)
    retries: int = 0
    merged: int = 0
    gave_up: int = 0


def line_of(index: int, n: int) -> str:
    return f"Redaktor {index}: wersja {n}"


def call(method: str, url: str, headers: dict, body: object = None) -> tuple[int, str]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {**headers, "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:  # loopback http:// only: the URL is built by this test
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def run_editor(editor: Editor, base_url: str, start: threading.Barrier) -> None:
    url = f"{base_url}/api/v1/clusters/{SLUG}/sections/{KEY}"
    start.wait()
    for n in range(1, SAVES + 1):
        for _attempt in range(MAX_TRIES):
            status, body = call("GET", url, editor.headers)
            editor.statuses.append(status)
            if status != 200:
                continue
            current = json.loads(body)
            lines = current["content"].split("\n")
            mine = line_of(editor.index, n)
            lines = [mine if line.startswith(f"Redaktor {editor.index}:") else line for line in lines]
            status, answer = call(
                "PUT",
                url,
                editor.headers,
                {"content": "\n".join(lines), "base_revision": current["revision"]},
            )
            editor.statuses.append(status)
            if "database is locked" in answer:
                editor.bodies_with_lock.append(answer)
            if status == 200:
                editor.accepted.append((json.loads(answer)["revision"], mine))
                editor.merged += json.loads(answer)["merged"]
                break
            editor.retries += 1
            if status != 409:
                time.sleep(0.05)
        else:
            editor.gave_up += 1


@pytest.mark.timeout(600)
def test_eight_editors_lose_nothing(app, database_url, accounts):
    client = app.test_client()
    # Lines owned by editors are kept apart by unchanged lines, so their edits merge.
    start_text = "\n\n".join(line_of(i, 0) for i in range(EDITORS)) + "\n"
    emails = [accounts.email("member", SLUG, index=i) for i in range(EDITORS)]
    tokens = [bearer(api_token(client, email)) for email in emails]
    url = f"/api/v1/clusters/{SLUG}/sections/{KEY}"
    initial = client.get(url, headers=tokens[0]).get_json()["revision"]
    assert (
        client.put(url, json={"content": start_text, "base_revision": initial}, headers=tokens[0]).status_code
        == 200
    )

    # A real server, as in production: threaded, its own app (not testing mode).
    served = make_app(database_url, TESTING=False)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_port}"
    editors = [Editor(i, tokens[i]) for i in range(EDITORS)]
    start = threading.Barrier(EDITORS)
    workers = [threading.Thread(target=run_editor, args=(e, base_url, start)) for e in editors]
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(540)
    finally:
        server.shutdown()
        thread.join(10)
        with served.app_context():
            db.engine.dispose()

    statuses = [s for e in editors for s in e.statuses]
    assert not [s for s in statuses if s >= 500], "a 5xx answer"
    assert not [b for e in editors for b in e.bodies_with_lock], "database is locked"
    assert set(statuses) <= {200, 409}, sorted(set(statuses))
    assert all(len(e.accepted) == SAVES and e.gave_up == 0 for e in editors), [
        (len(e.accepted), e.gave_up) for e in editors
    ]
    assert sum(e.merged for e in editors) > 0, "the saves never overlapped in time: nothing was tested"

    with app.app_context():
        section = db.session.scalars(
            select(Section)
            .join(Cluster, Cluster.id == Section.cluster_id)
            .where(Cluster.slug == SLUG, Section.key == KEY)
        ).one()
        history = dict(
            db.session.execute(
                select(SectionRevision.number, SectionRevision.content).where(
                    SectionRevision.section_id == section.id
                )
            ).all()
        )
        final = section.content
        final_revision = section.revision
    accepted = [(revision, line) for e in editors for revision, line in e.accepted]
    # Every accepted save is its own revision in the history, holding the editor's line.
    assert len({revision for revision, _ in accepted}) == len(accepted) == EDITORS * SAVES
    for revision, line in accepted:
        assert revision in history, revision
        assert line in history[revision].split("\n"), (revision, line)
    # Nothing accepted is missing from the final text: each editor's last line is there.
    for e in editors:
        assert e.accepted[-1][1] in final.split("\n")
    assert final_revision == max(history) == initial + 1 + EDITORS * SAVES
    assert sorted(history) == list(range(1, final_revision + 1))
