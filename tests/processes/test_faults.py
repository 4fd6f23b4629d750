"""Faults with real processes: workers killed mid-render, PostgreSQL restarted under a
running app, a full disk and a read-only database on the embedded default (SQLite).

Each test says what it breaks, how, and what must hold afterwards.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from tests import services
from tests.conftest import DEMO_PASSWORD, Golden, api_token, bearer, build_database, make_app
from webapp.extensions import db, sqlite_write_intent

pytestmark = pytest.mark.slow

SLUG = "makros"
ADMIN = "admin@example.org"


# --- helpers ---------------------------------------------------------------------------


@contextmanager
def writing():
    """Direct writes from the test process take SQLite's write lock up front, as the app's
    writing requests do (a read turned write would fail at once if a worker wrote between)."""
    token = sqlite_write_intent.set(True)
    try:
        yield
    finally:
        sqlite_write_intent.reset(token)


def pause(seconds: float = 0.02) -> None:
    time.sleep(seconds)


def children(pid: int) -> list[int]:
    """Child processes of `pid` (the prefork pool of a Celery worker)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def http(
    method: str,
    url: str,
    body: object | None = None,
    token: str | None = None,
    timeout: float = 60,
    language: str = "en",
) -> tuple[int, dict | str, float]:
    """(status, JSON body or text, seconds taken) of one request over a real socket."""
    request = urllib.request.Request(
        url, method=method, data=json.dumps(body).encode() if body is not None else None
    )
    request.add_header("Content-Type", "application/json")
    request.add_header("Accept-Language", language)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw, kind = response.status, response.read(), response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        status, raw, kind = error.code, error.read(), error.headers.get_content_type()
    taken = time.monotonic() - started
    content = json.loads(raw or b"null") if kind == "application/json" else raw.decode()
    return status, content, taken


def member_and_section(app, slug: str = "krea") -> tuple[str, str]:  # noqa: ANN001
    """A member's e-mail and a text section they may edit now (a drafting stage)."""
    from webapp.demo.load import demo_accounts
    from webapp.models import Cluster, Section, Stage

    with app.app_context():
        email = next(a["email"] for a in demo_accounts() if a["role"] == "member" and a["cluster"] == slug)
        key = db.session.scalar(
            select(Section.key)
            .join(Stage, Stage.id == Section.stage_id)
            .join(Cluster, Cluster.id == Section.cluster_id)
            .where(Cluster.slug == slug, Stage.state == "drafting", Section.kind == "text")
            .order_by(Section.position)
        )
        db.session.remove()
    assert key, f"no drafting text section in {slug}"
    return email, key


HALF_WRITTEN_SAVES = """
    SELECT s.id, s.revision, (SELECT max(r.number) FROM section_revisions r WHERE r.section_id = s.id)
    FROM sections s
    WHERE s.revision <> COALESCE(
        (SELECT max(r.number) FROM section_revisions r WHERE r.section_id = s.id), 0)
"""


# --- a. workers killed while rendering ---------------------------------------------------

ROUNDS = 10
#: Seconds before Redis gives a dead worker's task to another (production: 30).
VISIBILITY_TIMEOUT = 5
#: Slack, in seconds, for a killed task to be rendering again (beyond the timeout).
COMES_BACK_WITHIN = 12


def make_strategy_big(app) -> None:  # noqa: ANN001
    """Long text in every text section and a 300-row action plan, so that a render takes
    a second or two (written in the database directly, not by sleeping in the worker)."""
    from webapp.models import Cluster, Section, User
    from webapp.sections.operations import save_section

    paragraph = (
        "Klaster rozwija **współpracę** przedsiębiorstw, uczelni i samorządu; "
        "wspólne laboratoria, szkolenia i wejście na nowe rynki. "
    ) * 12
    with app.app_context(), writing():
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == SLUG))
        admin = db.session.scalar(select(User).where(User.email == ADMIN))
        for section in db.session.scalars(select(Section).where(Section.cluster_id == cluster.id)):
            if section.kind == "text":
                body = "\n\n".join(f"## {section.key} {i}\n\n{paragraph}" for i in range(65))
                save_section(section, body[:95_000], section.revision, admin)
            elif section.kind == "action_plan":  # a long table and a tall Gantt chart
                rows = section.content
                plan = [
                    {**rows[i % len(rows)], "id": f"a{i + 1}", "action": f"Działanie {i + 1}"}
                    for i in range(300)
                ]
                save_section(section, plan, section.revision, admin)
        db.session.commit()
        db.session.remove()


