"""Every route × every parameter × hostile values, as an admin and anonymously, on SQLite
and PostgreSQL → a 4xx (or an ordinary answer), never a 5xx, and no traceback in the log.

Generated from the URL map like the authorization matrix: path parameters by converter,
the rest from tests/security/fuzz_table.FILLS, where a route without an entry fails the
test. One parameter is hostile at a time, the others valid, so the hostile value gets as
far into the handler as it can.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from urllib.parse import quote

import pytest
from marshmallow import Schema
from sqlalchemy import select

from tests.conftest import DEMO_PASSWORD, make_app, page_csrf, sign_in
from tests.security.fuzz_table import (
    FILLS,
    GENERIC,
    JSON_HOSTILE,
    PATH_HOSTILE,
    SHEETS,
    TEXT_HOSTILE,
    WRONG_BODIES,
    Fill,
    Raw,
    resolve,
)
from tests.security.test_authorization_matrix import DESTRUCTIVE, _objects
from webapp.extensions import db

SAFE = {"GET", "HEAD", "OPTIONS"}
#: Routes that end the session of the client that calls them.
SESSION_ENDING = {"auth.logout"}
#: A rule's argument, `<slug>` or `<int:meeting_id>`, to put an encoded value in its place.
ARGUMENT = re.compile(r"<(?:\w+(?:\([^)]*\))?:)?(\w+)>")


def _route_methods(app) -> list[tuple[str, object]]:  # noqa: ANN001
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint in DESTRUCTIVE, r.rule))
    return [(m, r) for r in rules for m in sorted(r.methods - {"HEAD", "OPTIONS"})]


def test_every_route_has_a_fill(app):
    missing = [
        f"{method} {rule.endpoint}"
        for method, rule in _route_methods(app)
        if (method, rule.endpoint) not in FILLS
    ]
    assert missing == [], "routes the fuzz matrix cannot fill: add them to fuzz_table.FILLS"
    known = {(m, r.endpoint) for m, r in _route_methods(app)}
    assert sorted(set(FILLS) - known) == [], "entries for routes that are gone"


def _schema_fields(schema: object) -> set[str]:
    schema = schema() if isinstance(schema, type) else schema
    assert isinstance(schema, Schema)
    return set(schema.fields)


def test_api_fills_name_every_schema_field(app):
    """The JSON and query members of the API come from its marshmallow schemas: the table
    must name each of them, so a member added to a schema is fuzzed too."""
    wrong = []
    for method, rule in _route_methods(app):
        doc = getattr(app.view_functions[rule.endpoint], "_apidoc", {})
        fill = FILLS[(method, rule.endpoint)]
        for argument in doc.get("arguments", {}).get("parameters", []):
            listed = fill.json if argument["in"] == "json" else fill.query
            if _schema_fields(argument["schema"]) != set(listed):
                wrong.append(f"{method} {rule.endpoint} ({argument['in']})")
    assert wrong == []


# --- encoding what is sent ------------------------------------------------------------------


def _text(value: str, safe: str = "") -> str:
    """Percent-encoded UTF-8; a lone surrogate goes as its (invalid) UTF-8 bytes."""
    return quote(value.encode("utf-8", "surrogatepass"), safe=safe)


def _urlencoded(pairs: dict[str, object]) -> str:
    return "&".join(f"{_text(k)}={_text(str(v))}" for k, v in pairs.items() if v is not None)


def _json(value: object) -> str:
    """JSON text of `value`, Raw parts verbatim (NaN, deep nesting)."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_json(v) for v in value) + "]"
    return json.dumps(value)


def _multipart(form: dict[str, object], files: dict[str, bytes]) -> tuple[bytes, str]:
    """A multipart body by hand: the test client cannot send a lone surrogate in a field."""
    boundary = "fuzz-boundary-7d1f"
    parts = []
    for name, value in form.items():
        if value is not None:
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            parts.append(head.encode() + str(value).encode("utf-8", "surrogatepass") + b"\r\n")
    for name, content in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            'filename="lista.csv"\r\nContent-Type: text/csv\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


@dataclass
class Probe:
    """One request: the valid fill with at most one thing replaced."""

    label: str
    path: dict[str, str]
    query: dict[str, object]
    form: dict[str, object] | None
    json: dict[str, object] | None
    files: dict[str, object]
    headers: dict[str, str]
    body: tuple[str, str] | None = None  # (content type, raw text) instead of form/JSON


def _valid(fill: Fill, objects: dict, place: str) -> dict[str, object]:
    return {name: resolve(p.valid, objects) for name, p in getattr(fill, place).items()}


def _valid_probe(method: str, rule, fill: Fill, objects: dict) -> Probe:  # noqa: ANN001
    """Every parameter valid: the start of each probe of the route."""
    form = method not in SAFE and not rule.rule.startswith("/api/")
    return Probe(
        "valid",
        {name: _text(str(objects[name]), safe="/") for name in rule.arguments},
        _valid(fill, objects, "query"),
        _valid(fill, objects, "form") if form else None,
        _valid(fill, objects, "json") if fill.json else None,
        _valid(fill, objects, "files"),
        {k: v for k, v in _valid(fill, objects, "headers").items() if v is not None},
    )


