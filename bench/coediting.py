"""Benchmark: co-editing one section through the API, next to a trivial endpoint.

Run: ``.venv/bin/python bench/coediting.py`` (from the project root; ``--help`` for the
options). It builds a fresh copy of the demo database (SQLite, and PostgreSQL as well when
TEST_DATABASE_URL names a role with CREATEDB), serves it with gunicorn (gthread workers,
as docker-compose runs the web process; ``--server werkzeug`` for werkzeug's threaded
server instead) on 127.0.0.1 only, and prints for 1, 8 and 32 concurrent editors:

- saves per second and the p50/p95 latency of ``PUT /api/v1/clusters/krea/sections/profile``
  (each editor owns one line of the text and re-reads after each save, so most saves are
  merged with the others'; a 409 is retried after re-reading),
- the same load against ``GET /healthz`` (one ``SELECT 1``) in the same run, as the floor,
- and the SQL statements one section page costs with 5 and with 50 sections in its stage.

Every level runs for ``--seconds`` (5 by default): the whole run is bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "bench-password"  # noqa: S105  (the throwaway demo copy's accounts)
SLUG, KEY = "krea", "profile"
LEVELS = (1, 8, 32)

_WORKDIR = Path(tempfile.mkdtemp(prefix="studio-bench-"))
os.environ["DATA_DIR"] = str(_WORKDIR)
os.environ["DEMO_PASSWORD"] = PASSWORD
os.environ.setdefault("SECRET_KEY", "bench-secret-key")
os.environ.pop("DATABASE_URL", None)
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.config import engine_options  # noqa: E402
from webapp.extensions import db  # noqa: E402


def make_app(url: str):  # noqa: ANN201
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url)})


def build_demo(url: str) -> None:
    """Migrate and load the demo, as `make run` does."""
    from webapp.demo.load import load_demo

    app = make_app(url)
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
        db.engine.dispose()


@contextmanager
def databases(only_sqlite: bool) -> Iterator[list[tuple[str, str]]]:
    """(name, URL) of each database to measure, dropped afterwards."""
    found = [("sqlite", f"sqlite:///{_WORKDIR / 'bench.sqlite3'}")]
    pg_name = None
    if os.environ.get("TEST_DATABASE_URL") and not only_sqlite:
        from tests import services

        pg_name = f"studio_bench_{os.getpid()}"
        found.append(("postgresql", services.create_database(pg_name)))
    try:
        for _name, url in found:
            build_demo(url)
        yield found
    finally:
        if pg_name:
            from tests import services

            services.drop_database(pg_name)


# --- the server ------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited at start; see bench/out/server.log")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError("the server did not answer /healthz")


@contextmanager
def serve(url: str, kind: str, workers: int, threads: int) -> Iterator[int]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    if kind == "gunicorn":
        command = [
            str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--threads", str(threads), "--worker-class", "gthread", "--timeout", "60",
            "--log-level", "warning", "webapp.wsgi:app",
        ]  # fmt: skip
    else:
        script = (
            "import sys; from werkzeug.serving import run_simple; from webapp.wsgi import app; "
            "run_simple('127.0.0.1', int(sys.argv[1]), app, threaded=True)"
        )
        command = [sys.executable, "-c", script, str(port)]
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    with (out / "server.log").open("ab") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_ready(port, process)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


# --- clients ---------------------------------------------------------------------------------


class Client:
    """One keep-alive connection per thread, reopened after an error."""

    def __init__(self, port: int, headers: dict | None = None) -> None:
        self.port = port
        self.headers = headers or {}
        self.conn: http.client.HTTPConnection | None = None

    def call(self, method: str, path: str, body: object = None) -> tuple[int, bytes]:
        payload = json.dumps(body).encode() if body is not None else None
        headers = {**self.headers, "Content-Type": "application/json"}
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request(method, path, body=payload, headers=headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    ok: int = 0
    merged: int = 0
    conflicts: int = 0
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def run_level(count: int, seconds: float, work: Callable[[int, float, Tally], None]) -> tuple[Tally, float]:
    tally = Tally()
    start = time.perf_counter()
    deadline = start + seconds
    threads = [threading.Thread(target=work, args=(i, deadline, tally)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    return tally, time.perf_counter() - start


def tokens_for(port: int, count: int) -> list[dict]:
    """API tokens of KREA's members and moderator, several per person for 32 editors."""
    app = make_app(os.environ["BENCH_URL"])
    from webapp.demo.load import demo_accounts

    with app.app_context():
        emails = [
            a["email"]
            for a in demo_accounts()
            if a["cluster"] == SLUG and a["role"] in ("member", "moderator")
        ]
        db.engine.dispose()
    client = Client(port)
    found = []
    for i in range(count):
        status, body = client.call(
            "POST", "/api/v1/auth/token", {"email": emails[i % len(emails)], "password": PASSWORD}
        )
        assert status == 200, body
        found.append({"Authorization": "Bearer " + json.loads(body)["token"]})
    return found


def editors_work(port: int, tokens: list[dict]) -> Callable[[int, float, Tally], None]:
    path = f"/api/v1/clusters/{SLUG}/sections/{KEY}"

    def work(index: int, deadline: float, tally: Tally) -> None:
        client = Client(port, tokens[index])
        prefix = f"Redaktor {index:02d}:"
        n = 0
        while time.perf_counter() < deadline:
            status, body = client.call("GET", path)
            if status != 200:
                with tally.lock:
                    tally.errors += 1
                continue
            current = json.loads(body)
            n += 1
            lines = [
                f"{prefix} wersja {n}" if line.startswith(prefix) else line
                for line in current["content"].split("\n")
            ]
            began = time.perf_counter()
            status, answer = client.call(
                "PUT", path, {"content": "\n".join(lines), "base_revision": current["revision"]}
            )
            took = time.perf_counter() - began
            with tally.lock:
                tally.latencies.append(took)
                if status == 200:
                    tally.ok += 1
                    tally.merged += bool(json.loads(answer)["merged"])
                elif status == 409:
                    tally.conflicts += 1  # re-read and retry on the next turn
                else:
                    tally.errors += 1

    return work


