"""The health task through a real worker process, on the embedded broker and on Redis."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from celery import Celery

from tests import services
from tests.conftest import build_database


def ping(broker: str, backend: str, timeout: float = 60) -> dict:
    client = Celery("studio-test", broker=broker, backend=backend, set_as_current=False)
    try:
        return client.send_task("studio.health").get(timeout=timeout)
    finally:
        client.close()


def test_health_task_on_embedded_sqlite_broker(tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir()
    database = f"sqlite:///{data / 'studio.sqlite3'}"
    build_database(database, demo=False)
    env = services.process_env(DATA_DIR=str(data), DATABASE_URL=database)
    worker = services.start_worker(env, tmp_path / "worker.log")
    try:
        result = ping(f"sqla+sqlite:///{data / 'broker.sqlite3'}", f"db+sqlite:///{data / 'results.sqlite3'}")
        assert result == {"ok": True}
    finally:
        services.stop_process(worker)
    assert "studio.health" in (tmp_path / "worker.log").read_text()


def test_worker_looks_for_tasks_on_the_embedded_broker_as_configured(tmp_path: Path):
    """kombu would hand `polling_interval` to create_engine (and fail); the worker's own
    transport class carries it, on the same broker tables the web app writes to."""
    env = services.process_env(DATA_DIR=str(tmp_path), BROKER_POLLING_INTERVAL="0.25")
    probe = (
        "from worker.celery_app import celery_app as c\n"
        "with c.connection_for_read() as conn:\n"
        "    print(conn.transport.polling_interval, conn.transport_cls, conn.hostname)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=services.ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["0.25", "worker.sqlite_broker:Transport", f"sqlite:///{tmp_path / 'broker.sqlite3'}"]


def test_health_task_on_redis(tmp_path: Path, redis_server):
    data = tmp_path / "data"
    data.mkdir()
    database = f"sqlite:///{data / 'studio.sqlite3'}"
    build_database(database, demo=False)
    env = services.process_env(DATA_DIR=str(data), DATABASE_URL=database, REDIS_URL=redis_server.url)
    worker = services.start_worker(env, tmp_path / "worker.log")
    try:
        assert ping(redis_server.url, redis_server.url) == {"ok": True}
    finally:
        services.stop_process(worker)
