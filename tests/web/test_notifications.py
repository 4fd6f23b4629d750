"""Notifications: who is told of what, each person's choices, the in-app list and its count,
the API, e-mail through Flask-Mail or the outbox, and the daily digest."""

from __future__ import annotations

import pytest
from flask import template_rendered
from sqlalchemy import func, select

from tests.conftest import csrf_from, make_app
from tests.web.test_comments import EN, People, ctx, page_client, posted
from webapp.models import (
    Cluster,
    Document,
    Membership,
    Notification,
    NotificationPreference,
    OutboxEmail,
    User,
)

SLUG = "krea"


@pytest.fixture
def people(app, client, accounts) -> People:  # noqa: ANN001
    return People(app, client, accounts)


def notifications(app, user_id: int, kind: str | None = None) -> list[Notification]:  # noqa: ANN001
    with ctx(app) as session:
        query = select(Notification).where(Notification.user_id == user_id)
        if kind:
            query = query.where(Notification.kind == kind)
        rows = session.scalars(query.order_by(Notification.id)).all()
        session.expunge_all()
        return list(rows)


def outbox(app, email: str | None = None) -> list[OutboxEmail]:  # noqa: ANN001
    with ctx(app) as session:
        query = select(OutboxEmail).order_by(OutboxEmail.id)
        if email:
            query = query.where(OutboxEmail.to == email)
        rows = session.scalars(query).all()
        session.expunge_all()
        return list(rows)


def cluster_people(session, role: str) -> list[User]:  # noqa: ANN001
    return list(
        session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .join(Cluster, Cluster.id == Membership.cluster_id)
            .where(Cluster.slug == SLUG, Membership.role == role)
        )
    )


def mention(people, who: str = "member", target: str = "moderator") -> int:  # noqa: ANN001
    return posted(people.post(who, body=f"Look, @{people.user(target).name}"))


# --- who is told of what ------------------------------------------------------------------


def test_default_modes_immediate_for_mentions_and_review_requests(app, people):
    from webapp.notifications.operations import preferences_of

    with ctx(app) as session:
        user = session.get(User, people.user("member").id)
        assert preferences_of(user) == {
            "review_requested": "immediate",
            "stage_changed": "digest",
            "reply": "digest",
            "mention": "immediate",
            "objection": "immediate",
            "document_ready": "digest",
            "proposal": "digest",
            "proposal_decided": "digest",
            "poll_opened": "digest",
            "poll_closing": "immediate",  # a daily digest would come after the poll closed
        }


def test_stage_events_tell_moderators_of_a_review_and_members_of_changes(app, people):
    from webapp.notifications.operations import notify_stage_event

    with ctx(app) as session:
        cluster = session.scalar(select(Cluster).where(Cluster.slug == SLUG))
        moderators = {u.id for u in cluster_people(session, "moderator")}
        workers = moderators | {u.id for u in cluster_people(session, "member")}
        member = session.get(User, people.user("member").id)
        moderator = session.get(User, people.user("moderator").id)
        made = notify_stage_event(cluster, "diagnosis", "submit", member)
        assert {n.user_id for n in made} == moderators and {n.kind for n in made} == {"review_requested"}
        made = notify_stage_event(cluster, "diagnosis", "return", moderator, "Add the SWOT")
        assert {n.user_id for n in made} == workers - {moderator.id}
        assert {n.kind for n in made} == {"stage_changed"}
        assert made[0].params == {
            "stage": "diagnosis",
            "actor": moderator.name,
            "actor_form": None,  # not stated: the Polish says it without a gendered verb
            "action": "return",
            "reason": "Add the SWOT",
        }
        assert made[0].link.endswith("#stage-diagnosis")
        assert notify_stage_event(cluster, "diagnosis", "open", moderator) == []
        session.commit()
    # review requests are e-mailed at once; stage changes wait for the digest
    emails = {m.to for m in outbox(app)}
    with ctx(app) as session:
        expected = {session.get(User, uid).email for uid in moderators}
    assert emails == expected


def test_off_means_not_told_at_all(app, people):
    moderator = people.user("moderator")
    with ctx(app) as session:
        session.add(NotificationPreference(user_id=moderator.id, kind="mention", mode="off"))
        session.commit()
    mention(people)
    assert notifications(app, moderator.id) == [] and outbox(app) == []