def _probes(method: str, rule, fill: Fill, objects: dict) -> Iterator[Probe]:  # noqa: ANN001
    is_api = rule.rule.startswith("/api/")
    writes = method not in SAFE
    base = _valid_probe(method, rule, fill, objects)

    def variant(label: str, start: dict | None = None, **changes: object) -> Probe:
        """The base probe (or the base with `start` in place), one thing changed."""
        probe = Probe(**{**base.__dict__, **(start or {}), "label": label})
        for name, value in changes.items():
            current = getattr(probe, name)
            setattr(probe, name, {**current, **value} if isinstance(value, dict) else value)
        return probe

    for name, converter in rule._converters.items():
        kind = next(c.__name__ for c in type(converter).__mro__ if c.__name__ in PATH_HOSTILE)
        for value in PATH_HOSTILE[kind]:
            yield variant(f"path {name}={value[:40]!r}", path={name: value})
    for place, kinds in (("query", TEXT_HOSTILE), ("form", TEXT_HOSTILE), ("headers", TEXT_HOSTILE)):
        for name, param in getattr(fill, place).items():
            for value in kinds[param.kind]:
                yield variant(f"{place} {name}={value[:40]!r}", **{place: {name: value}})
    for name, param in fill.json.items():
        for value in JSON_HOSTILE[param.kind]:
            yield variant(f"json {name}={_json(value)[:40]!r}", json={name: value})
    for name in fill.files:
        for value in SHEETS:
            yield variant(f"file {name}={value[:40]!r}", files={name: value})
    if writes and not is_api:
        for value in TEXT_HOSTILE["text"]:
            yield variant(f"csrf_token={value[:40]!r}", form={"csrf_token": value})
    # Whatever the route reads, with nothing else filled in: a valid form here would, for
    # one, change the admin's password.
    bare = {"form": {} if base.form is not None else None, "json": None, "files": {}}
    for where, name, value in GENERIC:
        label = f"{where} {name}={value[:40]!r}"
        if where == "body":
            yield variant(label, bare, body=(name, value))
        elif where == "query":
            yield variant(label, bare, query={name: value})
        else:
            yield variant(label, bare, headers={name: value})
    if is_api and writes:
        for text in WRONG_BODIES:
            yield variant(f"body {text!r}", body=("application/json", text), json=None)


# --- running them ---------------------------------------------------------------------------


@dataclass
class Principal:
    name: str
    client: object
    csrf: str
    bearer: dict[str, str]
    email: str | None = None


@dataclass
class Report:
    probes: int = 0
    errors: list[str] = field(default_factory=list)


def _send(principal: Principal, method: str, rule, probe: Probe):  # noqa: ANN001, ANN202
    url = ARGUMENT.sub(lambda m: probe.path[m.group(1)], rule.rule)
    if probe.query:
        url += "?" + _urlencoded(probe.query)
    is_api = rule.rule.startswith("/api/")
    # A server hands header values over as Latin-1 text of the bytes that came in.
    headers = {
        name: value.encode("utf-8", "surrogatepass").decode("latin-1")
        for name, value in {**(principal.bearer if is_api else {}), **probe.headers}.items()
    }
    kwargs: dict = {}
    if probe.body is not None:
        kwargs = {"data": probe.body[1].encode("utf-8", "surrogatepass"), "content_type": probe.body[0]}
    elif probe.files:
        form = {"csrf_token": principal.csrf, **(probe.form or {})}
        body, content_type = _multipart(form, probe.files)
        kwargs = {"data": body, "content_type": content_type}
    elif probe.form is not None:
        form = {"csrf_token": principal.csrf, **probe.form}
        kwargs = {"data": _urlencoded(form), "content_type": "application/x-www-form-urlencoded"}
    elif probe.json is not None:
        kwargs = {"data": _json(probe.json), "content_type": "application/json"}
    return principal.client.open(url, method=method, headers=headers, **kwargs)


def _sign_in(app, email: str | None) -> Principal:  # noqa: ANN001
    client = app.test_client()
    if email is None:
        return Principal("anonymous", client, page_csrf(client, "/login"), {})
    token = client.post("/api/v1/auth/token", json={"email": email, "password": DEMO_PASSWORD})
    assert token.status_code == 200, token.get_json()
    assert sign_in(client, email).status_code == 302
    bearer = {"Authorization": f"Bearer {token.get_json()['token']}"}
    return Principal("admin", client, page_csrf(client, "/account/"), bearer, email)


