"""The one commit point (webapp.transaction) and the events side effects subscribe to
(webapp.events): what a request keeps, what it throws away, and when it tells others."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import abort
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from tests.web.test_comments import ctx
from webapp import events, transaction
from webapp.extensions import db
from webapp.models import AuditEvent, Cluster, Notification

MARK = "transaction-test"


def _write() -> None:
    db.session.add(AuditEvent(verb=MARK, subject="x", reason="", details={}))
    db.session.flush()


def _count(app) -> int:  # noqa: ANN001
    with ctx(app) as session:
        return session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.verb == MARK))


@pytest.fixture
def routed(app):  # noqa: ANN001, ANN201
    """The app with a few views that write and then answer in different ways."""
    told: list[str] = []

    def answer(status: int):  # noqa: ANN202
        _write()
        transaction.after_commit(lambda: told.append("after"))
        return "answered", status

    def refuse():  # noqa: ANN202
        _write()
        abort(403)

    def keep():  # noqa: ANN202
        _write()
        transaction.keep_when_refused()
        abort(401)

    def crash():  # noqa: ANN202
        _write()
        raise RuntimeError("a bug")

    app.add_url_rule("/_t/answer/<int:status>", view_func=answer)
    app.add_url_rule("/_t/refuse", view_func=refuse)
    app.add_url_rule("/_t/keep", view_func=keep)
    app.add_url_rule("/_t/crash", view_func=crash)
    app.told = told
    return app


@pytest.mark.parametrize(
    ("status", "kept"), [(200, 1), (201, 1), (302, 1), (409, 0), (422, 0), (429, 0), (503, 0)]
)
def test_an_answer_below_400_commits_and_a_refusal_rolls_back(routed, status, kept):
    response = routed.test_client().get(f"/_t/answer/{status}")
    assert response.status_code == status
    assert _count(routed) == kept
    # the side effect waits for the commit and never happens without it
    assert routed.told == (["after"] if kept else [])


def test_an_aborted_view_leaves_nothing(routed):
    assert routed.test_client().get("/_t/refuse").status_code == 403
    assert _count(routed) == 0


def test_a_refusal_may_keep_what_must_count(routed):
    assert routed.test_client().get("/_t/keep").status_code == 401
    assert _count(routed) == 1


def test_an_unexpected_error_rolls_back(routed):
    with pytest.raises(RuntimeError):
        routed.test_client().get("/_t/crash")
    assert _count(routed) == 0


def test_unit_of_work_commits_or_rolls_back(app):
    with app.app_context():
        with transaction.unit_of_work():
            _write()
        with pytest.raises(ValueError), transaction.unit_of_work():
            _write()
            raise ValueError("refused")
        db.session.remove()
    assert _count(app) == 1


def test_every_event_is_in_the_audit_trail_and_reaches_subscribers(app):
    seen: list[tuple[str, str]] = []

    def listener(verb: str, event: events.Event) -> None:
        seen.append((verb, event.subject))

    events.happened.connect(listener)
    try:
        with app.app_context():
            cluster = db.session.scalar(select(Cluster).where(Cluster.slug == "krea"))
            with transaction.unit_of_work():
                events.emit("meeting.plan", cluster, subject="Warsztat 7", meeting_id=7)
                nobody_asked = SimpleNamespace(requested_by_id=None)
                events.emit("document.ready", cluster, subject="v9", context={"document": nobody_asked})
            rows = db.session.scalars(select(AuditEvent).where(AuditEvent.cluster_id == cluster.id)).all()
            db.session.remove()
    finally:
        events.happened.disconnect(listener)
    assert seen == [("meeting.plan", "Warsztat 7"), ("document.ready", "v9")]
    planned = [r for r in rows if r.verb == "meeting.plan" and r.subject == "Warsztat 7"]
    assert len(planned) == 1 and planned[0].details == {"meeting_id": 7}
    # an announcement of something already recorded is not recorded twice
    assert not [r for r in rows if r.verb == "document.ready"]


def test_a_notification_that_cannot_be_written_never_undoes_the_change(app, monkeypatch):
    from webapp.notifications import subscriptions

    def broken(*_args: object) -> None:
        db.session.add(Notification(user_id=None, kind="review_requested", params={}, link=""))
        raise SQLAlchemyError("the notification could not be written")

    monkeypatch.setattr(subscriptions, "notify_stage_event", broken)
    with app.app_context():
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == "krea"))
        notified = db.session.scalar(select(func.count(Notification.id)))
        with transaction.unit_of_work():
            events.emit("stage.submit", cluster, subject="diagnosis", reason=MARK)
        recorded = db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.verb == "stage.submit", AuditEvent.reason == MARK
            )
        )
        assert recorded == 1
        assert db.session.scalar(select(func.count(Notification.id))) == notified
        db.session.remove()
