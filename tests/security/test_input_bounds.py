"""Inputs no column can hold are refused with a 4xx and a message before any query:
ids beyond INTEGER, NUL and lone surrogates, deep JSON, dates far away, loose If-Match.
One test per class of input; the fuzz matrix sends them everywhere."""

from __future__ import annotations

import pytest
from marshmallow import Schema
from sqlalchemy import func, select
from wtforms import fields as wtforms_fields

from tests.conftest import api_token, bearer, page_csrf, sign_in
from webapp.api.schemas import Bounded
from webapp.extensions import db
from webapp.models import Meeting, Organisation

EN = {"Accept-Language": "en"}
DEEP = "[" * 10_000 + "]" * 10_000
TOO_BIG = [2**31, 2**63, 10**30]


@pytest.fixture
def admin(client):  # noqa: ANN001, ANN201
    return {**bearer(api_token(client, "admin@example.org")), **EN}


def _count(app, model) -> int:  # noqa: ANN001
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("number", TOO_BIG)
def test_ids_in_paths_beyond_the_columns_are_404(client, admin, number):
    assert client.get(f"/api/v1/documents/{number}", headers=admin).status_code == 404
    assert client.post(f"/api/v1/comments/{number}/reopen", headers=admin).status_code == 404


@pytest.mark.parametrize("number", TOO_BIG)
def test_integers_in_queries_and_bodies_beyond_the_columns_are_422(client, admin, number):
    revisions = client.get(f"/api/v1/clusters/mak/sections/profile/revisions?before={number}", headers=admin)
    assert revisions.status_code == 422
    assert revisions.get_json()["error"]["fields"] == ["before"]
    member = client.post(
        "/api/v1/clusters/mak/members", json={"user_id": number, "role": "member"}, headers=admin
    )
    assert member.status_code == 422
    assert member.get_json()["error"]["fields"] == ["user_id"]


def test_an_out_of_range_number_in_a_form_is_the_fields_error(app, client, accounts):
    sign_in(client, accounts.email("moderator", "makros"))
    before = _count(app, Meeting)
    response = client.post(
        "/c/makros/meetings/new",
        data={
            "csrf_token": page_csrf(client, "/c/makros/meetings/new"),
            "kind": "other",
            "date": "2014-03-28",
            "start_time": "10:00",
            "head_count": str(2**63),
        },
        headers=EN,
    )
    assert response.status_code == 422
    assert "Enter a whole number from" in response.get_data(as_text=True)
    assert _count(app, Meeting) == before


@pytest.mark.parametrize("text", ["a\x00b", "\ud800", "x\udfff"])
def test_nul_and_lone_surrogates_are_refused_naming_the_field(app, client, admin, text):
    before = _count(app, Organisation)
    response = client.post("/api/v1/organisations", json={"name": text, "kind": "enterprise"}, headers=admin)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["field"] == "name" and "cannot be saved" in error["message"]
    assert _count(app, Organisation) == before


def test_nul_in_a_form_field_is_refused(app, client):
    sign_in(client, "admin@example.org")
    token = page_csrf(client, "/admin/organisations")
    before = _count(app, Organisation)
    response = client.post(
        "/admin/organisations",
        data={"csrf_token": token, "name": "Firma\x00", "kind": "enterprise"},
        headers=EN,
    )
    assert response.status_code == 422
    assert "cannot be saved" in response.get_data(as_text=True)
    assert _count(app, Organisation) == before


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(DEEP, id="deep"),
        pytest.param('{"email": ' + DEEP + ', "password": "x"}', id="deep-member"),
        pytest.param('{"email": "\\ud800", "password": "x"}', id="surrogate"),
        pytest.param('{"email": "a\\u0000b@example.org", "password": "x"}', id="nul"),
        pytest.param('{"email": "a@example.org", "password": NaN}', id="nan"),
    ],
)
def test_the_anonymous_token_endpoint_refuses_hostile_json(client, body):
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json", headers=EN)
    assert response.status_code in (400, 422)
    assert response.get_json()["error"]["message"]


