"""A workflow definition edited without a new version number starts no cluster: the admin
form and the API refuse it (4xx, in the person's language) and nothing is written."""

from __future__ import annotations

import copy

from sqlalchemy import func, select

from tests.conftest import api_token, bearer, page_csrf, sign_in
from webapp.extensions import db
from webapp.models import Cluster, WorkflowDefinitionRecord
from workflows.definition import default_definition

ADMIN = "admin@example.org"
REFUSED_EN = "is already stored with different content"
REFUSED_PL = "jest już zapisana z inną treścią"


def _store_another_body_under_the_default_version(app) -> None:  # noqa: ANN001
    """As if default.yaml had been edited since the demo's clusters started with it."""
    defn = default_definition()
    with app.app_context():
        record = db.session.scalar(
            select(WorkflowDefinitionRecord).where(
                WorkflowDefinitionRecord.key == defn.key, WorkflowDefinitionRecord.version == defn.version
            )
        )
        assert record is not None, "the demo's clusters store the default definition"
        body = copy.deepcopy(record.body)
        body["title"]["en"] += " (as it was)"
        record.body = body
        db.session.commit()


def _counts(app) -> tuple[int, int]:  # noqa: ANN001
    with app.app_context():
        return (
            db.session.scalar(select(func.count(Cluster.id))),
            db.session.scalar(select(func.count(WorkflowDefinitionRecord.id))),
        )


def test_the_api_refuses_a_changed_definition_under_a_used_version(app, client):
    token = api_token(client, ADMIN)
    _store_another_body_under_the_default_version(app)
    before = _counts(app)
    response = client.post(
        "/api/v1/clusters",
        json={"slug": "nowy", "name": "Nowy klaster", "sector": "other", "goal": ""},
        headers={**bearer(token), "Accept-Language": "en"},
    )
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert error["field"] == "definition"
    assert REFUSED_EN in error["message"]
    assert _counts(app) == before
    with app.app_context():
        assert db.session.scalar(select(Cluster.id).where(Cluster.slug == "nowy")) is None


def test_the_admin_form_refuses_it_in_polish_and_creates_nothing(app, client):
    sign_in(client, ADMIN)
    _store_another_body_under_the_default_version(app)
    before = _counts(app)
    response = client.post(
        "/admin/clusters",
        data={
            "csrf_token": page_csrf(client, "/admin/clusters"),
            "slug": "nowy",
            "name": "Nowy klaster",
            "sector": "other",
            "goal": "",
        },
    )
    assert response.status_code == 422
    assert REFUSED_PL in response.get_data(as_text=True)
    assert _counts(app) == before


def test_the_same_body_under_the_same_version_still_starts_a_cluster(app, client):
    token = api_token(client, ADMIN)
    before = _counts(app)
    response = client.post(
        "/api/v1/clusters",
        json={"slug": "nowy", "name": "Nowy klaster", "sector": "other", "goal": ""},
        headers=bearer(token),
    )
    assert response.status_code == 201, response.get_json()
    assert _counts(app) == (before[0] + 1, before[1])  # the stored version is reused