def test_document_ready_tells_who_asked(app, people):
    from webapp.notifications.operations import notify_document_ready, text_for

    member = people.user("member")
    with ctx(app) as session:
        cluster = session.scalar(select(Cluster).where(Cluster.slug == SLUG))
        document = Document(
            cluster_id=cluster.id,
            version=7,
            snapshot={},
            snapshot_hash="0" * 64,
            requested_by_id=member.id,
        )
        session.add(document)
        session.flush()
        (made,) = notify_document_ready(document)
        assert made.user_id == member.id and made.kind == "document_ready"
        assert made.params == {"version": 7, "document": document.id}
        assert text_for(made, cluster, "en") == (
            f"Version 7 of the strategy of {cluster.name} is ready to download."
        )
        document.requested_by_id = None
        assert notify_document_ready(document) == []


def test_unknown_kind_is_a_programming_error(app):
    from webapp.notifications.operations import notify

    with ctx(app) as session, pytest.raises(ValueError):
        notify([session.scalar(select(User))], "gossip", None, {})


# --- the pages: list, count, mark read, preferences, outbox --------------------------------


def test_in_app_list_with_unread_count_and_mark_read(app, people):
    moderator = people.user("moderator")
    first, second = mention(people), mention(people)
    client = page_client(app, people.email("moderator"))
    seen: list[int] = []

    def record(sender, template, context, **extra) -> None:  # noqa: ANN001
        seen.append(context.get("unread_notifications"))

    template_rendered.connect(record, app)
    try:
        html = client.get("/notifications", headers=EN).get_data(as_text=True)
    finally:
        template_rendered.disconnect(record, app)
    assert seen == [2]  # the navbar's count on every page
    assert 'data-unread="2"' in html and html.count('data-read="false"') == 2
    assert f"comment-{second}" not in html  # links sit behind a form, not in the page
    ids = [n.id for n in notifications(app, moderator.id)]
    csrf = csrf_from(html)
    opened = client.post(f"/notifications/{ids[0]}/open", data={"csrf_token": csrf})
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"#comment-{first}")
    assert [n.read_at is not None for n in notifications(app, moderator.id)] == [True, False]
    # someone else's notification is not there for you
    other = page_client(app, people.email("member"))
    other_csrf = csrf_from(other.get("/notifications").get_data(as_text=True))
    refused = other.post(f"/notifications/{ids[1]}/open", data={"csrf_token": other_csrf})
    assert refused.status_code == 404
    assert client.post("/notifications/read", data={"csrf_token": csrf}).status_code == 302
    assert all(n.read_at for n in notifications(app, moderator.id))
    assert client.post("/notifications/read").status_code == 400  # no CSRF token


def test_preferences_form_saves_valid_choices_only(app, people):
    from webapp.notifications.operations import preferences_of

    client = page_client(app, people.email("member"))
    html = client.get("/notifications/preferences").get_data(as_text=True)
    csrf = csrf_from(html)
    choice = {
        "review_requested": "off",
        "stage_changed": "immediate",
        "reply": "digest",
        "mention": "digest",
        "objection": "off",
        "document_ready": "immediate",
        "proposal": "off",
        "proposal_decided": "immediate",
        "poll_opened": "off",
        "poll_closing": "digest",
    }
    saved = client.post("/notifications/preferences", data={"csrf_token": csrf, **choice})
    assert saved.status_code == 302
    bad = client.post("/notifications/preferences", data={"csrf_token": csrf, **choice, "mention": "loud"})
    assert bad.status_code == 422 and "invalid-feedback" in bad.get_data(as_text=True)
    with ctx(app) as session:
        assert preferences_of(session.get(User, people.user("member").id)) == choice


def test_outbox_page_is_for_admins(app, people):
    mention(people)
    assert page_client(app, people.email("moderator")).get("/notifications/outbox").status_code == 403
    html = page_client(app, people.email("admin")).get("/notifications/outbox").get_data(as_text=True)
    assert people.email("moderator") in html and "outbox-" in html


# --- the API ------------------------------------------------------------------------------