def change_summary(app, round_number: int) -> None:  # noqa: ANN001
    """A new revision of one section, so that the next ask makes a new version."""
    from webapp.models import Cluster, Section, User
    from webapp.sections.operations import save_section

    with app.app_context(), writing():
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == SLUG))
        section = db.session.scalar(
            select(Section).where(Section.cluster_id == cluster.id, Section.key == "summary")
        )
        admin = db.session.scalar(select(User).where(User.email == ADMIN))
        content = f"Runda {round_number}.\n\n" + section.content.split("\n\n", 1)[-1]
        save_section(section, content, section.revision, admin)
        db.session.commit()
        db.session.remove()


def document_state(app, document_id: int) -> tuple[str, int]:  # noqa: ANN001
    from webapp.models import Document

    with app.app_context():
        row = db.session.execute(
            select(Document.status, Document.attempts).where(Document.id == document_id)
        ).one()
        db.session.remove()
    return row.status, row.attempts


def wait_document(app, document_id: int, check, timeout: float, what: str) -> float:  # noqa: ANN001
    """Poll the database until check(status, attempts); the seconds it took."""
    started = time.monotonic()
    deadline = started + timeout
    state = None
    while time.monotonic() < deadline:
        state = document_state(app, document_id)
        if check(*state):
            return time.monotonic() - started
        pause()
    raise AssertionError(f"document {document_id}: {what} not seen in {timeout}s (last {state})")


