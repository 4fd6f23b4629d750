"""Documents through real worker processes and a real Redis: ask, poll, download, faults."""

from __future__ import annotations

import hashlib
import io
import signal
import time
from pathlib import Path

import docx
import pytest

from tests import services
from tests.conftest import Golden, api_token, bearer, make_app

SLUG = "makros"


@pytest.fixture
def stack(golden: Golden, tmp_path: Path, redis_server):  # noqa: ANN201
    """The app in-process on a copy of the demo, sharing its database with worker processes."""
    url, _ = golden.clone("sqlite", tmp_path)
    settings = {
        "DOCUMENT_REQUEUE_AFTER": "1",
        "DOCUMENT_STALE_RENDERING": "300",
        "SWEEP_INTERVAL": "1",
    }
    app = make_app(
        url,
        REDIS_URL=redis_server.url,
        CELERY={
            "broker_url": redis_server.url,
            "result_backend": redis_server.url,
            "task_ignore_result": True,
        },
    )
    env = services.process_env(
        DATA_DIR=str(tmp_path), DATABASE_URL=url, REDIS_URL=redis_server.url, **settings
    )

    class Stack:
        workers: list = []

        def start_worker(self, *extra: str):  # noqa: ANN202
            worker = services.start_worker(env, tmp_path / "worker.log", extra=extra)
            self.workers.append(worker)
            return worker

    stack = Stack()
    stack.app, stack.client, stack.redis, stack.log = (
        app,
        app.test_client(),
        redis_server,
        tmp_path / "worker.log",
    )
    yield stack
    for worker in stack.workers:
        services.stop_process(worker)


def poll(
    client,
    headers,
    document_id: int,
    until: tuple[str, ...] = ("done", "failed"),
    timeout: float = 90,
) -> dict:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/api/v1/documents/{document_id}", headers=headers).get_json()
        if body["status"] in until:
            return body
        time.sleep(0.2)
    raise AssertionError(f"document {document_id} still {body} after {timeout}s")


def test_ask_poll_download_and_ask_again(stack):
    stack.start_worker()
    client = stack.client
    headers = bearer(api_token(client, "admin@example.org"))
    asked = client.post(f"/api/v1/clusters/{SLUG}/documents", headers=headers)
    assert asked.status_code == 202
    body = asked.get_json()
    assert body["status"] == "queued" and body["version"] == 1
    done = poll(client, headers, body["id"])
    assert done["status"] == "done" and done["progress"] == 100 and done["final"] is True
    response = client.get(f"/api/v1/documents/{body['id']}/file", headers=headers)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = response.data
    assert hashlib.sha256(data).hexdigest() == done["sha256"] and len(data) == done["size"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "MAKROS" in text
    again = client.post(f"/api/v1/clusters/{SLUG}/documents", headers=headers)
    assert again.status_code == 200 and again.get_json()["id"] == body["id"]
    second_download = client.get(f"/api/v1/documents/{body['id']}/file", headers=headers).data
    assert second_download == data


def test_worker_killed_while_rendering_the_version_completes_once(stack):
    client = stack.client
    headers = bearer(api_token(client, "admin@example.org"))
    body = client.post(f"/api/v1/clusters/{SLUG}/documents", headers=headers).get_json()
    worker = stack.start_worker()
    poll(client, headers, body["id"], until=("rendering", "done"), timeout=60)
    services.stop_process(worker, signal.SIGKILL)  # the whole worker, as a crashed machine
    stack.start_worker()
    done = poll(client, headers, body["id"], timeout=120)
    assert done["status"] == "done"
    with stack.app.app_context():
        from sqlalchemy import func, select

        from webapp.extensions import db
        from webapp.models import Document

        assert db.session.scalar(select(func.count(Document.id))) == 1


def test_redis_down_asking_is_queued_and_completes_when_it_returns(stack):
    client = stack.client
    headers = bearer(api_token(client, "admin@example.org"))
    stack.redis.stop()
    asked = client.post(f"/api/v1/clusters/{SLUG}/documents", headers=headers)
    assert asked.status_code == 202
    assert asked.get_json()["queued_for_later"] is True
    # the rest of the product keeps working without the broker
    assert client.get(f"/api/v1/clusters/{SLUG}", headers=headers).status_code == 200
    stack.redis.start()
    stack.start_worker("--beat", "--schedule", str(stack.log.parent / "beat-schedule"))
    done = poll(client, headers, asked.get_json()["id"], timeout=120)
    assert done["status"] == "done"
