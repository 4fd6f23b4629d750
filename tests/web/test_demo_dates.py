"""The demo lives in its own time (the deck's 2013–14): its history, signatures, members and revisions
carry dates of then, never the day it was loaded, so its pages and charts read as that time."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from tests.conftest import api_token, bearer
from webapp.extensions import db
from webapp.models import AuditEvent, Cluster, Membership, SectionRevision, SignOff, Stage

THEN = (datetime(2013, 9, 1, tzinfo=UTC), datetime(2014, 6, 30, tzinfo=UTC))


def _within(moments: list[datetime]) -> list[datetime]:
    return [m for m in moments if not THEN[0] <= m.astimezone(UTC) <= THEN[1]]


def test_every_dated_row_of_the_demo_is_of_2013_14(appctx):
    events = db.session.execute(
        select(AuditEvent.verb, AuditEvent.created_at).where(AuditEvent.cluster_id.is_not(None))
    ).all()
    late = {verb for verb, at in events if _within([at])}
    assert late == set(), "audit events dated outside the demo's time"
    signoffs = db.session.scalars(select(SignOff.created_at)).all()
    revisions = db.session.scalars(select(SectionRevision.created_at)).all()
    memberships = db.session.scalars(select(Membership.created_at)).all()
    clusters = db.session.scalars(select(Cluster.created_at)).all()
    stages = db.session.scalars(select(Stage.updated_at)).all()
    assert events and signoffs and revisions
    for name, moments in {
        "signatures": signoffs,
        "revisions": revisions,
        "memberships": memberships,
        "clusters": clusters,
        "stages": stages,
    }.items():
        assert _within(moments) == [], f"{name} dated outside the demo's time"


def test_the_demos_history_runs_in_order(appctx):
    makros = db.session.scalar(select(Cluster).where(Cluster.slug == "makros"))
    rows = db.session.execute(
        select(AuditEvent.verb, AuditEvent.subject, AuditEvent.created_at)
        .where(AuditEvent.cluster_id == makros.id)
        .order_by(AuditEvent.created_at, AuditEvent.id)
    ).all()
    verbs = [verb for verb, _subject, _at in rows]
    # people first, then the stages one after another, signatures before the adoption
    assert set(verbs[:3]) <= {"cluster.create", "member.add"}
    assert verbs.index("stage.submit") < verbs.index("stage.approve")
    adoption = max(i for i, row in enumerate(rows) if tuple(row[:2]) == ("stage.approve", "approval"))
    assert all(i < adoption for i, (verb, _s, _at) in enumerate(rows) if verb == "signoff")
    revision_months = {
        (at.year, at.month) for at in db.session.scalars(select(SectionRevision.created_at)).all()
    }
    assert len(revision_months) >= 4, "the demo's writing spreads over its workshops"


def test_the_activity_covers_the_demos_time(app, client, accounts):
    token = api_token(client, accounts.email("admin"))
    weeks = client.get("/api/v1/stats", headers=bearer(token)).get_json()["activity"]
    active = [w["week"] for w in weeks if w["revisions"] or w["comments"]]
    assert active and all(w[:4] in ("2013", "2014") for w in active)
    assert active[0] < "2014-W01" < active[-1]  # from late 2013 into 2014