@pytest.mark.redis
def test_worker_killed_while_rendering_ten_times_every_version_done_once(
    golden: Golden, tmp_path: Path, redis_server, artifacts: Path
):
    """Ten versions; each one's worker is SIGKILLed while it renders that version: the
    whole worker (process group: a crashed machine) in even rounds, only the pool child
    (the OOM killer's choice) in odd ones. Every version is done exactly once."""
    url, _ = golden.clone("sqlite", tmp_path)
    app = make_app(
        url,
        REDIS_URL=redis_server.url,
        CELERY={
            "broker_url": redis_server.url,
            "result_backend": redis_server.url,
            "task_ignore_result": True,
        },
    )
    # No beat runs: a killed worker's task must come back through the broker alone.
    env = services.process_env(
        DATA_DIR=str(tmp_path),
        DATABASE_URL=url,
        REDIS_URL=redis_server.url,
        BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
    )
    log = tmp_path / "worker.log"
    make_strategy_big(app)
    client = app.test_client()
    headers = bearer(api_token(client, ADMIN))
    workers = [services.start_worker(env, log)]
    figures: list[dict] = []
    document_ids: list[int] = []
    try:
        for round_number in range(ROUNDS):
            change_summary(app, round_number)
            asked = client.post(f"/api/v1/clusters/{SLUG}/documents", headers=headers)
            assert asked.status_code == 202, asked.get_json()
            body = asked.get_json()
            assert body["version"] == round_number + 1 and body["queued_for_later"] is False
            document_id = body["id"]
            document_ids.append(document_id)
            wait_document(app, document_id, lambda s, a: s == "rendering" and a == 1, 90, "rendering")
            worker = workers[-1]
            whole = round_number % 2 == 0
            if whole:
                services.stop_process(worker, signal.SIGKILL)
                assert worker.poll() is not None
                killed_at = time.monotonic()
            else:
                (child,) = children(worker.pid)
                os.kill(child, signal.SIGKILL)
                killed_at = time.monotonic()
                services.wait_for(lambda c=child: not alive(c), timeout=10, what="child's death")
            # the kill landed while the version was being rendered, not after it was done
            # (a pool child's parent may already have handed the task to a new child)
            state = document_state(app, document_id)
            assert (state == ("rendering", 1)) if whole else (state[0] != "done"), state
            if whole:
                workers.append(services.start_worker(env, log))
            # Back within the visibility timeout (plus a new worker's start and a restore
            # interval) for a dead worker; at once for a dead pool child (its parent
            # rejects the task back to the queue).
            limit = COMES_BACK_WITHIN + (VISIBILITY_TIMEOUT if whole else 0)
            wait_document(app, document_id, lambda s, a: a >= 2, limit, "the task coming back")
            back_at = time.monotonic()
            wait_document(app, document_id, lambda s, a: s == "done", 60, "done")
            figures.append(
                {
                    "version": round_number + 1,
                    "killed": "worker process group" if whole else "pool child",
                    "rendering_again_after_s": round(back_at - killed_at, 2),
                    "done_after_s": round(time.monotonic() - killed_at, 2),
                }
            )
    finally:
        for worker in workers:
            services.stop_process(worker)
        (artifacts / "faults-worker-kill.json").write_text(json.dumps(figures, indent=1))

    from webapp.models import Document, Notification

    with app.app_context():
        rows = db.session.scalars(select(Document).order_by(Document.version)).all()
        assert [d.version for d in rows] == list(range(1, ROUNDS + 1))  # one row per version
        assert [d.id for d in rows] == document_ids
        for document in rows:
            assert document.status == "done", (document.version, document.status, document.error)
            assert document.attempts >= 2  # killed once, rendered once more
            assert document.data and document.size == len(document.data)
            assert hashlib.sha256(document.data).hexdigest() == document.sha256
            assert zipfile.ZipFile(io.BytesIO(document.data)).testzip() is None
        # finished once each: the person who asked was told once per version
        told = db.session.scalars(
            select(Notification.params).where(Notification.kind == "document_ready")
        ).all()
        assert sorted(p["version"] for p in told) == list(range(1, ROUNDS + 1))
        db.session.remove()
    print("\nworker kills:", json.dumps(figures, indent=1))  # noqa: T201


# --- b. PostgreSQL restarted under the running app ---------------------------------------


def local_postgresql_cluster(url: str) -> tuple[str, str] | None:
    """(version, name) of the Debian cluster serving `url`, if this machine runs it and
    we may restart it (root); None otherwise."""
    if os.geteuid() != 0 or not shutil.which("pg_ctlcluster") or not shutil.which("pg_lsclusters"):
        return None
    parsed = make_url(url)
    if parsed.host not in (None, "127.0.0.1", "localhost", "::1"):
        return None
    listing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=False)
    for line in listing.stdout.splitlines():
        version, name, port, *_ = line.split()
        if int(port) == (parsed.port or 5432):
            return version, name
    return None


def pg_connect(url: str, autocommit: bool = True) -> psycopg.Connection:
    parsed = make_url(url)
    return psycopg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname=parsed.database,
        autocommit=autocommit,
        connect_timeout=5,
    )