def _fresh(app, principal: Principal) -> Principal:  # noqa: ANN001
    """A client of its own for a probe that signs in or out."""
    if principal.email is None:
        return _sign_in(app, None)
    client = app.test_client()
    assert sign_in(client, principal.email).status_code == 302
    return Principal(principal.name, client, page_csrf(client, "/account/"), principal.bearer)


def _fuzz_objects(app) -> dict:  # noqa: ANN001
    """The authorization matrix's objects, plus the valid values the fills name."""
    from webapp.meetings.queries import local
    from webapp.meetings.views import _pack
    from webapp.models import Meeting, Organisation, Section, User

    objects = _objects(app, "mak")
    with app.app_context():
        author = db.session.get(User, objects["user_id"])
        meeting = db.session.get(Meeting, objects["meeting_id"])
        day = local(meeting.starts_at).date()
        member = db.session.scalar(
            select(User).where(User.is_admin.is_(False), User.id != author.id).order_by(User.id)
        )
        section_id = db.session.scalar(
            select(Section.id).where(Section.cluster_id == meeting.cluster_id, Section.key == "profile")
        )
        sheet = (
            "Imię i nazwisko;E-mail;Organizacja;Rodzaj organizacji;Data\n"
            f"Gość Arkusza;;Fuzz;firma;{day.isoformat()}\n"
        ).encode()
        objects.update(
            author_name=author.name,
            author_email=author.email,
            author_organisation_id=author.organisation_id or 0,
            member_email=member.email,
            organisation_id=db.session.scalar(select(Organisation.id).order_by(Organisation.id)),
            meeting_kind=meeting.kind,
            meeting_number=meeting.number,
            meeting_date=day.isoformat(),
            sheet=sheet,
            token="no-such-invitation-0123456789",
            sheet_payload=_pack(sheet),
        )

    def revision() -> int:
        with app.app_context():
            return db.session.get(Section, section_id).revision

    def meeting_version() -> int:
        with app.app_context():
            found = db.session.get(Meeting, objects["meeting_id"])
            return found.version if found else 1

    objects.update(revision=revision, meeting_version=meeting_version)
    return objects


@pytest.fixture
def fuzz_app(database_url: str):  # noqa: ANN201
    # PROPAGATE_EXCEPTIONS off: an unexpected error answers 500 and is logged, as in
    # production, instead of stopping the run at the first one.
    app = make_app(
        database_url,
        LOGIN_FAILURES_PER_MINUTE=100_000,
        REAUTH_WINDOW=timedelta(hours=2),
        PROPAGATE_EXCEPTIONS=False,
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def _probe(report: Report, principal: Principal, method: str, rule, probe: Probe) -> None:  # noqa: ANN001
    report.probes += 1
    where = f"{method} {rule.rule} as {principal.name}, {probe.label}"
    try:
        status = _send(principal, method, rule, probe).status_code
    except Exception as error:  # noqa: BLE001 - even the error page failed
        report.errors.append(f"{where}: {type(error).__name__}: {error}"[:500])
        return
    if status >= 500:
        report.errors.append(f"{where}: {status}")


# Every route adds its probes (about 8000 now): past the default 300 s on a busy 2-core machine.
@pytest.mark.timeout(900)
def test_fuzz_matrix(fuzz_app, backend, artifacts, caplog):
    app = fuzz_app
    caplog.set_level(logging.WARNING)
    objects = _fuzz_objects(app)
    principals = [_sign_in(app, "admin@example.org"), _sign_in(app, None)]
    report = Report()
    routes = _route_methods(app)
    for method, rule in routes:
        for probe in _probes(method, rule, FILLS[(method, rule.endpoint)], objects):
            for principal in principals:
                if rule.endpoint in SESSION_ENDING or (
                    rule.endpoint == "auth.login" and principal.email is None
                ):
                    principal = _fresh(app, principal)  # noqa: PLW2901
                _probe(report, principal, method, rule, probe)
    # Whatever the hostile values left in the database, every page still shows.
    for method, rule in routes:
        if method == "GET":
            probe = _valid_probe(method, rule, FILLS[(method, rule.endpoint)], objects)
            for principal in principals:
                _probe(report, principal, method, rule, replace(probe, label="afterwards"))
    # The admin was signed in to the end: the admin's probes reached the handlers.
    assert principals[0].client.get("/account/").status_code == 200
    tracebacks = [
        f"{r.name}: {r.getMessage()[:200]}"
        for r in caplog.records
        if r.exc_info or r.levelno >= logging.ERROR
    ]
    summary = (
        f"{backend}: {report.probes} probes, {len(report.errors)} server errors, "
        f"{len(tracebacks)} tracebacks logged"
    )
    (artifacts / f"fuzz-matrix-{backend}.txt").write_text(
        summary + "\n" + "\n".join(report.errors + tracebacks) + "\n", encoding="utf-8"
    )
    print(summary)
    assert report.errors == [], summary + "\n" + "\n".join(report.errors[:60])
    assert tracebacks == [], summary + "\n" + "\n".join(tracebacks[:20])
