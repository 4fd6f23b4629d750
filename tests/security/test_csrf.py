"""CSRF on every unsafe route, no state change on any GET, no open redirect via `next=`.

The routes come from the app's URL map, so a new route is covered without editing this
file; its URL arguments are filled with real objects as in the authorization matrix.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.conftest import DEMO_PASSWORD, page_csrf
from tests.security.support import SLUG, changed_tables, person, route_calls, state_of
from tests.security.test_authorization_matrix import API_BODIES

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Takes an email and a password instead of a session: there is nothing to forge (a
#: cross-site page cannot read the token it answers with), and no CSRF token exists yet.
NO_SESSION = {"api.auth_token"}
ADMIN = "admin@example.org"


def _body(endpoint: str, method: str, is_api: bool) -> dict:
    if is_api:
        return {"json": API_BODIES.get(endpoint, {})} if method != "DELETE" else {}
    # A plausible form, only without its token.
    return {"data": {"body": "Uwaga", "reason": "Powód", "action": "approve", "lang": "en"}}


def test_every_unsafe_route_refuses_a_session_call_without_csrf_token(app, accounts):
    admin = person(app, ADMIN)
    calls = [c for c in route_calls(app, UNSAFE) if c[0] not in NO_SESSION]
    assert len(calls) >= 40, "the URL map should hold every unsafe route"
    refused = []
    start = state_of(app, full=True)
    for endpoint, method, url, is_api in calls:
        before = state_of(app)
        response = admin.client.open(url, method=method, **_body(endpoint, method, is_api))
        label = f"{method} {url} ({endpoint})"
        if response.status_code != 400:
            refused.append(f"{label}: {response.status_code}")
            continue
        if is_api:
            error = response.get_json()["error"]
            assert error["code"] == "csrf" and error["message"], label
        else:
            assert response.mimetype == "text/html", label
            # The error page, in the person's language (Polish for the demo admin).
            assert "formularz" in response.get_data(as_text=True).lower(), label
        changed = changed_tables(before, state_of(app))
        assert changed == [], f"{label} changed {changed} without a CSRF token"
    assert refused == [], "answered without a CSRF token:\n" + "\n".join(refused)
    assert changed_tables(start, state_of(app, full=True)) == []
    # Still signed in: the refused sign-out did not happen either.
    assert admin.client.get("/account/").status_code == 200


def test_csrf_token_of_the_session_is_accepted(app, accounts):
    """The refusal above is about the token: the same form with it goes through."""
    admin = person(app, ADMIN)
    response = admin.client.post(
        "/admin/organisations",
        data={"csrf_token": admin.csrf, "name": "Firma z tokenem", "kind": "enterprise"},
    )
    assert response.status_code == 302
    foreign = person(app, accounts.email("member", SLUG))
    stolen = admin.client.post(
        "/admin/organisations",
        data={"csrf_token": foreign.csrf, "name": "Firma z cudzym tokenem", "kind": "enterprise"},
    )
    assert stolen.status_code == 400, "another session's CSRF token must not be accepted"


def test_api_calls_with_a_bearer_token_need_no_csrf_token(app):
    admin = person(app, ADMIN)
    calls = [c for c in route_calls(app, UNSAFE) if c[3] and c[0] not in NO_SESSION]
    cookieless = app.test_client()
    wrong = []
    for client in (cookieless, admin.client):  # without and with the session cookie
        for endpoint, method, url, _api in calls:
            response = client.open(url, method=method, headers=admin.bearer, **_body(endpoint, method, True))
            body = response.get_json(silent=True) or {}
            error = body.get("error") if isinstance(body, dict) else None
            if response.status_code == 400 or (isinstance(error, dict) and error["code"] == "csrf"):
                wrong.append(f"{method} {url}: {response.status_code} {body}")
            assert response.status_code < 500, (url, body)
    assert wrong == []
    # The token really acted (not merely "not 400"): the organisation exists now.
    answer = cookieless.post(
        "/api/v1/organisations", headers=admin.bearer, json={"name": "Przez token", "kind": "other"}
    )
    assert answer.status_code == 201


@pytest.mark.parametrize("who", ["admin", "member"])
def test_no_get_changes_anything(app, accounts, who):
    email = ADMIN if who == "admin" else accounts.email("member", SLUG)
    visitor = person(app, email)
    calls = list(route_calls(app, frozenset({"GET"})))
    before = state_of(app, full=True)
    seen = 0
    for endpoint, _method, url, is_api in calls:
        headers = visitor.bearer if is_api else {}
        step = state_of(app)
        response = visitor.client.get(url, headers=headers)
        assert response.status_code < 500, f"GET {url}: {response.status_code}"
        changed = changed_tables(step, state_of(app))
        assert changed == [], f"GET {url} ({endpoint}) as {who} changed {changed}"
        seen += 1
    assert seen >= 40
    assert changed_tables(before, state_of(app, full=True)) == []


# --- open redirects -------------------------------------------------------------------

EVIL_TARGETS = [
    "https://evil.example",
    "http://evil.example/login",
    "//evil.example",
    "///evil.example",
    "////evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "https:evil.example",
    "https:/evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "@evil.example",
    "http://localhost@evil.example/",
    "http://localhost.evil.example/",
    "/%2F%2Fevil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "/.\\./evil.example",
    "\x00//evil.example",
    "/\r\nLocation: https://evil.example",
    "／／evil.example",
]


def _stays_here(location: str) -> bool:
    """Would a browser stay on this site? Browsers drop tabs and newlines and read a
    backslash as a slash, so judge the location as they would."""
    browser = location.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    parts = urlsplit(browser)
    if parts.scheme or parts.netloc:
        return parts.scheme in ("http", "https") and parts.netloc == "localhost"
    return browser.startswith("/") and not browser.startswith("//")


def test_sign_in_never_redirects_off_site(app, accounts):
    email = accounts.email("member", SLUG)
    escaped = []
    for target in EVIL_TARGETS:
        client = app.test_client()
        # The form carries `next` from the address it was opened with.
        page = client.get("/login", query_string={"next": target})
        if "\x00" in target:  # refused before anything reads it (webapp.inputs)
            assert page.status_code == 400, repr(target)
            continue
        assert page.status_code == 200, repr(target)
        response = client.post(
            "/login",
            data={
                "csrf_token": page_csrf(client),
                "email": email,
                "password": DEMO_PASSWORD,
                "next": target,
            },
        )
        assert response.status_code == 302, (target, response.status_code)
        if not _stays_here(response.headers["Location"]):
            escaped.append(f"next={target!r} -> {response.headers['Location']!r}")
    assert escaped == []


def test_language_switch_never_redirects_off_site(app):
    client = app.test_client()
    csrf = page_csrf(client)
    for target in EVIL_TARGETS:
        response = client.post("/language", data={"csrf_token": csrf, "lang": "en", "next": target})
        if "\x00" in target:  # refused before anything reads it (webapp.inputs)
            assert response.status_code == 422, repr(target)
            continue
        assert response.status_code == 302, (target, response.status_code)
        assert _stays_here(response.headers["Location"]), repr(target)


def test_a_path_on_this_site_is_followed(app, accounts):
    """The refusals above are not a blanket refusal: a path here is honoured."""
    client = app.test_client()
    client.get("/login", query_string={"next": f"/c/{SLUG}?tab=1"})
    response = client.post(
        "/login",
        data={
            "csrf_token": page_csrf(client),
            "email": accounts.email("member", SLUG),
            "password": DEMO_PASSWORD,
            "next": f"/c/{SLUG}?tab=1",
        },
    )
    assert response.headers["Location"] == f"/c/{SLUG}?tab=1"