@pytest.mark.postgres
def test_postgresql_restart_under_running_app(tmp_path: Path):
    """gunicorn on PostgreSQL; a section save is held inside its transaction (after its
    UPDATE of the section, waiting to INSERT the revision) while PostgreSQL restarts.
    It answers a 503 at once, leaves no half-written save, and the next requests work."""
    cluster = local_postgresql_cluster(services.admin_url())
    if cluster is None:
        pytest.fail("needs root and the local Debian PostgreSQL cluster: run `make test` as root, as .ci/run")
    name = f"studio_restart_{uuid.uuid4().hex[:8]}"
    with services.pg_database(name) as url:
        build_database(url)
        app = make_app(url)
        email, key = member_and_section(app)
        with app.app_context():
            db.engine.dispose()
        env = services.process_env(DATA_DIR=str(tmp_path), DATABASE_URL=url)
        web, base = services.start_gunicorn(env, tmp_path / "web.log")
        restarted = False
        try:
            status, body, _ = http(
                "POST", f"{base}/api/v1/auth/token", {"email": email, "password": DEMO_PASSWORD}
            )
            assert status == 200, body
            token = body["token"]
            section_url = f"{base}/api/v1/clusters/krea/sections/{key}"
            for _ in range(6):  # connections in both gunicorn workers' pools
                assert http("GET", section_url, token=token)[0] == 200
            status, section, _ = http("GET", section_url, token=token)
            before = section["revision"]
            saved = {"content": section["content"] + "\n\nPrzed restartem.", "base_revision": before}
            status, body, _ = http("PUT", section_url, saved, token=token)
            assert status == 200 and body["revision"] == before + 1, body

            # Hold the next save half-way: another transaction has inserted (not committed)
            # the revision row it will insert, so its INSERT waits after its UPDATE.
            with pg_connect(url) as probe:
                section_id = probe.execute(
                    "SELECT s.id FROM sections s JOIN clusters c ON c.id = s.cluster_id "
                    "WHERE c.slug = 'krea' AND s.key = %s",
                    (key,),
                ).fetchone()[0]
            blocker = pg_connect(url, autocommit=False)
            blocker.execute(
                "INSERT INTO section_revisions (section_id, number, content, base_number, "
                "merged, change_size, created_at) VALUES (%s, %s, '\"x\"', 0, false, 0, now())",
                (section_id, before + 2),
            )
            answer: dict = {}
            in_flight = threading.Thread(
                target=lambda: answer.update(
                    zip(
                        ("status", "body", "taken"),
                        http(
                            "PUT",
                            section_url,
                            {"content": "W trakcie restartu.", "base_revision": before + 1},
                            token=token,
                        ),
                        strict=True,
                    )
                )
            )
            in_flight.start()

            def save_waiting() -> bool:
                with pg_connect(url) as probe:
                    return bool(
                        probe.execute(
                            "SELECT 1 FROM pg_stat_activity WHERE datname = %s AND "
                            "wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO section_revisions%%'",
                            (name,),
                        ).fetchone()
                    )

            services.wait_for(save_waiting, timeout=30, what="the save waiting on its INSERT")
            started = time.monotonic()
            subprocess.run(["pg_ctlcluster", *cluster, "restart"], check=True, timeout=120)
            restarted = True
            restart_took = time.monotonic() - started
            in_flight.join(60)
            assert not in_flight.is_alive(), "the request in flight hangs"
            blocker.close()

            # the request in flight failed cleanly: a 503 in the error shape, in English
            assert answer["status"] == 503, answer
            assert answer["body"]["error"]["code"] == "unavailable", answer
            assert "temporarily unavailable" in answer["body"]["error"]["message"]
            # ...and wrote nothing: not the section's new revision number without its row
            services.wait_for(lambda: pg_connect(url).close() or True, what="PostgreSQL")
            with pg_connect(url) as check:
                revision = check.execute(
                    "SELECT revision FROM sections WHERE id = %s", (section_id,)
                ).fetchone()[0]
                numbers = [
                    n
                    for (n,) in check.execute(
                        "SELECT number FROM section_revisions WHERE section_id = %s ORDER BY number",
                        (section_id,),
                    )
                ]
                assert revision == before + 1 and numbers[-1] == before + 1, (revision, numbers)
                assert check.execute(HALF_WRITTEN_SAVES).fetchall() == []

            # the next requests succeed, on every pooled connection of both workers
            for _ in range(12):
                status, body, _ = http("GET", section_url, token=token)
                assert status == 200, body
            assert body["revision"] == before + 1
            status, body, _ = http(
                "PUT", section_url, {"content": "Po restarcie.", "base_revision": before + 1}, token=token
            )
            assert status == 200 and body["revision"] == before + 2, body
            with pg_connect(url) as check:
                assert check.execute(HALF_WRITTEN_SAVES).fetchall() == []
            print(  # noqa: T201
                f"\nPostgreSQL restart took {restart_took:.1f}s; the request in flight "
                f"answered {answer['status']} after {answer['taken']:.1f}s"
            )
        finally:
            services.stop_process(web)
            if not restarted:  # whatever failed, leave PostgreSQL running for the others
                subprocess.run(["pg_ctlcluster", *cluster, "start"], check=False, timeout=120)
            services.wait_for(
                lambda: pg_connect(services.admin_url()).close() or True,
                timeout=60,
                what="PostgreSQL accepting connections",
            )


