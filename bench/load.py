"""Benchmark: 50 people at work on the production shape, for a bounded time.

Run: ``.venv/bin/python bench/load.py`` from the project root (``--help`` for the options).
It needs PostgreSQL: TEST_DATABASE_URL (a role with CREATEDB), or, as root on Debian,
nothing (it sources ``scripts/test-services.sh`` as ``make test`` does, and stops the
PostgreSQL cluster again if that started it). It starts, all on 127.0.0.1:

- a fresh PostgreSQL database with the demo (``tests.services.create_database`` +
  ``tests.conftest.build_database``), dropped at the end;
- a private Redis (``tests.services.RedisServer``);
- gunicorn as the Dockerfile runs it (``--workers 3 --threads 4``; ``--workers``);
- 2 Celery worker processes (the first with beat, as docker-compose's worker).

Then 50 people (threads, 10 per demo cluster: the moderator, 8 members, the observer),
each signed in twice — a browser session for the pages and an API token — work for
``--seconds`` (60): they read the cluster page and section pages, save sections through
the API with the revision they read (each person keeps their own line, SWOT item or KPI
row, so saves merge; two people appending at once conflict, and a 409 is re-read and
retried), comment (and raise an objection and resolve it), press the stage buttons the
cluster page offers them (members submit, moderators approve and open, representatives
sign), and ask for documents and poll them. Afterwards it waits for the documents still
being made (``--drain``), measures ``GET /healthz`` with the same 50 threads on the same
server as the reference, and checks from the database that no save answered 200 was
lost: each one is in the section's history under the revision it was answered with, and
each person's last accepted change is in the final text.

It prints throughput, p50/p95/p99 per kind of request, errors (anything but the expected
answers; 409s are counted apart, by code), lost updates, documents asked and completed,
and the stage states at the end, then stops everything it started.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORKDIR = Path(tempfile.mkdtemp(prefix="studio-load-"))
SECRET_KEY = "load-bench-secret-key"  # noqa: S105  (a throwaway server on loopback)
CLUSTERS = ("makros", "e-medycyna", "mak", "krea", "klaster-chemiczny")
PEOPLE_PER_CLUSTER = 10
WRITABLE_KINDS = ("text", "swot", "kpi")
SWOT_KEYS = ("strengths", "weaknesses", "opportunities", "threats")
SAVE_ATTEMPTS = 6  # a save is re-read and retried after a conflict, this many times at most


# --- PostgreSQL ----------------------------------------------------------------------------


def _online_clusters() -> set[str]:
    try:
        out = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout
    except OSError:
        return set()
    return {" ".join(line.split()[:2]) for line in out.splitlines() if "online" in line}


@contextmanager
def postgresql() -> Iterator[None]:
    """TEST_DATABASE_URL, or the cluster scripts/test-services.sh starts (stopped after)."""
    if os.environ.get("TEST_DATABASE_URL"):
        yield
        return
    before = _online_clusters()
    script = f'source "{ROOT}/scripts/test-services.sh" >/dev/null && printf %s "$TEST_DATABASE_URL"'
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0 or not result.stdout:
        sys.exit("PostgreSQL: set TEST_DATABASE_URL (a role with CREATEDB) or run as root. " + result.stderr)
    os.environ["TEST_DATABASE_URL"] = result.stdout
    started = _online_clusters() - before
    try:
        yield
    finally:
        for cluster in started:
            version, name = cluster.split()
            subprocess.run(["pg_ctlcluster", version, name, "stop"], check=False)


# --- HTTP clients -------------------------------------------------------------------------------


class Http:
    """One keep-alive connection (reopened after an error) with a cookie jar."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}
        self.token: str | None = None

    def request(
        self, method: str, path: str, body: object = None, form: dict | None = None, api: bool = True
    ) -> tuple[int, bytes]:
        headers = {}
        payload = None
        if form is not None:
            payload = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if api and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
            headers["Accept"] = "application/json"
        elif self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request(method, path, body=payload, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
                continue
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, value = cookie.split(";", 1)[0].partition("=")
                self.cookies[name.strip()] = value.strip()
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            return response.status, data
        raise AssertionError("unreachable")


# --- what is measured ---------------------------------------------------------------------------


@dataclass
class Kind:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    codes_409: Counter = field(default_factory=Counter)
    errors: int = 0


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.kinds: dict[str, Kind] = defaultdict(Kind)
        self.error_samples: list[str] = []
        self.events: Counter = Counter()

    def record(self, kind: str, status: int, took: float, ok: bool, code_409: str = "") -> None:
        with self.lock:
            entry = self.kinds[kind]
            entry.latencies.append(took)
            entry.statuses[status] += 1
            if status == 409:
                entry.codes_409[code_409 or "?"] += 1
            if not ok:
                entry.errors += 1

    def error(self, text: str) -> None:
        with self.lock:
            if len(self.error_samples) < 20:
                self.error_samples.append(text)

    def count(self, event: str, n: int = 1) -> None:
        with self.lock:
            self.events[event] += n


class RWLock:
    """Writer-preferring: a stage button that ends editing waits for saves in flight.

    People in one cluster see each other: nobody saves into a stage at the very moment
    it is submitted. Without this the bench would count the product's right answer (the
    stage is in review: read-only) as a failed save.
    """

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.readers = 0
        self.writing = False
        self.waiting_writers = 0

    @contextmanager
    def read(self) -> Iterator[None]:
        with self.cond:
            while self.writing or self.waiting_writers:
                self.cond.wait()
            self.readers += 1
        try:
            yield
        finally:
            with self.cond:
                self.readers -= 1
                self.cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self.cond:
            self.waiting_writers += 1
            while self.writing or self.readers:
                self.cond.wait()
            self.waiting_writers -= 1
            self.writing = True
        try:
            yield
        finally:
            with self.cond:
                self.writing = False
                self.cond.notify_all()


@dataclass
class Save:
    slug: str
    key: str
    revision: int
    marker: str
    person: int


@dataclass
class Shared:
    port: int
    stats: Stats
    deadline: float
    think: float
    locks: dict[str, RWLock]
    saves: list[Save] = field(default_factory=list)
    documents: dict[int, dict] = field(default_factory=dict)  # id -> asked, done, version
    lock: threading.Lock = field(default_factory=threading.Lock)


# --- one person ----------------------------------------------------------------------------------

FORM_RE = re.compile(
    r'<form[^>]*id="transition-([a-z_]+)-(open|submit|approve|return|reopen)"[^>]*>(.*?)</form>', re.S
)
BUTTON_RE = re.compile(r"<button[^>]*data-action=\"\w+\"[^>]*>")
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def page_buttons(html: str) -> dict[tuple[str, str], bool]:
    """(stage, action) -> enabled, as the cluster page offers them to this person."""
    found = {}
    for stage, action, inner in FORM_RE.findall(html):
        button = BUTTON_RE.search(inner)
        found[(stage, action)] = bool(button) and "disabled" not in button.group(0)
    return found


class Person:
    def __init__(self, index: int, email: str, role: str, slug: str, shared: Shared) -> None:
        self.index, self.email, self.role, self.slug = index, email, role, slug
        self.shared = shared
        self.http = Http(shared.port)
        self.tag = f"p{index:02d}"
        self.n = 0
        self.signed = False
        self.asks_documents = False
        self.document: int | None = None
        self.last_poll = 0.0
        self.rng = random.Random(index)

    # --- requests ---

    def call(
        self,
        kind: str,
        method: str,
        path: str,
        body: object = None,
        expect: tuple[int, ...] = (200,),
        api: bool = True,
        form: dict | None = None,
    ) -> tuple[int, object]:
        began = time.perf_counter()
        try:
            status, data = self.http.request(method, path, body, form=form, api=api)
        except (OSError, http.client.HTTPException) as exc:
            took = time.perf_counter() - began
            self.shared.stats.record(kind, 0, took, ok=False)
            self.shared.stats.error(f"{kind} {method} {path}: {exc!r}")
            return 0, None
        took = time.perf_counter() - began
        parsed: object = data
        if api and data[:1] in (b"{", b"["):
            parsed = json.loads(data)
        code = ""
        if status == 409 and isinstance(parsed, dict):
            error = parsed.get("error", {})
            code = str(error.get("code", ""))
            if error.get("unmet"):  # which guard: e.g. an objection raised meanwhile
                code += "(" + "+".join(sorted({u["code"] for u in error["unmet"]})) + ")"
        ok = status in expect
        self.shared.stats.record(kind, status, took, ok, code)
        if not ok:
            self.shared.stats.error(f"{kind} {method} {path} -> {status}: {data[:300]!r}")
        return status, parsed

    def sign_in(self, password: str) -> None:
        """An API token (asked before the session cookie exists: no CSRF), then the session."""
        status, body = self.http.request(
            "POST", "/api/v1/auth/token", {"email": self.email, "password": password}
        )
        assert status == 200, body
        token = json.loads(body)["token"]
        status, page = self.http.request("GET", "/login", api=False)
        csrf = CSRF_RE.search(page.decode()).group(1)
        form = {"csrf_token": csrf, "email": self.email, "password": password}
        status, _ = self.http.request("POST", "/login", form=form, api=False)
        assert status in (302, 303), f"sign-in of {self.email}: {status}"
        self.http.token = token

    # --- the work ---

    def run(self) -> None:
        actions: list[tuple[Callable[[], None], int]] = [
            (self.view_cluster, 3),
            (self.view_section, 4),
            (self.comment, 2),
        ]
        if self.role in ("member", "moderator"):
            actions += [(self.save, 6), (self.objection, 1)]
        if self.asks_documents:
            actions += [(self.ask_document, 1), (self.view_documents, 1)]
        work, weights = zip(*actions, strict=True)
        while time.perf_counter() < self.shared.deadline:
            try:
                if self.document is not None and time.perf_counter() - self.last_poll > 1.0:
                    self.poll_document()
                else:
                    self.rng.choices(work, weights)[0]()
            except Exception as exc:  # noqa: BLE001 - an answer the bench did not expect
                self.shared.stats.record("bench: unexpected", 0, 0.0, ok=False)
                self.shared.stats.error(f"{self.tag}: {exc!r}")
            if self.shared.think:
                time.sleep(self.rng.uniform(0, self.shared.think))

    def cluster(self) -> dict | None:
        status, body = self.call("api: cluster", "GET", f"/api/v1/clusters/{self.slug}")
        return body if status == 200 else None

    def any_section(self) -> str:
        keys = SECTION_KEYS[self.slug]
        return self.rng.choice(keys)

    def view_cluster(self) -> None:
        """Look at the cluster page and press what it offers: submit, approve, open, sign."""
        status, html = self.call("page: cluster", "GET", f"/c/{self.slug}", api=False)
        if status != 200:
            return
        text = html.decode()
        buttons = page_buttons(text)
        lock = self.shared.locks[self.slug]
        for (stage, action), enabled in sorted(buttons.items()):
            if not enabled or action in ("return", "reopen"):
                continue
            ends_editing = action == "submit" or (action == "approve" and stage == "approval")
            with lock.write() if ends_editing else _nothing():
                status, _ = self.transition(stage, action)
            if status == 200:
                self.shared.stats.count(f"transition {self.slug}/{stage}: {action}")
            break
        if not self.signed and f'action="/c/{self.slug}/signoffs"' in text:
            status, _ = self.call(
                "api: sign-off", "POST", f"/api/v1/clusters/{self.slug}/signoffs", expect=(201, 409)
            )
            self.signed = status in (201, 409)
            if status == 201:
                self.shared.stats.count(f"sign-off {self.slug}")

    def transition(self, stage: str, action: str) -> tuple[int, object]:
        return self.call(
            "api: transition",
            "POST",
            f"/api/v1/clusters/{self.slug}/stages/{stage}/transitions",
            {"action": action, "reason": ""},
            expect=(200, 409),
        )

    def view_section(self) -> None:
        self.call("page: section", "GET", f"/c/{self.slug}/s/{self.any_section()}", api=False)

    def view_documents(self) -> None:
        self.call("page: documents", "GET", f"/c/{self.slug}/documents/", api=False)

    def comment(self) -> None:
        key = self.any_section()
        visibility = "moderators" if self.role == "moderator" and self.rng.random() < 0.3 else "all"
        kind = self.rng.choice(("remark", "suggestion"))
        body = {
            "body": f"Uwaga {self.tag} nr {self.n}: do omówienia.",
            "visibility": visibility,
            "kind": kind,
        }
        path = f"/api/v1/clusters/{self.slug}/sections/{key}/comments"
        self.call("api: comment", "POST", path, body, expect=(201,))
        if self.rng.random() < 0.5:
            self.call("api: comments", "GET", path)

    def objection(self) -> None:
        """Object, then resolve it with a closing word (an objection holds submits back)."""
        key = self.any_section()
        path = f"/api/v1/clusters/{self.slug}/sections/{key}/comments"
        body = {
            "body": f"Sprzeciw {self.tag}: liczby do sprawdzenia.",
            "visibility": "all",
            "kind": "objection",
        }
        status, answer = self.call("api: comment", "POST", path, body, expect=(201,))
        if status == 201:
            self.call(
                "api: resolve",
                "POST",
                f"/api/v1/comments/{answer['id']}/resolve",
                {"resolution": "Sprawdzone."},
            )

    def save(self) -> None:
        """Change my own line / item / row of a section in a drafting stage; retry conflicts."""
        with self.shared.locks[self.slug].read():
            cluster = self.cluster()
            if cluster is None:
                return
            writable = [
                section["key"]
                for stage in cluster["stages"]
                if stage["state"] == "drafting"
                for section in stage["sections"]
                if section["kind"] in WRITABLE_KINDS
            ]
            if not writable:
                return self.view_section()
            key = self.rng.choice(writable)
            path = f"/api/v1/clusters/{self.slug}/sections/{key}"
            self.n += 1
            marker = f"[{self.tag}:{self.n}]"
            for _attempt in range(SAVE_ATTEMPTS):
                status, section = self.call("api: get section", "GET", path)
                if status != 200:
                    return
                content = mine(section["kind"], section["content"], self.tag, marker, self.index)
                status, answer = self.call(
                    "api: put section",
                    "PUT",
                    path,
                    {"content": content, "base_revision": section["revision"]},
                    expect=(200, 409),
                )
                if status == 200:
                    with self.shared.lock:
                        self.shared.saves.append(Save(self.slug, key, answer["revision"], marker, self.index))
                    self.shared.stats.count("saves merged" if answer["merged"] else "saves clean")
                    return
                if status != 409:
                    return
                self.shared.stats.count("save retries after 409")
            self.shared.stats.count("saves given up after retries")

    def ask_document(self) -> None:
        if self.document is not None:
            return self.poll_document()
        with self.shared.locks[self.slug].read():  # not while the strategy is being adopted
            if self.role == "member" and adopted(self.cluster()):
                return self.view_documents()  # the adopted strategy is the moderators' to issue
            status, body = self.call(
                "api: ask document", "POST", f"/api/v1/clusters/{self.slug}/documents", expect=(200, 202)
            )
        if status in (200, 202):
            self.document = body["id"]
            self.last_poll = time.perf_counter()
            with self.shared.lock:
                self.shared.documents.setdefault(
                    body["id"], {"asked": time.perf_counter(), "done": None, "status": body["status"]}
                )
            self.shared.stats.count(
                "documents asked: new version" if status == 202 else "documents asked: unchanged"
            )

    def poll_document(self) -> None:
        self.last_poll = time.perf_counter()
        status, body = self.call("api: poll document", "GET", f"/api/v1/documents/{self.document}")
        if status == 200 and body["status"] in ("done", "failed"):
            with self.shared.lock:
                entry = self.shared.documents[self.document]
                if entry["done"] is None:
                    entry["done"], entry["status"] = time.perf_counter(), body["status"]
            self.document = None


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def adopted(cluster: dict | None) -> bool:
    return cluster is None or all(s["state"] == "approved" for s in cluster["stages"])


def mine(kind: str, content: object, tag: str, marker: str, index: int) -> object:
    """The content with my own piece (starting "[tag:") changed to `marker`, or added."""
    start = f"[{tag}:"
    if kind == "text":
        lines = (content or "").rstrip("\n").split("\n")
        line = f"{marker} Uzupełnienie od osoby {tag}."
        for i, existing in enumerate(lines):
            if existing.startswith(start):
                lines[i] = line
                return "\n".join(lines) + "\n"
        return "\n".join([*lines, "", line]) + "\n"
    if kind == "swot":
        swot = {k: list(v) for k, v in content.items()}
        items = swot[SWOT_KEYS[index % 4]]
        item = f"{marker} punkt osoby {tag}"
        for i, existing in enumerate(items):
            if existing.startswith(start):
                items[i] = item
                return swot
        items.append(item)
        return swot
    rows = [dict(r) for r in content]
    indicator = f"{marker} wskaźnik osoby {tag}"
    for row in rows:
        if row["indicator"].startswith(start):
            row["indicator"] = indicator
            return rows
    rows.append(
        {"id": "", "indicator": indicator, "unit": "szt.", "baseline": "0", "target": "10", "year": 2027}
    )
    return rows


SECTION_KEYS: dict[str, list[str]] = {}


# --- the phases -------------------------------------------------------------------------------------


def run_people(people: list[Person]) -> float:
    start = time.perf_counter()
    threads = [threading.Thread(target=p.run, name=p.tag) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def drain_documents(shared: Shared, admin: Person, seconds: float) -> None:
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        with shared.lock:
            waiting = [i for i, d in shared.documents.items() if d["done"] is None]
        if not waiting:
            return
        for document_id in waiting:
            status, body = admin.http.request("GET", f"/api/v1/documents/{document_id}")
            state = json.loads(body)["status"] if status == 200 else ""
            if state in ("done", "failed"):
                with shared.lock:
                    entry = shared.documents[document_id]
                    entry["done"], entry["status"], entry["late"] = time.perf_counter(), state, True
        time.sleep(0.5)


def healthz(port: int, threads: int, seconds: float) -> tuple[int, float, list[float], int]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def work() -> None:
        client = Http(port)
        mine_: list[float] = []
        bad = 0
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            status, _ = client.request("GET", "/healthz", api=False)
            mine_.append(time.perf_counter() - began)
            bad += status != 200
        with lock:
            latencies.extend(mine_)
            errors[0] += bad

    start = time.perf_counter()
    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return len(latencies), time.perf_counter() - start, latencies, errors[0]


def check_saves(database_url: str, saves: list[Save]) -> tuple[int, int, int]:
    """(accepted saves missing from their revision, last changes missing from the final
    content, revision numbers answered twice): all three must be 0."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            revisions = {
                (slug, key, number): json.dumps(content, ensure_ascii=False)
                for slug, key, number, content in conn.execute(
                    text(
                        "SELECT c.slug, s.key, r.number, r.content FROM section_revisions r "
                        "JOIN sections s ON s.id = r.section_id JOIN clusters c ON c.id = s.cluster_id"
                    )
                )
            }
            final = {
                (slug, key): json.dumps(content, ensure_ascii=False)
                for slug, key, content in conn.execute(
                    text(
                        "SELECT c.slug, s.key, s.content FROM sections s "
                        "JOIN clusters c ON c.id = s.cluster_id"
                    )
                )
            }
    finally:
        engine.dispose()
    missing = sum(1 for s in saves if s.marker not in revisions.get((s.slug, s.key, s.revision), ""))
    last: dict[tuple[str, str, int], Save] = {}
    for s in saves:
        last[(s.slug, s.key, s.person)] = s  # appended in answer order per person
    lost = sum(1 for s in last.values() if s.marker not in final.get((s.slug, s.key), ""))
    answered = Counter((s.slug, s.key, s.revision) for s in saves)
    twice = sum(n - 1 for n in answered.values() if n > 1)
    return missing, lost, twice


# --- the report ---------------------------------------------------------------------------------


def pct(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0] * 1000
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1] * 1000


def report(stats: Stats, elapsed: float, shared: Shared, health: tuple, checks: tuple, args) -> None:  # noqa: ANN001
    print(f"\n{'kind of request':<20} {'count':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
          f" {'errors':>6}  409s (by code)")  # fmt: skip
    total = errors = conflicts = 0
    for name in sorted(stats.kinds):
        k = stats.kinds[name]
        count = len(k.latencies)
        total += count
        errors += k.errors
        conflicts += k.statuses[409]
        codes = ", ".join(f"{c} {n}" for c, n in k.codes_409.most_common()) or "-"
        print(
            f"{name:<20} {count:>6} {count / elapsed:>7.1f} {pct(k.latencies, 0.5):>7.1f} "
            f"{pct(k.latencies, 0.95):>7.1f} {pct(k.latencies, 0.99):>7.1f} {k.errors:>6}  {codes}"
        )
    everything = [x for k in stats.kinds.values() for x in k.latencies]
    print(
        f"{'all (50 people)':<20} {total:>6} {total / elapsed:>7.1f} {pct(everything, 0.5):>7.1f} "
        f"{pct(everything, 0.95):>7.1f} {pct(everything, 0.99):>7.1f} {errors:>6}  {conflicts} in all"
    )
    count, took, latencies, bad = health
    print(
        f"{'GET /healthz (ref.)':<20} {count:>6} {count / took:>7.1f} {pct(latencies, 0.5):>7.1f} "
        f"{pct(latencies, 0.95):>7.1f} {pct(latencies, 0.99):>7.1f} {bad:>6}  -"
    )
    missing, lost, twice = checks
    saves = len(shared.saves)
    print(f"\nerrors (anything but the expected answers): {errors}")
    for sample in stats.error_samples[:10]:
        print("  ", sample)
    print(
        f"saves answered 200: {saves} ({stats.events['saves merged']} merged with others' changes), "
        f"409 conflicts retried: {stats.events['save retries after 409']}, "
        f"given up after {SAVE_ATTEMPTS} tries: {stats.events['saves given up after retries']}"
    )
    print(
        f"lost updates: {missing + lost + twice} (not in their revision: {missing}; last change "
        f"missing from the final text: {lost}; a revision number answered twice: {twice})"
    )
    docs = shared.documents.values()
    done = [d for d in docs if d["status"] == "done"]
    in_run = [d for d in done if not d.get("late")]
    waits = [d["done"] - d["asked"] for d in done]
    print(
        f"documents asked: {stats.events['documents asked: new version']} new versions "
        f"(+{stats.events['documents asked: unchanged']} answered with the unchanged latest); "
        f"completed: {len(done)} ({len(in_run)} seen done during the run, the rest within the "
        f"{args.drain:g} s drain), failed: {sum(d['status'] == 'failed' for d in docs)}, "
        f"still unfinished: {sum(d['done'] is None for d in docs)}; "
        f"asked-to-done p50 {pct(waits, 0.5) / 1000:.1f} s, max {max(waits, default=0):.1f} s"
    )
    moves = sorted((k, v) for k, v in stats.events.items() if k.startswith(("transition", "sign-off")))
    print("workflow moves made by the people: " + ("; ".join(f"{k} ×{v}" for k, v in moves) or "none"))


# --- the stack ---------------------------------------------------------------------------------------


def start_stack(stack: ExitStack, args) -> tuple[int, str]:  # noqa: ANN001
    from tests import services
    from tests.conftest import build_database

    redis = services.RedisServer(WORKDIR)
    redis.start()
    stack.callback(redis.stop)
    name = f"studio_load_{os.getpid()}"
    database_url = services.create_database(name)
    stack.callback(services.drop_database, name)
    build_database(database_url)
    env = services.process_env(
        DATA_DIR=str(WORKDIR),
        DATABASE_URL=database_url,
        REDIS_URL=redis.url,
        SECRET_KEY=SECRET_KEY,
    )
    web, base = services.start_gunicorn(
        env,
        WORKDIR / "web.log",
        workers=args.workers,
        extra=("--threads", str(args.threads), "--access-logfile", "-"),
    )
    stack.callback(services.stop_process, web)
    for i in range(2):
        beat = ("--beat", "--schedule", str(WORKDIR / "beat-schedule")) if i == 0 else ()
        worker = services.start_worker(
            env, WORKDIR / f"worker{i}.log", concurrency=1, extra=("-n", f"load{i}@%h", *beat)
        )
        stack.callback(services.stop_process, worker)
    return int(base.rsplit(":", 1)[1]), database_url


def people_of(database_url: str) -> list[tuple[str, str, str]]:
    """(email, role, cluster): per cluster the moderator, 8 members and the observer."""
    from tests.conftest import make_app
    from webapp.demo.load import demo_accounts
    from webapp.extensions import db

    app = make_app(database_url)
    with app.app_context():
        rows = demo_accounts()
        db.engine.dispose()
    chosen = []
    for slug in CLUSTERS:
        of = [r for r in rows if r["cluster"] == slug]
        pick = [r for r in of if r["role"] == "moderator"][:1]
        pick += [r for r in of if r["role"] == "member"][: PEOPLE_PER_CLUSTER - 2]
        pick += [r for r in of if r["role"] == "observer"][:1]
        chosen += [(r["email"], r["role"], slug) for r in pick]
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the run (default 60)")
    parser.add_argument("--workers", type=int, default=3, choices=(2, 3, 4), help="gunicorn workers (3)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (4)")
    parser.add_argument("--think", type=float, default=0.1, help="pause after each action: 0..THINK s (0.1)")
    parser.add_argument("--drain", type=float, default=90.0, help="wait for documents afterwards (90 s)")
    parser.add_argument("--healthz-seconds", type=float, default=10.0, help="the reference phase (10 s)")
    args = parser.parse_args()

    from tests import conftest  # sets DATA_DIR and DEMO_PASSWORD for the demo it builds

    password = conftest.DEMO_PASSWORD
    try:
        with postgresql(), ExitStack() as stack:
            started = time.perf_counter()
            port, database_url = start_stack(stack, args)
            print(
                f"gunicorn {args.workers} workers × {args.threads} threads, 2 Celery workers "
                f"(Redis), PostgreSQL; Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
                f"loopback; ready in {time.perf_counter() - started:.1f} s"
            )
            stats = Stats()
            shared = Shared(port, stats, 0.0, args.think, {slug: RWLock() for slug in CLUSTERS})
            people = [
                Person(i, email, role, slug, shared)
                for i, (email, role, slug) in enumerate(people_of(database_url))
            ]
            for person in people:
                person.sign_in(password)
            asking_member: set[str] = set()  # the moderator and one member per cluster
            for person in people:
                if person.role == "member" and person.slug not in asking_member:
                    asking_member.add(person.slug)
                    person.asks_documents = True
                person.asks_documents |= person.role == "moderator"
            admin = Person(99, "admin@example.org", "admin", "", shared)
            admin.sign_in(password)
            for slug in CLUSTERS:
                status, body = admin.http.request("GET", f"/api/v1/clusters/{slug}")
                SECTION_KEYS[slug] = [s["key"] for st in json.loads(body)["stages"] for s in st["sections"]]
            print(
                f"{len(people)} people signed in; working for {args.seconds:g} s "
                f"(think time 0–{args.think:g} s)…",
                flush=True,
            )
            shared.deadline = time.perf_counter() + args.seconds
            elapsed = run_people(people)
            drain_documents(shared, admin, args.drain)
            health = healthz(port, len(people), args.healthz_seconds)
            checks = check_saves(database_url, shared.saves)
            report(stats, elapsed, shared, health, checks, args)
            states = []
            for slug in CLUSTERS:
                _status, body = admin.http.request("GET", f"/api/v1/clusters/{slug}")
                states.append(
                    f"{slug}: " + " ".join(f"{s['key']}={s['state']}" for s in json.loads(body)["stages"])
                )
            print("stages at the end: " + "; ".join(states))
    finally:
        out = ROOT / "bench" / "out"  # the server's and the workers' logs, for a look afterwards
        out.mkdir(exist_ok=True)
        for log in WORKDIR.glob("*.log"):
            shutil.copyfile(log, out / f"load-{log.name}")
        shutil.rmtree(WORKDIR, ignore_errors=True)
        shutil.rmtree(conftest._DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
