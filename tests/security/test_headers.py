"""Security headers on every answer (pages, API, errors, static files, downloads), HSTS
only over HTTPS, cookie flags, and the download answers' file name and caching."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from tests.conftest import DEMO_PASSWORD, csrf_from, make_app, page_csrf, sign_in
from tests.security.support import SLUG, person, route_calls
from webapp.extensions import db
from webapp.models import Cluster, Document

ADMIN = "admin@example.org"
SAFE_REFERRER_POLICIES = ("same-origin", "strict-origin", "no-referrer", "strict-origin-when-cross-origin")
REQUIRED_CSP = ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'")


def csp_directives(value: str) -> dict[str, list[str]]:
    directives = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def header_problems(response, https: bool = False) -> list[str]:  # noqa: ANN001
    """What is missing or wrong in one answer's headers (empty: all well)."""
    problems = []
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = csp_directives(csp)
    for required in REQUIRED_CSP:
        if required not in csp:
            problems.append(f"CSP without {required}")
    for name, sources in directives.items():
        if "'unsafe-inline'" in sources or "'unsafe-eval'" in sources:
            problems.append(f"CSP {name} allows {' '.join(sources)}")
    script = directives.get("script-src", directives.get("default-src"))
    if script is None or "*" in script or any(s.endswith(":") for s in script):
        problems.append(f"CSP leaves scripts open: {csp!r}")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if headers.get("Referrer-Policy") not in SAFE_REFERRER_POLICIES:
        problems.append(f"Referrer-Policy {headers.get('Referrer-Policy')!r}")
    hsts = headers.get("Strict-Transport-Security")
    if https:
        match = re.search(r"max-age=(\d+)", hsts or "")
        if not match or int(match.group(1)) < 180 * 24 * 3600:
            problems.append(f"HSTS over HTTPS: {hsts!r}")
    elif hsts:
        problems.append("HSTS over plain HTTP")
    return problems


@pytest.fixture
def document_id(app) -> int:  # noqa: ANN001
    """A rendered version of MAKROS' strategy, whose name has Polish letters."""
    with app.app_context():
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == "makros"))
        document = Document(
            cluster_id=cluster.id,
            version=77,
            status="done",
            snapshot={"cluster": {"slug": cluster.slug, "name": cluster.name}},
            snapshot_hash="h" * 64,
            data=b"PK\x03\x04 not really a docx",
            size=24,
            sha256="1" * 64,
        )
        db.session.add(document)
        db.session.commit()
        return document.id


def _answers(app, base_url: str, document_id: int):  # noqa: ANN001, ANN202
    """(label, response) for every kind of answer the studio gives."""
    admin = person(app, ADMIN)
    member = person(app, _member(app))
    anonymous = app.test_client()
    kw = {"base_url": base_url}
    for endpoint, _m, url, is_api in route_calls(app, frozenset({"GET"})):
        if endpoint in ("static", "bootstrap.static"):
            continue
        headers = admin.bearer if is_api else {}
        yield f"GET {url}", admin.client.get(url, headers=headers, **kw)
    page = admin.client.get("/", **kw).get_data(as_text=True)
    for asset in sorted(set(re.findall(r'(?:href|src)="(/(?:static|bootstrap/static)/[^"?]+)', page))):
        yield f"static {asset}", anonymous.get(asset, **kw)
    yield "static missing", anonymous.get("/static/nope.css", **kw)
    yield "page 404", admin.client.get("/no/such/page", **kw)
    yield "api 404", admin.client.get("/api/v1/no/such", headers=admin.bearer, **kw)
    yield "page 403", member.client.get("/admin/users", **kw)
    yield (
        "api 403",
        member.client.post(
            "/api/v1/organisations", headers=member.bearer, json={"name": "X", "kind": "other"}, **kw
        ),
    )
    yield "page 405", anonymous.get("/logout", **kw)
    yield "api 401", anonymous.get("/api/v1/clusters", **kw)
    yield "page 302", anonymous.get("/", **kw)
    yield "page 400 csrf", admin.client.post("/notifications/read", **kw)
    yield "api 400 csrf", admin.client.post("/api/v1/notifications/read", json={"ids": []}, **kw)
    yield "api 422", admin.client.post("/api/v1/organisations", headers=admin.bearer, json={"name": ""}, **kw)
    yield (
        "login 401",
        anonymous.post(
            "/login",
            data={"csrf_token": page_csrf(anonymous, "/login"), "email": "a@b.c", "password": "x"},
            **kw,
        ),
    )
    yield "download page", admin.client.get(f"/c/makros/documents/{document_id}/download", **kw)
    yield (
        "download api",
        admin.client.get(f"/api/v1/documents/{document_id}/file", headers=admin.bearer, **kw),
    )