def healthz_work(port: int) -> Callable[[int, float, Tally], None]:
    def work(_index: int, deadline: float, tally: Tally) -> None:
        client = Client(port)
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            status, _body = client.call("GET", "/healthz")
            took = time.perf_counter() - began
            with tally.lock:
                tally.latencies.append(took)
                if status == 200:
                    tally.ok += 1
                else:
                    tally.errors += 1

    return work


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def prepare_section(port: int, token: dict, editors: int) -> None:
    """One line per editor, each between unchanged lines, so that their edits merge."""
    client = Client(port, token)
    path = f"/api/v1/clusters/{SLUG}/sections/{KEY}"
    _status, body = client.call("GET", path)
    text = "\n\n".join(f"Redaktor {i:02d}: wersja 0" for i in range(editors)) + "\n"
    status, answer = client.call(
        "PUT", path, {"content": text, "base_revision": json.loads(body)["revision"]}
    )
    assert status == 200, answer


# --- queries per page ---------------------------------------------------------------------------


def page_queries(url: str) -> dict[int, int]:
    """SQL statements of one section page, in a stage of 5 and of 50 sections."""
    from webapp.clusters.operations import create_cluster
    from workflows.definition import parse_definition

    app = make_app(url)
    app.config["TESTING"] = True
    title = {"pl": "Sekcja", "en": "Section"}
    with app.app_context():
        for size in (5, 50):
            sections = [{"key": f"s{i}", "kind": "text", "title": title} for i in range(size)]
            definition = parse_definition(
                {"key": f"bench{size}", "version": 1, "title": title,
                 "stages": [{"key": "only", "title": title, "sections": sections}]},
                f"bench {size}",
            )  # fmt: skip
            create_cluster(f"bench-{size}", f"Bench {size}", "other", definition=definition)
        db.session.commit()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    client.post("/login", data={"csrf_token": token, "email": "admin@example.org", "password": PASSWORD})
    counts = {}
    with app.app_context():
        seen: list[str] = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        for size in (5, 50):
            client.get(f"/c/bench-{size}/s/s1")  # warm: the definition is parsed once
            seen.clear()
            assert client.get(f"/c/bench-{size}/s/s1").status_code == 200
            counts[size] = len(seen)
        event.remove(db.engine, "before_cursor_execute", listener)
        db.engine.dispose()
    return counts


# --- the run -------------------------------------------------------------------------------------


HEADER = (
    f"{'editors':>7} | {'saves/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'merged':>7} {'409s':>5} "
    f"{'errors':>6} | {'healthz/s':>9} {'p50 ms':>7} {'p95 ms':>7}"
)


def line(level: int, saves: tuple[Tally, float], health: tuple[Tally, float]) -> str:
    """One row of the table: the saves, then /healthz under the same number of clients."""
    (s, s_took), (h, h_took) = saves, health
    p50, p95 = (percentile(s.latencies, q) * 1000 for q in (0.5, 0.95))
    h50, h95 = (percentile(h.latencies, q) * 1000 for q in (0.5, 0.95))
    left = f"{s.ok / s_took:>8.1f} {p50:>7.1f} {p95:>7.1f} "
    left += f"{s.merged:>7} {s.conflicts:>5} {s.errors:>6}"
    return f"{level:>7} | {left} | {h.ok / h_took:>9.1f} {h50:>7.1f} {h95:>7.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each level (default 5)")
    parser.add_argument("--server", choices=("gunicorn", "werkzeug"), default="gunicorn")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (default 4)")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker (default 8)")
    parser.add_argument(
        "--sqlite-only",
        action="store_true",
        help="skip PostgreSQL even if TEST_DATABASE_URL is set",
    )
    args = parser.parse_args()
    server = (
        f"gunicorn, {args.workers} workers × {args.threads} threads (gthread)"
        if args.server == "gunicorn"
        else "werkzeug, threaded"
    )
    print(f"Co-editing one section (PUT {SLUG}/{KEY}) vs GET /healthz: {server},")
    python = sys.version.split()[0]
    print(f"{args.seconds:g} s a level, loopback, Python {python}, {os.cpu_count()} CPUs")
    try:
        with databases(args.sqlite_only) as found:
            for name, url in found:
                os.environ["BENCH_URL"] = url
                with serve(url, args.server, args.workers, args.threads) as port:
                    tokens = tokens_for(port, max(LEVELS))
                    prepare_section(port, tokens[0], max(LEVELS))
                    print(f"\n{name}\n{HEADER}")
                    for level in LEVELS:
                        saves = run_level(level, args.seconds, editors_work(port, tokens))
                        health = run_level(level, args.seconds, healthz_work(port))
                        print(line(level, saves, health), flush=True)
                counts = page_queries(url)
                print(f"SQL statements per section page: {counts[5]} with 5 sections, ", end="")
                print(f"{counts[50]} with 50 sections")
    finally:
        shutil.rmtree(_WORKDIR, ignore_errors=True)


if __name__ == "__main__":
    main()