def test_api_lists_in_the_callers_language_and_marks_read(app, people):
    first = mention(people)
    mention(people)
    headers = people.headers("moderator", **EN)
    body = people.client.get("/api/v1/notifications", headers=headers).get_json()
    assert body["unread"] == 2 and len(body["notifications"]) == 2
    item = body["notifications"][-1]
    assert set(item) == {"id", "kind", "cluster", "text", "link", "created_at", "read"}
    assert item["kind"] == "mention" and item["cluster"] == SLUG and item["read"] is False
    assert item["text"].startswith(f"{people.user('member').name} mentioned you")
    assert item["link"].endswith(f"#comment-{first}")
    marked = people.client.post("/api/v1/notifications/read", json={"ids": [item["id"]]}, headers=headers)
    assert marked.status_code == 200 and marked.get_json() == {"unread": 1}
    unread = people.client.get("/api/v1/notifications?unread=true", headers=headers).get_json()
    assert [n["id"] for n in unread["notifications"]] != [item["id"]]
    bad = people.client.post("/api/v1/notifications/read", json={"ids": ["x"]}, headers=headers)
    assert bad.status_code == 422
    # someone else's ids change nothing for them
    people.client.post("/api/v1/notifications/read", json={}, headers=people.headers("member"))
    assert people.client.get("/api/v1/notifications", headers=headers).get_json()["unread"] == 1
    everything = people.client.post("/api/v1/notifications/read", headers=headers)
    assert everything.status_code == 200 and everything.get_json() == {"unread": 0}
    assert people.client.get("/api/v1/notifications").status_code == 401


# --- e-mail -------------------------------------------------------------------------------


def test_without_smtp_immediate_mail_is_kept_in_the_outbox(app, people):
    moderator = people.user("moderator")
    with ctx(app) as session:
        session.get(User, moderator.id).locale = "en"
        session.commit()
    comment_id = mention(people)
    (mail,) = outbox(app)
    assert mail.to == moderator.email and mail.sent_at is None and mail.error == ""
    assert mail.subject.startswith("Strategy studio: ") and "mentioned you" in mail.subject
    assert f"#comment-{comment_id}" in mail.body and "Look," not in mail.body
    (told,) = notifications(app, moderator.id)
    assert told.emailed_at is not None


def test_with_smtp_flask_mail_sends_after_the_request(database_url, accounts):
    app = make_app(database_url, MAIL_SERVER="smtp.example.invalid", MAIL_PORT=2525)
    client = app.test_client()
    people = People(app, client, accounts)
    mail = app.extensions["mail"]
    with mail.record_messages() as sent:
        mention(people)
    assert [m.recipients for m in sent] == [[people.email("moderator")]]
    (row,) = outbox(app)
    assert row.sent_at is not None and row.error == ""

    def broken(message) -> None:  # noqa: ANN001
        raise OSError("connection refused")

    mail.send = broken
    mention(people)
    failed = outbox(app)[-1]
    assert failed.sent_at is None and "connection refused" in failed.error
    del mail.send  # the server is back: the admin asks for the failed ones again
    with mail.record_messages() as resent:
        result = app.test_cli_runner().invoke(args=["notifications", "send", "--retry-failed"])
    assert result.exit_code == 0 and "E-mails sent: 1." in result.output
    assert len(resent) == 1 and outbox(app)[-1].sent_at is not None
    with app.app_context():
        from webapp.extensions import db

        db.engine.dispose()


def test_daily_digest_gathers_what_was_not_emailed_yet(app, people):
    member = people.user("member")
    root = posted(people.post("member", body="Question"))
    posted(people.post("observer", body="Answer one", parent_id=root))
    posted(people.post("moderator", body="Answer two", parent_id=root))
    read_one = posted(people.post("member#1", body="Answer three", parent_id=root))
    assert outbox(app, member.email) == []  # replies come in the digest by default
    replies = notifications(app, member.id, "reply")
    assert len(replies) == 3
    with ctx(app) as session:
        session.get(Notification, replies[-1].id).read_at = replies[-1].created_at
        session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notifications", "digest"])
    assert result.exit_code == 0, result.output
    (digest,) = outbox(app, member.email)
    assert digest.body.count("#comment-") == 2 and f"comment-{read_one}" not in digest.body
    assert "Answer" not in digest.body
    again = runner.invoke(args=["notifications", "digest"])
    assert again.exit_code == 0 and len(outbox(app, member.email)) == 1
    with ctx(app) as session:
        pending = session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == member.id,
                Notification.emailed_at.is_(None),
                Notification.read_at.is_(None),
            )
        )
    assert pending == 0
    send = runner.invoke(args=["notifications", "send"])
    assert send.exit_code == 0 and "MAIL_SERVER" in send.output