def _member(app) -> str:  # noqa: ANN001
    from webapp.demo.load import demo_accounts

    with app.app_context():
        return next(a["email"] for a in demo_accounts() if a["role"] == "member" and a["cluster"] == SLUG)


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_security_headers_on_every_answer(app, document_id, scheme):
    https = scheme == "https"
    base_url = "https://localhost" if https else "http://localhost"
    problems, kinds, count = [], set(), 0
    for label, response in _answers(app, base_url, document_id):
        count += 1
        kinds.add(response.status_code)
        for problem in header_problems(response, https=https):
            problems.append(f"{label} ({response.status_code} {response.mimetype}): {problem}")
    assert count >= 60
    assert {200, 302, 400, 401, 403, 404, 405, 422} <= kinds
    assert problems == [], "\n".join(problems[:40])


def test_api_answers_are_not_stored(app):
    admin = person(app, ADMIN)
    for url in ("/api/v1/clusters", f"/api/v1/clusters/{SLUG}", "/api/v1/no/such"):
        assert "no-store" in admin.client.get(url, headers=admin.bearer).headers["Cache-Control"]


def _set_cookies(response) -> dict[str, str]:  # noqa: ANN001
    cookies = {}
    for line in response.headers.getlist("Set-Cookie"):
        name = line.split("=", 1)[0]
        cookies[name] = line
    return cookies


def _flags(line: str) -> set[str]:
    return {part.strip().lower() for part in line.split(";")[1:]}


def test_cookies_are_http_only_and_same_site_lax(app):
    client = app.test_client()
    login = client.get("/login")
    answer = sign_in(client, _member(app), remember=True)
    cookies = {**_set_cookies(login), **_set_cookies(answer)}
    assert {"session", "remember_token"} <= set(cookies)
    for name, line in cookies.items():
        flags = _flags(line)
        assert "httponly" in flags, f"{name} readable by scripts: {line}"
        assert "samesite=lax" in flags, f"{name}: {line}"
        assert "secure" not in flags, "plain-HTTP development keeps working without Secure"


def test_cookies_are_secure_when_the_setting_says_so(database_url, monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    app = make_app(database_url)
    try:
        client = app.test_client()
        base = {"base_url": "https://localhost"}
        login = client.get("/login", **base)
        csrf = csrf_from(login.get_data(as_text=True))
        answer = client.post(
            "/login",
            data={
                "csrf_token": csrf,
                "email": _member(app),
                "password": DEMO_PASSWORD,
                "remember": "y",
            },
            # Over HTTPS Flask-WTF also checks that the form came from this site.
            headers={"Referer": "https://localhost/login"},
            **base,
        )
        assert answer.status_code == 302
        cookies = {**_set_cookies(login), **_set_cookies(answer)}
        assert {"session", "remember_token"} <= set(cookies)
        for name, line in cookies.items():
            flags = _flags(line)
            assert {"secure", "httponly", "samesite=lax"} <= flags, f"{name}: {line}"
    finally:
        with app.app_context():
            db.engine.dispose()


def _disposition(value: str) -> dict[str, str]:
    parts = {}
    for part in value.split(";")[1:]:
        key, _sep, val = part.strip().partition("=")
        parts[key.lower()] = val
    return parts


def test_downloads_are_attachments_with_the_polish_name_and_not_stored(app, document_id):
    admin = person(app, ADMIN)
    with app.app_context():
        name = db.session.scalar(select(Cluster.name).where(Cluster.slug == "makros"))
    assert "ż" in name  # "Mazowiecki klaster rolno-spożywczy MAKROS"
    expected = "strategia-" + re.sub(r"[\W_]+", "-", name).strip("-") + "-v77-robocza.docx"
    for response in (
        admin.client.get(f"/c/makros/documents/{document_id}/download"),
        admin.client.get(f"/api/v1/documents/{document_id}/file", headers=admin.bearer),
    ):
        assert response.status_code == 200
        assert response.data.startswith(b"PK")
        disposition = response.headers["Content-Disposition"]
        assert disposition.split(";")[0] == "attachment"
        parts = _disposition(disposition)
        assert parts["filename*"].startswith("UTF-8''")
        unicode_name = unquote(parts["filename*"][len("UTF-8''") :], encoding="utf-8")
        assert unicode_name == expected
        assert "spożywczy" in unicode_name
        fallback = parts["filename"].strip('"')
        assert fallback.isascii() and fallback == expected.replace("ż", "z")
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert header_problems(response) == []


def test_a_download_name_keeps_every_polish_letter_and_nothing_dangerous(app):
    from webapp.documents.queries import download_name
    from webapp.downloads import ascii_name

    document = Document(
        version=2,
        final=True,
        snapshot={"cluster": {"slug": "x", "name": 'Łódzki "klaster"; filename=evil.exe /../ Żółć ĄĘŚĆŃ'}},
    )
    name = download_name(document)
    assert name == "strategia-Łódzki-klaster-filename-evil-exe-Żółć-ĄĘŚĆŃ-v2-przyjeta.docx"
    assert ascii_name(name) == "strategia-Lodzki-klaster-filename-evil-exe-Zolc-AESCN-v2-przyjeta.docx"
    assert not set('"/\\;\r\n') & set(name)
