"""Real processes for the tests: Redis servers, Celery workers, gunicorn, databases."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, timeout: float = 30.0, interval: float = 0.1, what: str = "service"):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except Exception as exc:  # noqa: BLE001 - retried until the deadline
            last_error = exc
        time.sleep(interval)
    raise TimeoutError(f"{what} not ready after {timeout}s (last error: {last_error})")


class RedisServer:
    """A private redis-server on a free port, which a test may stop and start again."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
        self.binary = binary
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        wait_for(lambda: redis.Redis.from_url(self.url).ping(), what="redis")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def start_worker(env: dict, log: Path, concurrency: int = 1, extra: tuple[str, ...] = ()) -> subprocess.Popen:
    """A real Celery worker process, as `make run` and docker-compose start it."""
    return subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "worker.celery_app",
            "worker",
            "--loglevel=INFO",
            f"--concurrency={concurrency}",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            *extra,
        ],
        env=env,
        cwd=ROOT,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def start_gunicorn(
    env: dict, log: Path, workers: int = 2, extra: tuple[str, ...] = ()
) -> tuple[subprocess.Popen, str]:
    """The web app under gunicorn, as docker-compose starts it; returns it and its base
    URL once /healthz answers (or stops it and fails with the end of its log)."""
    import urllib.request

    port = free_port()
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            *extra,
            "webapp.wsgi:app",
        ],
        env=env,
        cwd=ROOT,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:  # noqa: S310
                return response.status == 200
        except OSError:
            return False

    try:
        wait_for(healthy, timeout=60, what="gunicorn")
    except TimeoutError:
        stop_process(process)
        raise AssertionError(f"gunicorn did not start:\n{log.read_text()[-3000:]}") from None
    return process, base


def stop_process(process: subprocess.Popen, sig: int | None = None) -> None:
    import signal

    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig or signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def process_env(**settings: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(settings)
    env["PYTHONPATH"] = str(ROOT)
    return env


# --- PostgreSQL: one golden database per run, cloned per test ------------------------


def admin_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        raise RuntimeError(
            "TEST_DATABASE_URL is not set: run the suite with `make test`, which starts "
            "PostgreSQL (scripts/test-services.sh)"
        )
    return url


def _connect(dbname: str | None = None) -> psycopg.Connection:
    url = make_url(admin_url())
    return psycopg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname=dbname or url.database,
        autocommit=True,
    )


def pg_url(dbname: str) -> str:
    url = make_url(admin_url()).set(drivername="postgresql+psycopg", database=dbname)
    return url.render_as_string(hide_password=False)


def create_database(name: str, template: str | None = None) -> str:
    with _connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        suffix = f' TEMPLATE "{template}"' if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{suffix}')
    return pg_url(name)


def drop_database(name: str) -> None:
    """Drop a test database; retried, since autovacuum may hold it for a moment."""
    for attempt in range(5):
        try:
            with _connect() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except psycopg.errors.InsufficientPrivilege:
            if attempt == 4:
                raise
            time.sleep(0.5)


@contextmanager
def pg_database(name: str, template: str | None = None) -> Iterator[str]:
    url = create_database(name, template)
    try:
        yield url
    finally:
        drop_database(name)
