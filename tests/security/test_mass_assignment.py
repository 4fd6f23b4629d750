"""Extra fields in a write (cluster, role, author, state, version...) are refused, never applied."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import api_token, bearer
from webapp.extensions import db
from webapp.models import AuditEvent, Comment, Organisation, SectionRevision, Stage, User

EXTRAS = {
    "cluster": "makros",
    "role": "admin",
    "author": 1,
    "author_id": 1,
    "state": "approved",
    "version": 99,
    "is_admin": True,
    "id": 12345,
}

WRITES = [
    ("post", "/api/v1/organisations", {"name": "Nowa firma", "kind": "enterprise"}, Organisation),
    (
        "post",
        "/api/v1/users",
        {"email": "x@example.org", "name": "X", "password": "bardzo-dlugie-haslo", "organisation_id": None},
        User,
    ),
    (
        "put",
        "/api/v1/clusters/krea/sections/profile",
        {"content": "Nowy profil", "base_revision": 0},
        SectionRevision,
    ),
    (
        "post",
        "/api/v1/clusters/krea/sections/profile/comments",
        {"body": "Uwaga", "visibility": "all", "kind": "remark"},
        Comment,
    ),
    (
        "post",
        "/api/v1/clusters/mak/stages/goals/transitions",
        {"action": "return", "reason": "Za mało"},
        AuditEvent,
    ),
]


@pytest.mark.parametrize(("method", "url", "body", "model"), WRITES, ids=[w[1] for w in WRITES])
@pytest.mark.parametrize("extra", sorted(EXTRAS))
def test_extra_fields_are_refused_and_nothing_changes(app, client, method, url, body, model, extra):
    headers = bearer(api_token(client, "admin@example.org"))
    with app.app_context():
        rows_before = db.session.scalar(select(func.count()).select_from(model))
        stages_before = sorted(db.session.execute(select(Stage.id, Stage.state)).all())
    response = getattr(client, method)(url, json={**body, extra: EXTRAS[extra]}, headers=headers)
    assert response.status_code == 422, response.get_json()
    assert extra in response.get_json()["error"]["fields"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(model)) == rows_before
        assert sorted(db.session.execute(select(Stage.id, Stage.state)).all()) == stages_before
