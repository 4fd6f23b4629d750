"""Statistics: the deck's figures on the demo data, who sees what, and query counts."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from tests.conftest import api_token, bearer, sign_in
from webapp.extensions import db
from webapp.models import (
    Attendance,
    Comment,
    Meeting,
    Membership,
    Organisation,
    Section,
    SectionRevision,
    User,
)

EN = {"Accept-Language": "en"}
DECK = {
    "clusters": 5,
    "conference_participants": 214,
    "organisations": {"enterprise": 27, "business_support": 8, "science": 9, "other": 0},
    "memberships": 55,
    "avg_organisations_per_cluster": 11,
    "workshops_held": 30,
}


def _value(html: str, element_id: str, attribute: str = "data-value") -> str:
    match = re.search(rf'id="{element_id}"[^>]*?{attribute}="([^"]*)"', html)
    assert match, f"no #{element_id} with {attribute} on the page"
    return match.group(1)


def _text(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html)
    assert match, f"no #{element_id} on the page"
    return match.group(1).strip()


# --- the deck's figures ----------------------------------------------------------------


def test_api_stats_of_the_demo_equal_the_deck(client, accounts):
    token = api_token(client, accounts.email("admin"))
    body = client.get("/api/v1/stats", headers=bearer(token)).get_json()
    assert {key: body[key] for key in DECK} == DECK
    assert sum(c["participants"] for c in body["per_cluster"]) == 214
    assert sum(c["organisations"] for c in body["per_cluster"]) == 55
    assert {c["slug"] for c in body["per_cluster"]} == {
        "makros",
        "e-medycyna",
        "mak",
        "krea",
        "klaster-chemiczny",
    }
    makros = next(c for c in body["per_cluster"] if c["slug"] == "makros")
    assert makros["stages"] == {
        "diagnosis": "approved",
        "goals": "approved",
        "actions": "approved",
        "approval": "approved",
    }
    assert makros["participants"] == 48
    assert makros["workshops_held"] == 6


def test_dashboard_shows_the_deck_figures(client, accounts):
    sign_in(client, accounts.email("admin"))
    response = client.get("/stats", headers=EN)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _value(html, "stat-clusters") == "5"
    assert _value(html, "stat-participants") == "214"
    assert float(_value(html, "stat-avg-organisations")) == 11
    assert _text(html, "stat-avg-organisations") == "11"
    assert _text(html, "stat-participants") == "214"
    assert [_value(html, f"stat-kind-{k}") for k in ("enterprise", "business_support", "science")] == [
        "27",
        "8",
        "9",
    ]
    assert _value(html, "stat-memberships") == "55"
    assert _value(html, "stat-workshops", "data-held") == "30"
    # Every chart is an image served here (no CDN), with its table beside it.
    charts = re.findall(r'<img class="img-fluid chart" src="([^"]+)"', html)
    assert charts == [
        "/stats/charts/organisations.svg",
        "/stats/charts/participants.svg",
        "/stats/charts/progress.svg",
        "/stats/charts/activity.svg",
    ]
    assert html.count("<table") >= 4
    assert "<script>" not in html and " style=" not in html


def test_csv_export_has_the_deck_totals(client, accounts):
    sign_in(client, accounts.email("admin"))
    response = client.get("/stats.csv", headers=EN)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[:7] == [
        "Cluster",
        "Short name",
        "Organisations",
        "Enterprises",
        "Business-support institutions",
        "Science",
        "Other",
    ]
    total = next(r for r in rows if r[0].startswith("All clusters"))
    assert total[2:10] == ["44", "27", "8", "9", "0", "214", "30", "30"]
    assert next(r for r in rows if r[0] == "Memberships")[2] == "55"
    assert float(next(r for r in rows if r[0].startswith("Organisations per cluster"))[2]) == 11
    assert len([r for r in rows[1:] if len(r) > 1 and r[1]]) == 5  # one row per cluster


@pytest.mark.parametrize("name", ["organisations", "participants", "progress", "activity"])
def test_charts_are_svg_images_of_our_own(client, accounts, name):
    sign_in(client, accounts.email("admin"))
    response = client.get(f"/stats/charts/{name}.svg", headers=EN)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    root = ET.fromstring(response.data)  # noqa: S314 - our own chart, parsed to check its shape
    assert root.tag.endswith("svg")
    assert not re.search(rb'(?:href|src)="(?:https?:)?//', response.data)  # nothing fetched


def test_unknown_chart_is_404(client, accounts):
    sign_in(client, accounts.email("admin"))
    assert client.get("/stats/charts/nothing.svg").status_code == 404
    assert client.get("/c/makros/stats/charts/nothing.svg").status_code == 404


# --- who sees what ---------------------------------------------------------------------

AGENCY_URLS = ["/stats", "/stats.csv", "/stats/charts/organisations.svg"]
CLUSTER_URLS = ["/c/makros/stats", "/c/makros/stats.csv", "/c/makros/stats/charts/progress.svg"]

# (who, expected status of the statistics pages, of makros's pages); None: not signed in.
# Everyone signed in has the statistics page; what it covers is the API's scope (below).
VISIBILITY = [
    ("admin", 200, 200),
    ("moderator", 200, 200),
    ("member", 200, 200),
    ("observer", 200, 200),
    ("outsider", 200, 404),
    (None, 302, 302),
]


def _who(accounts, who: str | None) -> str | None:
    if who is None:
        return None
    if who == "admin":
        return accounts.email("admin")
    if who == "outsider":
        return accounts.outsider("makros")
    return accounts.email(who, "makros")


@pytest.mark.parametrize(("who", "agency_status", "cluster_status"), VISIBILITY)
def test_statistics_pages_per_role(client, accounts, who, agency_status, cluster_status):
    email = _who(accounts, who)
    if email:
        sign_in(client, email)
    for url in AGENCY_URLS:
        assert client.get(url).status_code == agency_status, url
    for url in CLUSTER_URLS:
        assert client.get(url).status_code == cluster_status, url


def _clusters_of(accounts, email: str) -> set[str]:
    return {a["cluster"] for a in accounts.all if a["email"] == email}


@pytest.mark.parametrize("who", ["moderator", "member", "observer", "outsider"])
def test_api_stats_cover_only_the_callers_clusters(client, accounts, who):
    email = _who(accounts, who)
    mine = _clusters_of(accounts, email)
    body = client.get("/api/v1/stats", headers=bearer(api_token(client, email))).get_json()
    assert {c["slug"] for c in body["per_cluster"]} == mine
    assert body["clusters"] == len(mine)
    # Figures are computed over those clusters only, never the agency's totals.
    assert body["conference_participants"] == sum(c["participants"] for c in body["per_cluster"])
    assert body["memberships"] == sum(c["organisations"] for c in body["per_cluster"])
    assert sum(body["organisations"].values()) <= body["memberships"]
    if who == "outsider":
        assert "makros" not in {c["slug"] for c in body["per_cluster"]}


@pytest.mark.parametrize("who", ["admin", "moderator", "observer", "outsider"])
def test_page_csv_and_api_cover_the_same_clusters(client, accounts, who):
    """One scope, asked by the page, its CSV and the API alike: they never disagree."""
    email = _who(accounts, who)
    sign_in(client, email)
    api = client.get("/api/v1/stats", headers=bearer(api_token(client, email))).get_json()
    html = client.get("/stats", headers=EN).get_data(as_text=True)
    expected_scope = "agency" if who == "admin" else "own"
    assert re.search(rf'id="stats-title" data-scope="{expected_scope}"', html)
    assert _value(html, "stat-participants") == str(api["conference_participants"])
    assert _value(html, "stat-memberships") == str(api["memberships"])
    body = client.get("/stats.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    slugs = {row[1] for row in rows[1:] if len(row) > 1 and row[1]}  # summary rows have none
    assert slugs == {c["slug"] for c in api["per_cluster"]}


def test_api_stats_need_a_caller(client):
    response = client.get("/api/v1/stats")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_cluster_page_shows_only_its_own_figures(client, accounts):
    sign_in(client, accounts.email("member", "makros"))
    html = client.get("/c/makros/stats", headers=EN).get_data(as_text=True)
    assert _value(html, "stat-participants") == "48"
    assert "stat-clusters" not in html
    assert 'data-slug="krea"' not in html and "KREA" not in html
    kinds = [int(_value(html, f"stat-kind-{k}")) for k in ("enterprise", "business_support", "science")]
    assert sum(kinds) == int(float(_value(html, "stat-avg-organisations"))) == 12
    # Participants per meeting: the conference and the six workshops.
    assert html.count("/c/makros/meetings/") >= 7


def test_moderators_only_comments_never_count(appctx, client, accounts):
    sign_in(client, accounts.email("admin"))
    before = client.get("/api/v1/stats").get_json()["activity"]
    section = db.session.scalars(db.select(Section).limit(1)).one()
    author = db.session.scalars(db.select(User).where(User.is_admin.is_(False)).limit(1)).one()
    when = datetime(2014, 3, 20, 12, 0, tzinfo=UTC)
    for visibility in ("all", "moderators"):
        db.session.add(
            Comment(
                cluster_id=section.cluster_id,
                section_id=section.id,
                author_id=author.id,
                body="x",
                visibility=visibility,
                created_at=when,
            )
        )
    db.session.commit()
    after = client.get("/api/v1/stats").get_json()["activity"]
    assert sum(w["comments"] for w in after) == sum(w["comments"] for w in before) + 1
    assert all(re.fullmatch(r"\d{4}-W\d{2}", w["week"]) for w in after)


# --- queries do not grow with the data --------------------------------------------------


@contextmanager
def counting_queries():
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):  # noqa: ANN001
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _add_clusters(n: int) -> None:
    """n more clusters, each with members, meetings, attendance, revisions and comments."""
    from webapp.clusters.operations import create_cluster

    start = datetime(2014, 1, 6, 9, 0, tzinfo=UTC)
    for i in range(n):
        cluster = create_cluster(f"extra-{i}", f"Extra cluster {i:02d}", "other")
        people = []
        for j, kind in enumerate(("enterprise", "business_support", "science", "other")):
            org = Organisation(name=f"Extra org {i}-{j}", kind=kind)
            db.session.add(org)
            db.session.flush()
            user = User(
                email=f"extra{i}-{j}@example.org",
                name=f"Extra {i}-{j}",
                password_hash="x",
                organisation_id=org.id,
            )
            db.session.add(user)
            db.session.flush()
            db.session.add(
                Membership(cluster_id=cluster.id, user_id=user.id, role="moderator" if j == 0 else "member")
            )
            people.append(user)
        conference = Meeting(
            cluster_id=cluster.id,
            kind="conference",
            title="Konferencja",
            starts_at=start,
            held=True,
            section_keys=[],
        )
        db.session.add(conference)
        db.session.flush()
        for number in range(1, 7):
            workshop = Meeting(
                cluster_id=cluster.id,
                kind="workshop",
                number=number,
                title=f"Warsztat {number}",
                starts_at=start + timedelta(weeks=number),
                held=number < 4,
                section_keys=["profile"],
            )
            db.session.add(workshop)
            db.session.flush()
            for user in people:
                db.session.add(
                    Attendance(
                        meeting_id=workshop.id,
                        user_id=user.id,
                        organisation_id=user.organisation_id,
                    )
                )
        for user in people:
            db.session.add(Attendance(meeting_id=conference.id, user_id=user.id))
        sections = db.session.scalars(db.select(Section).where(Section.cluster_id == cluster.id)).all()
        for k, section in enumerate(sections[:5]):
            db.session.add(
                SectionRevision(
                    section_id=section.id,
                    number=1,
                    content="x",
                    author_id=people[1].id,
                    created_at=start + timedelta(days=7 * k),
                )
            )
            db.session.add(
                Comment(
                    cluster_id=cluster.id,
                    section_id=section.id,
                    author_id=people[2].id,
                    body="y",
                    created_at=start + timedelta(days=3 * k),
                )
            )
    db.session.commit()


MEASURED = [
    "/stats",
    "/stats.csv",
    "/api/v1/stats",
    "/stats/charts/organisations.svg",
    "/stats/charts/participants.svg",
    "/stats/charts/progress.svg",
    "/stats/charts/activity.svg",
    "/c/makros/stats",
]


def _measure(client) -> dict[str, int]:  # noqa: ANN001
    counts = {}
    for url in MEASURED:
        client.get(url)  # warm: sessions, caches
        with counting_queries() as statements:
            assert client.get(url).status_code == 200, url
        counts[url] = len(statements)
    return counts


def test_statistics_queries_do_not_grow_with_clusters(appctx, client, accounts):
    sign_in(client, accounts.email("admin"))
    with_5 = _measure(client)
    _add_clusters(45)
    body = client.get("/api/v1/stats").get_json()
    assert body["clusters"] == 50
    assert body["conference_participants"] == 214 + 45 * 4
    assert body["workshops_held"] == 30 + 45 * 3
    with_50 = _measure(client)
    assert with_50 == with_5
    assert with_5["/stats"] <= 15, with_5