@pytest.mark.parametrize(("field", "value"), [("email", "a\x00b@example.org"), ("password", "hasło\x00")])
def test_the_sign_in_page_refuses_nul(client, field, value):
    data = {"csrf_token": page_csrf(client), "email": "a@example.org", "password": "x"}
    response = client.post("/login", data={**data, field: value}, headers=EN)
    assert response.status_code == 422
    assert "cannot be saved" in response.get_data(as_text=True)


def test_the_sign_in_page_refuses_deep_json(client):
    response = client.post("/login", data=DEEP, content_type="application/json", headers=EN)
    assert response.status_code == 400
    assert "nested too deeply" in response.get_data(as_text=True)


def test_control_characters_in_headers_are_400(client):
    response = client.get("/login", headers={"User-Agent": "Mozilla\x00", **EN})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("date", "start"), [("9999-12-31", "23:30"), ("2101-01-01", "10:00"), ("1000-01-01", "10:00")]
)
def test_meeting_dates_far_away_are_refused(app, client, accounts, date, start):
    sign_in(client, accounts.email("moderator", "makros"))
    before = _count(app, Meeting)
    response = client.post(
        "/c/makros/meetings/new",
        data={
            "csrf_token": page_csrf(client, "/c/makros/meetings/new"),
            "kind": "other",
            "date": date,
            "start_time": start,
        },
        headers=EN,
    )
    assert response.status_code == 422
    assert "between the years 1990 and 2100" in response.get_data(as_text=True)
    assert _count(app, Meeting) == before


# --- If-Match: strict, and a precondition given must hold -----------------------------------

SECTION = "/api/v1/clusters/krea/sections/profile"


@pytest.fixture
def member(client, accounts):  # noqa: ANN001, ANN201
    return {**bearer(api_token(client, accounts.email("member", "krea"))), **EN}


@pytest.mark.parametrize("header", ["3", '"3', '"abc"', '"-1"', '"99999999999"', "", '"1",'])
def test_a_malformed_if_match_is_400(client, member, header):
    response = client.put(SECTION, json={"content": "x"}, headers={**member, "If-Match": header})
    assert response.status_code == 400
    assert "If-Match must name a revision" in response.get_json()["error"]["message"]


def test_a_stale_if_match_is_412_even_with_a_base_revision(client, member):
    current = client.get(SECTION, headers=member).get_json()["revision"]
    response = client.put(
        SECTION,
        json={"content": "nowy", "base_revision": current},
        headers={**member, "If-Match": f'"{current + 5}"'},
    )
    assert response.status_code == 412
    assert client.get(SECTION, headers=member).get_json()["revision"] == current


def test_if_match_and_base_revision_must_agree(client, member):
    current = client.get(SECTION, headers=member).get_json()["revision"]
    saved = client.put(SECTION, json={"content": "pierwszy", "base_revision": current}, headers=member)
    assert saved.status_code == 200
    latest = saved.get_json()["revision"]
    response = client.put(
        SECTION,
        json={"content": "drugi", "base_revision": current},
        headers={**member, "If-Match": f'"{latest}"'},
    )
    assert response.status_code == 412
    assert "different revisions" in response.get_json()["error"]["message"]
    agreed = client.put(
        SECTION,
        json={"content": "drugi", "base_revision": latest},
        headers={**member, "If-Match": f'W/"{latest}", "{latest + 7}"'},
    )
    assert agreed.status_code == 200


# --- every form and every API schema goes through the bounds -------------------------------


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_forms_use_the_bounded_fields(app):
    from flask_wtf import FlaskForm
    from wtforms.fields.core import UnboundField

    unbounded = {wtforms_fields.IntegerField, wtforms_fields.DateField}
    wrong = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in _subclasses(FlaskForm)
        if form.__module__.startswith("webapp.")
        for name, value in vars(form).items()
        if isinstance(value, UnboundField) and value.field_class in unbounded
    ]
    assert wrong == [], "use webapp.form_fields.IntegerField/DateField"


def test_api_arguments_are_bounded_schemas(app):
    wrong = []
    for endpoint, view in app.view_functions.items():
        for argument in getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", []):
            schema = argument["schema"]
            schema_class = schema if isinstance(schema, type) else type(schema)
            assert issubclass(schema_class, Schema)
            if not issubclass(schema_class, Bounded):
                wrong.append(f"{endpoint}: {schema_class.__name__}")
    assert wrong == [], "API argument schemas derive from webapp.api.schemas.Bounded"
