"""Sections through the API: read, save, merge, conflict, bad input, history."""

from __future__ import annotations

import pytest

from tests.conftest import api_token, bearer

SLUG = "krea"  # diagnosis is drafting in the demo


@pytest.fixture
def member(client, accounts):  # noqa: ANN001, ANN201
    return bearer(api_token(client, accounts.email("member", SLUG)))


@pytest.fixture
def other_member(client, accounts):  # noqa: ANN001, ANN201
    return bearer(api_token(client, accounts.email("member", SLUG, index=1)))


def url(key: str) -> str:
    return f"/api/v1/clusters/{SLUG}/sections/{key}"


def test_get_section_has_shape_and_etag(client, member):
    response = client.get(url("profile"), headers=member)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"key", "kind", "content", "revision"}
    assert response.headers["ETag"] == f'"{body["revision"]}"'


def test_save_makes_a_revision(client, member):
    current = client.get(url("swot"), headers=member).get_json()
    assert current["revision"] == 0
    content = {
        "strengths": ["Silne studia projektowe"],
        "weaknesses": [],
        "opportunities": [],
        "threats": [],
    }
    response = client.put(url("swot"), json={"content": content, "base_revision": 0}, headers=member)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["revision"] == 1 and response.get_json()["merged"] is False
    assert client.get(url("swot"), headers=member).get_json()["content"] == content
    history = client.get(url("swot") + "/revisions", headers=member).get_json()["revisions"]
    assert [r["revision"] for r in history] == [1]


def test_non_overlapping_saves_merge(client, member, other_member):
    base = client.get(url("profile"), headers=member).get_json()
    lines = base["content"].split("\n")
    mine = "\n".join(["MOJE ZDANIE", *lines])
    theirs = "\n".join([*lines, "ICH ZDANIE"])
    first = client.put(
        url("profile"),
        json={"content": theirs, "base_revision": base["revision"]},
        headers=other_member,
    )
    assert first.status_code == 200
    second = client.put(
        url("profile"), json={"content": mine, "base_revision": base["revision"]}, headers=member
    )
    assert second.status_code == 200, second.get_json()
    assert second.get_json()["merged"] is True
    final = client.get(url("profile"), headers=member).get_json()["content"]
    assert final.startswith("MOJE ZDANIE") and final.rstrip().endswith("ICH ZDANIE")


def test_overlapping_saves_conflict_and_nothing_is_written(client, member, other_member):
    base = client.get(url("profile"), headers=member).get_json()
    first = client.put(
        url("profile"),
        json={"content": "ich wersja", "base_revision": base["revision"]},
        headers=other_member,
    )
    assert first.status_code == 200
    second = client.put(
        url("profile"),
        json={"content": "moja wersja", "base_revision": base["revision"]},
        headers=member,
    )
    assert second.status_code == 409
    body = second.get_json()
    assert body["error"]["code"] == "conflict"
    assert (
        body["theirs"] == "ich wersja" and body["yours"] == "moja wersja" and body["base"] == base["content"]
    )
    assert client.get(url("profile"), headers=member).get_json()["content"] == "ich wersja"


def test_stale_if_match_is_412(client, member):
    current = client.get(url("profile"), headers=member).get_json()
    ok = client.put(
        url("profile"),
        json={"content": "nowy tekst"},
        headers={**member, "If-Match": f'"{current["revision"]}"'},
    )
    assert ok.status_code == 200
    stale = client.put(
        url("profile"),
        json={"content": "inny"},
        headers={**member, "If-Match": f'"{current["revision"]}"'},
    )
    assert stale.status_code == 412


@pytest.mark.parametrize(
    ("key", "content", "field"),
    [
        ("swot", "just a string", ""),
        (
            "swot",
            {"strengths": "not a list", "weaknesses": [], "opportunities": [], "threats": []},
            "strengths",
        ),
        ("profile", "x" * 5_000_001, ""),
    ],
)
def test_invalid_content_is_422_naming_the_field(client, member, key, content, field):
    before = client.get(url(key), headers=member).get_json()
    response = client.put(
        url(key),
        json={"content": content, "base_revision": before["revision"]},
        headers={**member, "Accept-Language": "en"},
    )
    assert response.status_code in (413, 422)
    if response.status_code == 422:
        assert response.get_json()["error"]["code"] == "invalid_content"
        assert response.get_json()["error"]["field"].startswith(field)
    assert client.get(url(key), headers=member).get_json() == before


def test_observer_may_not_edit_and_approved_stage_is_read_only(client, accounts):
    observer = bearer(api_token(client, accounts.email("observer", SLUG)))
    response = client.put(url("profile"), json={"content": "x", "base_revision": 0}, headers=observer)
    assert response.status_code == 403
    member = bearer(api_token(client, accounts.email("member", "makros")))
    approved = client.put(
        "/api/v1/clusters/makros/sections/profile",
        json={"content": "x", "base_revision": 1},
        headers=member,
    )
    assert approved.status_code == 409
    assert approved.get_json()["error"]["code"] == "stage_approved"


def test_unknown_section_and_foreign_cluster_are_404(client, member, accounts):
    assert client.get(url("nope"), headers=member).status_code == 404
    outsider = bearer(api_token(client, accounts.outsider(SLUG)))
    assert client.get(url("profile"), headers=outsider).status_code == 404
