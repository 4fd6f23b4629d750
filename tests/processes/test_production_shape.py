"""docker-compose's topology on this machine: gunicorn + a Celery worker on PostgreSQL and
Redis (no Docker engine runs here, so the same commands run as plain processes)."""

from __future__ import annotations

import json
import urllib.request
import uuid
from pathlib import Path

from tests import services
from tests.conftest import DEMO_PASSWORD, build_database
from tests.processes.test_worker_health import ping


def http(method: str, url: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body else None)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_gunicorn_and_worker_on_postgresql_and_redis(tmp_path: Path, redis_server):
    name = f"studio_prod_{uuid.uuid4().hex[:8]}"
    with services.pg_database(name) as database:
        build_database(database)
        env = services.process_env(
            DATA_DIR=str(tmp_path),
            DATABASE_URL=database,
            REDIS_URL=redis_server.url,
            SECRET_KEY="production-shape-test",
        )
        web, base = services.start_gunicorn(env, tmp_path / "web.log")
        worker = services.start_worker(env, tmp_path / "worker.log", concurrency=2)
        try:
            status, body = http(
                "POST",
                f"{base}/api/v1/auth/token",
                {"email": "admin@example.org", "password": DEMO_PASSWORD},
            )
            assert status == 200
            status, body = http("GET", f"{base}/api/v1/clusters", token=body["token"])
            assert status == 200 and len(body["clusters"]) == 5
            assert ping(redis_server.url, redis_server.url) == {"ok": True}
        finally:
            services.stop_process(web)
            services.stop_process(worker)