# --- c. a full disk, a read-only database (SQLite, the embedded default) ------------------

CANNOT_SAVE = {
    "en": "The server cannot save right now",
    "pl": "Serwer nie może teraz niczego zapisać",
}


def sqlite_check(path: Path) -> dict:
    """Integrity and half-written saves, through a connection of its own."""
    import sqlite3

    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {
            "integrity": connection.execute("PRAGMA integrity_check").fetchall(),
            "half_written": connection.execute(HALF_WRITTEN_SAVES).fetchall(),
            "documents": connection.execute("SELECT count(*) FROM documents").fetchone()[0],
        }
    finally:
        connection.close()


def assert_cannot_save(status: int, body: object, taken: float, language: str) -> None:
    assert status == 503, (status, body)
    assert isinstance(body, dict), body  # the API's error shape, not a stack trace
    assert body["error"]["code"] == "cannot_save", body
    assert body["error"]["message"].startswith(CANNOT_SAVE[language]), body
    assert taken < 30, f"answered after {taken:.1f}s"


class Browser:
    """Pages over a real socket with a session cookie, kept up to date like a browser's."""

    def __init__(self, base: str, cookies: dict[str, str], language: str = "pl") -> None:
        self.base, self.cookies, self.language = base, dict(cookies), language
        self.opener = urllib.request.build_opener(NoRedirect)

    def open(self, method: str, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, method=method, data=body)
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        request.add_header("Accept-Language", self.language)
        if body is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, value = header.split(";", 1)[0].partition("=")
                self.cookies[name.strip()] = value
            return response.status, response.read().decode()


def signed_in_cookies(app, email: str) -> dict[str, str]:  # noqa: ANN001
    """A signed-in browser's cookies, made in-process (the servers share SECRET_KEY)."""
    from tests.conftest import sign_in

    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return {"session": client.get_cookie("session").value}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None


@contextmanager
def tmpfs(path: Path, size: str):
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.fail(f"cannot mount a tmpfs here ({mounted.stderr.strip()}): needs root, as .ci/run has")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(path: Path) -> Path:
    """Fill the file system holding `path` until it has no byte left."""
    filler = path / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        for chunk in (1 << 20, 1 << 12, 1):
            try:
                while os.write(fd, b"\0" * chunk):
                    pass
            except OSError:
                pass
    finally:
        os.close(fd)
    assert shutil.disk_usage(path).free < 4096
    return filler


