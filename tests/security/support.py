"""Shared helpers of the security tests: the state of the database, signed-in clients."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.types import DateTime

from tests.conftest import DEMO_PASSWORD, page_csrf, sign_in
from webapp.extensions import db

HERE = Path(__file__).resolve().parent

#: The cluster whose objects fill the URLs of the route-by-route tests.
SLUG = "mak"

#: Columns that only note when a sign-in was last used: reading may write them.
BOOKKEEPING = {("login_sessions", "last_seen_at"), ("api_tokens", "last_used_at")}


def _datetime_columns(table) -> list:  # noqa: ANN001
    return [c for c in table.columns if isinstance(c.type, DateTime) or "DateTime" in type(c.type).__name__]


def state_of(app, full: bool = False) -> dict[str, tuple]:  # noqa: ANN001
    """Per table: row count and the latest of each timestamp (one query per table), and
    with `full` a digest of every row too.

    The bookkeeping columns of sign-ins are left out; everything else must stay put.
    """
    from webapp import models  # noqa: F401  (every table registered)

    state: dict[str, tuple] = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in BOOKKEEPING]
            stamps = [func.max(c) for c in _datetime_columns(table) if c in columns]
            summary = tuple(db.session.execute(select(func.count(), *stamps).select_from(table)).one())
            if full:
                digest = hashlib.sha256()
                order = list(table.primary_key.columns)
                for row in db.session.execute(select(*columns).order_by(*order)):
                    digest.update(repr(tuple(row)).encode())
                summary += (digest.hexdigest(),)
            state[table.name] = summary
        db.session.remove()
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(name for name in before if before[name] != after[name])


@dataclass
class Person:
    """A signed-in test client with its CSRF token and a bearer token of the same person."""

    email: str
    client: object
    csrf: str
    token: str

    @property
    def bearer(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


def person(app, email: str, password: str = DEMO_PASSWORD) -> Person:  # noqa: ANN001
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert token.status_code == 200, token.get_json()
    assert sign_in(client, email, password).status_code == 302
    return Person(email, client, page_csrf(client, "/account/"), token.get_json()["token"])


def payloads() -> list[str]:
    """The XSS corpus: one payload per line, comments and blank lines left out."""
    lines = (HERE / "xss_payloads.txt").read_text(encoding="utf-8").splitlines()
    found = [line for line in lines if line.strip() and not line.startswith("# ")]
    assert all(len(p) <= 100 for p in found), "a payload longer than the shortest field"
    return found


def route_calls(app, methods: frozenset[str], slug: str = SLUG):  # noqa: ANN001, ANN201
    """(endpoint, method, url, is_api) for every route answering one of `methods`, its
    URL filled with real objects of `slug`; removals last, so that what they remove is
    there for the others."""
    from tests.security.test_authorization_matrix import DESTRUCTIVE, _objects

    values = _objects(app, slug)
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint in DESTRUCTIVE, r.rule))
    for rule in rules:
        url = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods & methods):
            yield rule.endpoint, method, url, rule.rule.startswith("/api/")


def age_password(app, email: str, ago: timedelta = timedelta(hours=1)) -> None:  # noqa: ANN001
    """As if the person last typed their password `ago` back, in every session."""
    from webapp.models import LoginSession, User
    from webapp.models.base import utcnow

    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
        db.session.execute(
            update(LoginSession)
            .where(LoginSession.user_id == user_id)
            .values(password_confirmed_at=utcnow() - ago)
        )
        db.session.commit()