def test_disk_full_writes_answer_503_reads_work_nothing_half_written(golden: Golden, tmp_path: Path):
    """The data directory on a real, tiny file system (tmpfs) that is then filled: SQLite
    gets ENOSPC (SQLITE_FULL) as on a full disk."""
    if os.geteuid() != 0:
        pytest.fail("mounting a tmpfs needs root: run `make test` as root, as .ci/run does")
    with tmpfs(tmp_path / "data", "16m") as data:
        database = data / "studio.sqlite3"
        shutil.copyfile(golden.source("sqlite"), database)
        url = f"sqlite:///{database}"
        app = make_app(url)
        email, key = member_and_section(app)
        with app.app_context():
            db.engine.dispose()
        env = services.process_env(DATA_DIR=str(data), DATABASE_URL=url)
        web, base = services.start_gunicorn(env, tmp_path / "web.log")
        try:
            status, body, _ = http(
                "POST", f"{base}/api/v1/auth/token", {"email": email, "password": DEMO_PASSWORD}
            )
            assert status == 200, body
            token = body["token"]
            section_url = f"{base}/api/v1/clusters/krea/sections/{key}"
            status, section, _ = http("GET", section_url, token=token)
            before = section["revision"]
            # far more than SQLite's log has room for: the save must take new disk space
            big = "\n\n".join(f"Akapit {i}: " + "treść strategii " * 40 for i in range(140))
            filler = fill(data)

            for language in ("en", "pl"):
                status, body, taken = http(
                    "PUT",
                    section_url,
                    {"content": big, "base_revision": before},
                    token=token,
                    language=language,
                )
                assert_cannot_save(status, body, taken, language)
            # reads keep working, and the database is whole with nothing half-written
            status, body, _ = http("GET", section_url, token=token)
            assert status == 200 and body["revision"] == before, body
            assert body["content"] == section["content"]
            state = sqlite_check(database)
            assert state["integrity"] == [("ok",)] and state["half_written"] == [], state

            # space again: the same save goes through
            filler.unlink()
            status, body, _ = http("PUT", section_url, {"content": big, "base_revision": before}, token=token)
            assert status == 200 and body["revision"] == before + 1, body
            state = sqlite_check(database)
            assert state["integrity"] == [("ok",)] and state["half_written"] == [], state
            assert "Traceback" not in (tmp_path / "web.log").read_text()
        finally:
            services.stop_process(web)


def test_read_only_database_writes_answer_503_reads_work(golden: Golden, tmp_path: Path):
    """The database opened read-only (SQLite's mode=ro), as a read-only file or mount
    would be: every write gets SQLITE_READONLY. (Permission bits cannot show this here:
    the suite runs as root, which ignores them.)"""
    database = tmp_path / "studio.sqlite3"
    shutil.copyfile(golden.source("sqlite"), database)
    url = f"sqlite:///{database}"
    app = make_app(url)
    email, key = member_and_section(app)
    token = api_token(app.test_client(), email)
    cookies = signed_in_cookies(app, email)
    with app.app_context():
        # used a while ago: reading will want to note the time of use (a write)
        db.session.execute(text("UPDATE api_tokens SET last_used_at = datetime('now', '-2 hours')"))
        db.session.execute(text("UPDATE login_sessions SET last_seen_at = datetime('now', '-10 minutes')"))
        db.session.commit()
        db.engine.dispose()
    before_state = sqlite_check(database)

    read_only = f"sqlite:///file:{database}?mode=ro&uri=true"
    env = services.process_env(DATA_DIR=str(tmp_path), DATABASE_URL=read_only)
    web, base = services.start_gunicorn(env, tmp_path / "web.log")
    try:
        section_url = f"{base}/api/v1/clusters/krea/sections/{key}"
        # reads work (the time of use is not noted, and that is no error)
        status, section, _ = http("GET", section_url, token=token)
        assert status == 200, section
        browser = Browser(base, cookies)
        status, html = browser.open("GET", "/c/krea/documents/")
        assert status == 200, html[:500]
        # writes through the API: 503 in the person's language
        for language in ("en", "pl"):
            status, body, taken = http(
                "PUT",
                section_url,
                {"content": "Nowa treść.", "base_revision": section["revision"]},
                token=token,
                language=language,
            )
            assert_cannot_save(status, body, taken, language)
        # a page's form: the error page says the same, in Polish by default
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)[1]
        status, html = browser.open("POST", "/c/krea/documents/", {"csrf_token": csrf})
        assert status == 503, html[:500]
        assert CANNOT_SAVE["pl"] in html and "Traceback" not in html
        # nothing changed
        status, body, _ = http("GET", section_url, token=token)
        assert status == 200 and body == section
    finally:
        services.stop_process(web)
    after_state = sqlite_check(database)
    assert after_state == before_state
    assert after_state["integrity"] == [("ok",)] and after_state["half_written"] == []
    assert "Traceback" not in (tmp_path / "web.log").read_text()
