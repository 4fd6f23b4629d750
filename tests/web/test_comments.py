"""Comments: the visibility table over every place a comment could show, bad input,
objections through the workflow guard, editing, removing, hiding, mentions and XSS."""

from __future__ import annotations

import inspect
import json
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from tests.conftest import api_token, bearer, csrf_from, sign_in
from webapp.extensions import db
from webapp.models import (
    AuditEvent,
    Cluster,
    Comment,
    Membership,
    Notification,
    OutboxEmail,
    Section,
    SectionRevision,
    User,
)
from webapp.models.base import utcnow

ROOT = Path(__file__).resolve().parents[2]
SLUG, KEY = "krea", "profile"
EN = {"Accept-Language": "en"}
#: A passage of KREA's profile as the rendered preview shows it (the source has ** marks).
PASSAGE = "Mazowiecki Klaster Kreatywny – KREA skupia studia projektowe"


# --- helpers --------------------------------------------------------------------------


@contextmanager
def ctx(app):  # noqa: ANN001, ANN201
    """A short app context for reading or writing the database between requests (no
    context stays pushed while the test client runs, so each request has its own)."""
    with app.app_context():
        yield db.session
        db.session.remove()


@dataclass(frozen=True)
class Who:
    id: int
    name: str
    email: str


class People:
    """Demo people of KREA by role, with cached API tokens."""

    def __init__(self, app, client, accounts) -> None:  # noqa: ANN001
        self.app = app
        self.client = client
        self.accounts = accounts
        self._tokens: dict[str, str] = {}

    def email(self, who: str) -> str:
        if who == "admin":
            return "admin@example.org"
        if who == "outsider":
            return self.accounts.outsider(SLUG)
        role, _sep, index = who.partition("#")
        return self.accounts.email(role, SLUG, int(index or 0))

    def user(self, who: str) -> Who:
        with ctx(self.app) as session:
            user = session.scalar(select(User).where(User.email == self.email(who)))
            return Who(user.id, user.name, user.email)

    def headers(self, who: str, **extra: str) -> dict:
        email = self.email(who)
        if email not in self._tokens:
            self._tokens[email] = api_token(self.client, email)
        return {**bearer(self._tokens[email]), **extra}

    def post(self, who: str, key: str = KEY, slug: str = SLUG, **body: object):  # noqa: ANN201
        return self.client.post(
            f"/api/v1/clusters/{slug}/sections/{key}/comments", json=body, headers=self.headers(who)
        )

    def comments(self, who: str, key: str = KEY, slug: str = SLUG):  # noqa: ANN201
        return self.client.get(f"/api/v1/clusters/{slug}/sections/{key}/comments", headers=self.headers(who))

    def row(self, who: str, comment_id: int) -> dict:
        return next(r for r in self.comments(who).get_json()["comments"] if r["id"] == comment_id)


@pytest.fixture
def people(app, client, accounts) -> People:  # noqa: ANN001
    return People(app, client, accounts)


def section(session, key: str = KEY, slug: str = SLUG) -> Section:  # noqa: ANN001
    return session.scalar(select(Section).join(Cluster).where(Cluster.slug == slug, Section.key == key))


def cluster_row(session, slug: str = SLUG) -> Cluster:  # noqa: ANN001
    return session.scalar(select(Cluster).where(Cluster.slug == slug))


def count_rows(app, model) -> int:  # noqa: ANN001
    with ctx(app) as session:
        return session.scalar(select(func.count()).select_from(model))


def posted(response) -> int:  # noqa: ANN001
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def page_client(app, email: str):  # noqa: ANN001, ANN201
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


def panel_pages(app) -> list[str]:  # noqa: ANN001
    """Every page that shows the comments panel: ours, and the section page once it exists."""
    pages = [f"/c/{SLUG}/s/{KEY}/comments"]
    if "sections.view" in app.view_functions:
        pages.append(f"/c/{SLUG}/s/{KEY}")
    return pages


# --- the table: roles x visibilities x places -------------------------------------------

VIEWERS = ("admin", "moderator", "member", "observer", "outsider")
SEES = {
    ("admin", "all"): True,
    ("moderator", "all"): True,
    ("member", "all"): True,
    ("observer", "all"): True,
    ("outsider", "all"): False,
    ("admin", "moderators"): True,
    ("moderator", "moderators"): True,
    ("member", "moderators"): False,
    ("observer", "moderators"): False,
    ("outsider", "moderators"): False,
}


class SqlWatch:
    """Every SELECT on the comments table that the app (webapp/, worker/) runs, with the
    project files on the stack when it ran."""

    TABLE = re.compile(r"\b(FROM|JOIN)\s+\"?comments\"?\b", re.IGNORECASE)

    def __init__(self) -> None:
        self.reads: list[tuple[str, list[str]]] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if not self.TABLE.search(statement):
            return
        frames = []
        for frame in inspect.stack(0):
            path = Path(frame.filename).resolve()
            if path.is_relative_to(ROOT / "webapp") or path.is_relative_to(ROOT / "worker"):
                frames.append(path.relative_to(ROOT).as_posix())
        if frames and statement.lstrip().upper().startswith("SELECT"):
            self.reads.append((statement, frames))


@pytest.fixture
def sql_watch(app):  # noqa: ANN001, ANN201
    watch = SqlWatch()
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", watch)
    yield watch
    event.remove(engine, "before_cursor_execute", watch)


def _make_writer(app, user_id: int) -> None:  # noqa: ANN001
    """The person wrote a revision of the section (so objections on it concern them)."""
    with ctx(app) as session:
        sec = section(session)
        sec.revision += 1
        session.add(
            SectionRevision(section_id=sec.id, number=sec.revision, content=sec.content, author_id=user_id)
        )
        session.commit()


@pytest.mark.parametrize("visibility", ["all", "moderators"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_visibility_table_no_leak_anywhere(app, people, sql_watch, viewer, visibility):
    """A note by someone else, replying to the viewer, naming them and objecting to the
    section they wrote: the viewer meets it in every place, or in none (page, API list,
    API by id, counts, notifications, e-mails, the document snapshot)."""
    from webapp.comments import queries
    from webapp.documents.snapshot import build_snapshot
    from webapp.notifications.operations import send_digests

    sees = SEES[(viewer, visibility)]
    author = "admin" if viewer == "moderator" else "moderator"
    target = people.user(viewer)
    role = {"outsider": None}.get(viewer, viewer)
    _make_writer(app, target.id)
    root = posted(people.post("member#1" if viewer == "outsider" else viewer, body="A question."))
    with ctx(app) as session:
        base = queries.count_for(section(session), role) if role else 0

    marker = f"SECRET-{uuid.uuid4().hex}"
    named = f"@{target.name}"
    reply = posted(people.post(author, body=f"{marker} reply {named}", visibility=visibility, parent_id=root))
    objection = posted(
        people.post(author, body=f"{marker} objection {named}", visibility=visibility, kind="objection")
    )
    secret = {reply, objection}
    expected_count = base + (2 if sees else 0)

    # pages
    client = page_client(app, people.email(viewer))
    for path in panel_pages(app):
        response = client.get(path)
        if viewer == "outsider":
            assert response.status_code == 404
            continue
        html = response.get_data(as_text=True)
        assert (marker in html) is sees, path
        assert (f'id="comment-{reply}"' in html) is sees, path
        count = re.search(r"data-comment-count>(\d+)<", html)
        assert count and int(count.group(1)) == expected_count, path

    # API list, and the comment by its id (unseen: "not found", never "forbidden")
    listing = people.comments(viewer)
    if viewer == "outsider":
        assert listing.status_code == 404
    else:
        ids = {c["id"] for c in listing.get_json()["comments"]}
        assert (secret <= ids) is sees and (not secret & ids) is (not sees)
        assert (marker in listing.get_data(as_text=True)) is sees
    by_id = people.client.post(f"/api/v1/comments/{reply}/reopen", headers=people.headers(viewer))
    assert (by_id.status_code == 404) is (not sees)

    # counts: per section, per cluster, and the objections that block the stage
    with ctx(app) as session:
        sec, cluster = section(session), cluster_row(session)
        if role:
            assert queries.count_for(sec, role) == expected_count
            assert queries.counts_by_section(cluster, role).get(sec.id, 0) == expected_count
        blocking = queries.open_objections_by_stage(cluster).get(sec.stage_id, 0)
        assert blocking == (1 if visibility == "all" else 0)  # one number, for everyone
        send_digests()  # the daily digest, so every notification has made its e-mail
        session.commit()
        told = [
            n
            for n in session.scalars(select(Notification).where(Notification.user_id == target.id))
            if n.params.get("comment") in secret
        ]
        assert bool(told) is sees
        assert all(marker not in json.dumps(n.params) for n in told)
        mails = session.scalars(select(OutboxEmail).where(OutboxEmail.to == target.email)).all()
        assert all(marker not in m.body and marker not in m.subject for m in mails)
        assert any(f"comment-{i}" in m.body for i in secret for m in mails) is sees
        assert all(marker not in m.body for m in session.scalars(select(OutboxEmail)))
        # the document snapshot holds no comment at all
        snapshot = json.dumps(build_snapshot(cluster, "pl"), default=str)
        assert marker not in snapshot and "A question." not in snapshot

    # notifications in the app and the API: links to what one sees, never the text
    if viewer != "outsider":
        api = people.client.get("/api/v1/notifications", headers=people.headers(viewer))
        assert api.status_code == 200 and marker not in api.get_data(as_text=True)
        links = [n["link"] for n in api.get_json()["notifications"]]
        assert any(f"comment-{i}" in link for i in secret for link in links) is sees
        assert marker not in client.get("/notifications").get_data(as_text=True)

    # no other path: every read of comments ran in webapp/comments/queries.py, filtered
    assert sql_watch.reads, "the watcher saw nothing"
    for statement, frames in sql_watch.reads:
        assert "webapp/comments/queries.py" in frames, (statement, frames)
        assert re.search(r"comments\.visibility IN", statement), statement


def test_no_relationship_reaches_comments_from_elsewhere(app):
    """A relationship on another model would load comments unfiltered."""
    with ctx(app):
        offending = [
            f"{mapper.class_.__name__}.{rel.key}"
            for mapper in db.Model.registry.mappers
            for rel in mapper.relationships
            if rel.mapper.class_ is Comment and mapper.class_ is not Comment
        ]
    assert offending == []


# --- posting and listing ----------------------------------------------------------------


def test_member_comments_on_a_quoted_passage_and_the_api_lists_it(people):
    response = people.post("member", body="Is *this* right?", kind="suggestion", quote=f"  {PASSAGE}\n")
    comment_id = posted(response)
    row = people.row("observer", comment_id)
    contract = {"id", "author", "body", "visibility", "kind", "parent_id", "quote", "resolved"}
    assert contract <= set(row)
    assert row["body"] == "Is *this* right?"
    assert row["visibility"] == "all" and row["kind"] == "suggestion"
    assert row["quote"] == PASSAGE and row["quote_current"] is True
    assert row["parent_id"] is None and row["resolved"] is False
    assert row["author"] == people.user("member").name


def test_a_quote_stays_marked_until_the_text_around_it_changes(app, people):
    comment_id = posted(people.post("member", body="About this", quote=PASSAGE))
    with ctx(app) as session:
        sec = section(session)
        sec.content = sec.content.replace("skupia studia", "zrzesza studia")
        session.commit()
    row = people.row("member", comment_id)
    assert row["quote"] == PASSAGE and row["quote_current"] is False


def test_replies_inherit_their_parents_visibility(people):
    note = posted(people.post("moderator", body="Internal", visibility="moderators"))
    reply = posted(people.post("moderator", body="Still internal", parent_id=note))
    thread = posted(people.post("member", body="Public"))
    internal_reply = posted(
        people.post("moderator", body="Between us", parent_id=thread, visibility="moderators")
    )
    public_reply = posted(people.post("moderator", body="For all", parent_id=thread))
    rows = {r["id"]: r for r in people.comments("moderator").get_json()["comments"]}
    assert rows[reply]["visibility"] == "moderators" and rows[reply]["parent_id"] == note
    assert rows[internal_reply]["visibility"] == "moderators"
    assert rows[public_reply]["visibility"] == "all"
    member_ids = {r["id"] for r in people.comments("member").get_json()["comments"]}
    assert thread in member_ids and public_reply in member_ids
    assert not {note, reply, internal_reply} & member_ids


@pytest.mark.parametrize(
    ("who", "body", "status", "field"),
    [
        ("member", {"body": ""}, 422, "body"),
        ("member", {"body": "   \n\t "}, 422, "body"),
        ("member", {"body": "x" * 20_000}, 422, "body"),
        ("member", {"body": "y" * 10_001}, 422, "body"),
        ("member", {"body": "nul \x00 inside"}, 422, "body"),
        ("member", {"body": 12}, 422, None),
        ("member", {}, 422, None),
        ("member", {"body": "ok", "visibility": "public"}, 422, "visibility"),
        ("member", {"body": "ok", "kind": "praise"}, 422, "kind"),
        ("member", {"body": "ok", "quote": "Not a passage of this section at all"}, 422, "quote"),
        ("member", {"body": "ok", "quote": "y" * 2001}, 422, "quote"),
        ("member", {"body": "ok", "parent_id": 999_999}, 422, "parent_id"),
        ("member", {"body": "ok", "parent_id": "1"}, 422, None),
        ("member", {"body": "ok", "author_id": 1}, 422, None),
        ("member", {"body": "ok", "visibility": "moderators"}, 403, None),
        ("observer", {"body": "ok", "visibility": "moderators"}, 403, None),
        ("outsider", {"body": "ok"}, 404, None),
    ],
)
def test_bad_input_is_refused_clearly_and_nothing_is_saved(app, people, who, body, status, field):
    headers = people.headers(who, **EN)

    def rows() -> tuple[int, int, int]:
        return tuple(count_rows(app, m) for m in (Comment, AuditEvent, Notification))

    before = rows()
    url = f"/api/v1/clusters/{SLUG}/sections/{KEY}/comments"
    response = people.client.post(url, json=body, headers=headers)
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] and error["message"]
    if field:
        assert error["field"] == field
    assert rows() == before


def test_a_parent_from_another_section_or_cluster_is_refused(app, people):
    elsewhere = posted(people.post("member", key="members", body="On members"))
    other_cluster = posted(people.post("admin", slug="makros", key="profile", body="Elsewhere"))
    internal = posted(people.post("moderator", body="Internal", visibility="moderators"))
    before = count_rows(app, Comment)
    for parent in (elsewhere, other_cluster):
        response = people.post("member", body="reply", parent_id=parent)
        assert response.status_code == 422
        assert response.get_json()["error"]["field"] == "parent_id"
    # a note the member cannot see is "not on this section" too: nothing learnt about it
    assert people.post("member", body="reply", parent_id=internal).status_code == 422
    # a moderator may not widen an internal note by replying to everyone
    wider = people.post("moderator", body="reply", parent_id=internal, visibility="all")
    assert wider.status_code == 422 and wider.get_json()["error"]["field"] == "visibility"
    assert count_rows(app, Comment) == before


def test_unknown_section_or_cluster_is_not_found(people):
    assert people.post("member", key="nope", body="x").status_code == 404
    assert people.comments("member", key="nope").status_code == 404
    assert people.comments("member", slug="nope").status_code == 404


# --- objections, the workflow guard, resolving -------------------------------------------


def _submit_unmet(app) -> set[str]:  # noqa: ANN001
    """What the workflow guard says stands in the way of submitting KREA's diagnosis."""
    from webapp.workflow.facts import load_facts
    from workflows.stages import decide

    with ctx(app) as session:
        facts = load_facts(cluster_row(session))
        return set(decide(facts.definition, facts.facts, "diagnosis", "submit", "member").codes)


def test_an_open_objection_blocks_its_stage_until_resolved(app, people):
    assert "open_objections" not in _submit_unmet(app)
    posted(people.post("moderator", body="Doubt", kind="objection", visibility="moderators"))
    assert "open_objections" not in _submit_unmet(app)  # internal notes never block
    objection = posted(people.post("member", body="This is wrong", kind="objection"))
    assert "open_objections" in _submit_unmet(app)

    # through the API's transition: 409 guard_failed naming the objections
    response = people.client.post(
        f"/api/v1/clusters/{SLUG}/stages/diagnosis/transitions",
        json={"action": "submit"},
        headers=people.headers("member", **EN),
    )
    assert response.status_code == 409
    assert "open_objections" in {u["code"] for u in response.get_json()["error"]["unmet"]}

    def act(verb: str, who: str, **body: str):  # noqa: ANN202
        return people.client.post(
            f"/api/v1/comments/{objection}/{verb}", json=body or None, headers=people.headers(who)
        )

    # someone else may not resolve it; its author and a moderator may
    assert act("resolve", "observer").status_code == 403
    resolved = act("resolve", "member", resolution="Fixed in revision 2")
    assert resolved.status_code == 200 and resolved.get_json()["resolved"] is True
    assert "open_objections" not in _submit_unmet(app)
    row = people.row("member", objection)
    assert row["resolved"] is True and row["resolution"] == "Fixed in revision 2"
    # resolving again changes nothing; reopening blocks again; a moderator resolves too
    assert act("resolve", "member").status_code == 200
    assert act("reopen", "moderator").status_code == 200
    assert "open_objections" in _submit_unmet(app)
    assert act("resolve", "moderator").status_code == 200
    assert "open_objections" not in _submit_unmet(app)
    with ctx(app) as session:
        verbs = session.scalars(
            select(AuditEvent.verb).where(AuditEvent.subject == f"{KEY}#{objection}").order_by(AuditEvent.id)
        ).all()
    assert verbs == ["comment.post", "comment.resolve", "comment.reopen", "comment.resolve"]


def test_a_removed_objection_no_longer_blocks(app, people):
    objection = posted(people.post("member", body="Wrong", kind="objection"))
    assert "open_objections" in _submit_unmet(app)
    gone = people.client.delete(f"/api/v1/comments/{objection}", headers=people.headers("member"))
    assert gone.status_code == 204
    assert "open_objections" not in _submit_unmet(app)


def test_the_panel_says_the_stage_is_held_back(app, people):
    posted(people.post("member", body="Wrong", kind="objection"))
    client = page_client(app, people.email("observer"))
    html = client.get(f"/c/{SLUG}/s/{KEY}/comments").get_data(as_text=True)
    assert 'data-stage-objections="1"' in html


def test_open_objections_lists_what_blocks_a_stage(app, people):
    from webapp.comments.queries import open_objections

    objection = posted(people.post("member", body="Wrong", kind="objection"))
    posted(people.post("moderator", body="Internal", kind="objection", visibility="moderators"))
    with ctx(app) as session:
        rows = open_objections(cluster_row(session), section(session).stage_id)
        assert [(r.id, r.section_key) for r in rows] == [(objection, KEY)]


# --- editing, deleting, hiding -----------------------------------------------------------


def test_edit_own_comment_for_a_short_while(app, people):
    comment_id = posted(people.post("member", body="First version"))
    url = f"/api/v1/comments/{comment_id}"

    def edit(who: str, body: str):  # noqa: ANN202
        return people.client.patch(url, json={"body": body}, headers=people.headers(who))

    assert edit("member#1", "Hijacked").status_code == 403
    assert edit("member", "Second version").status_code == 200
    row = people.row("member", comment_id)
    assert row["body"] == "Second version" and row["edited_at"]
    client = page_client(app, people.email("observer"))
    assert "comment-edited" in client.get(f"/c/{SLUG}/s/{KEY}/comments").get_data(as_text=True)
    assert edit("member", " ").status_code == 422
    with ctx(app) as session:
        session.get(Comment, comment_id).created_at = utcnow() - timedelta(hours=1)
        session.commit()
    assert edit("member", "Too late").status_code == 403
    assert people.row("member", comment_id)["body"] == "Second version"


def test_delete_leaves_comment_removed_and_the_thread_readable(app, people):
    root = posted(people.post("member", body="Will go"))
    reply = posted(people.post("observer", body="A reply", parent_id=root))
    url = f"/api/v1/comments/{root}"
    assert people.client.delete(url, headers=people.headers("observer")).status_code == 403
    assert people.client.delete(url, headers=people.headers("member")).status_code == 204
    rows = {r["id"]: r for r in people.comments("observer").get_json()["comments"]}
    assert rows[root]["deleted"] is True and rows[root]["body"] == ""
    assert rows[reply]["parent_id"] == root and rows[reply]["body"] == "A reply"
    client = page_client(app, people.email("observer"))
    html = client.get(f"/c/{SLUG}/s/{KEY}/comments").get_data(as_text=True)
    assert "Will go" not in html and f'id="comment-{root}"' in html and "A reply" in html
    with ctx(app) as session:
        assert session.get(Comment, root).body == ""  # the text is gone, not only hidden


def test_moderators_hide_abusive_comments_with_a_reason_in_the_audit_trail(app, people):
    comment_id = posted(people.post("observer", body="Something abusive"))
    url = f"/api/v1/comments/{comment_id}/hide"

    def hide(who: str, reason: str):  # noqa: ANN202
        return people.client.post(url, json={"reason": reason}, headers=people.headers(who))

    assert hide("member", "no").status_code == 403
    assert hide("moderator", "  ").status_code == 422
    assert hide("moderator", "Insults a member").status_code == 200
    row = people.row("member", comment_id)
    assert row["hidden"] is True and row["body"] == ""
    with ctx(app) as session:
        reason = session.scalar(
            select(AuditEvent.reason).where(
                AuditEvent.verb == "comment.hide", AuditEvent.subject == f"{KEY}#{comment_id}"
            )
        )
    assert reason == "Insults a member"


# --- the pages' forms ---------------------------------------------------------------------


def test_page_forms_post_resolve_reopen_and_refuse_with_errors(app, people):
    client = page_client(app, people.email("member"))
    path = f"/c/{SLUG}/s/{KEY}/comments"
    csrf = csrf_from(client.get(path).get_data(as_text=True))
    data = {"csrf_token": csrf, "body": "From the page", "kind": "objection", "quote": PASSAGE}
    response = client.post(path, data=data)
    assert response.status_code == 302 and "#comment-" in response.headers["Location"]
    comment_id = int(response.headers["Location"].rsplit("comment-", 1)[1])
    html = client.get(path).get_data(as_text=True)
    assert f'id="comment-{comment_id}"' in html and f'data-quote="{PASSAGE}"' in html
    before = count_rows(app, Comment)
    assert client.post(path, data={"body": "no token"}).status_code == 400
    for bad, status in (
        ({"body": ""}, 422),
        ({"body": "x" * 20_000}, 422),
        ({"body": "ok", "kind": "praise"}, 422),
        ({"body": "ok", "visibility": "public"}, 422),
        ({"body": "ok", "visibility": "moderators"}, 403),
        ({"body": "ok", "quote": "not in the section"}, 422),
        ({"body": "ok", "parent_id": "999999"}, 422),
    ):
        refused = client.post(path, data={"csrf_token": csrf, **bad}, headers=EN)
        assert refused.status_code == status, bad
        text = refused.get_data(as_text=True)
        assert "invalid-feedback" in text or "data-comment-error" in text, bad
    assert count_rows(app, Comment) == before
    resolve = client.post(f"{path}/{comment_id}/resolve", data={"csrf_token": csrf})
    assert resolve.status_code == 302
    html = client.get(path).get_data(as_text=True)
    assert re.search(rf'<details class="thread thread-resolved[^"]*" id="thread-{comment_id}"', html)
    reopen = client.post(f"{path}/{comment_id}/reopen", data={"csrf_token": csrf})
    assert reopen.status_code == 302
    with ctx(app) as session:
        assert session.get(Comment, comment_id).resolved_at is None


def test_only_moderators_are_offered_internal_notes(app, people):
    path = f"/c/{SLUG}/s/{KEY}/comments"
    for who, offered in (("observer", False), ("member", False), ("moderator", True)):
        html = page_client(app, people.email(who)).get(path).get_data(as_text=True)
        assert ('value="moderators"' in html) is offered, who


# --- mentions, replies, objections: who is told ---------------------------------------------


def test_mentions_notify_cluster_people_who_may_see_the_comment(app, people):
    moderator, observer = people.user("moderator"), people.user("observer")
    outsider = people.user("outsider")
    body = f"Ask @{moderator.name} and @{observer.name} and @{outsider.name}"
    comment_id = posted(people.post("member", body=body))
    with ctx(app) as session:
        told = session.scalars(select(Notification.user_id).where(Notification.kind == "mention"))
        assert set(told) == {moderator.id, observer.id}
        # told at once by default: an e-mail waits in the outbox (no SMTP here), with a link
        mail = session.scalar(select(OutboxEmail).where(OutboxEmail.to == moderator.email))
        assert f"comment-{comment_id}" in mail.body and body not in mail.body
    # in an internal note only moderators are told
    posted(people.post("admin", body=f"@{observer.name}, @{moderator.name}", visibility="moderators"))
    with ctx(app) as session:
        told = session.scalars(select(Notification.user_id).where(Notification.kind == "mention"))
        assert sorted(told) == sorted([moderator.id, observer.id, moderator.id])


def test_replies_and_objections_tell_the_people_concerned(app, people):
    member = people.user("member")
    root = posted(people.post("member", body="My question"))
    posted(people.post("observer", body="An answer", parent_id=root))
    with ctx(app) as session:
        kinds = session.scalars(select(Notification.kind).where(Notification.user_id == member.id)).all()
        assert kinds == ["reply"]
        writers = set(
            session.scalars(
                select(SectionRevision.author_id).where(SectionRevision.section_id == section(session).id)
            )
        )
    assert writers and people.user("observer").id not in writers
    # An observer's objection is a remark: it holds nothing back and is no objection to anyone.
    posted(people.post("observer", body="I object", kind="objection"))
    with ctx(app) as session:
        objections = select(Notification.user_id).where(Notification.kind == "objection")
        assert session.scalars(objections).all() == []
    posted(people.post("admin", body="I object", kind="objection"))
    with ctx(app) as session:
        moderators = set(
            session.scalars(
                select(Membership.user_id)
                .join(Cluster, Cluster.id == Membership.cluster_id)
                .where(Cluster.slug == SLUG, Membership.role == "moderator")
            )
        )
        told = session.scalars(select(Notification.user_id).where(Notification.kind == "objection"))
        assert set(told) == writers | moderators


# --- XSS ----------------------------------------------------------------------------------

XSS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '"><script>alert(1)</script>',
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=javascript:alert(1)></iframe>",
    "<details open ontoggle=alert(1)>",
    "`<script>alert(1)</script>`",
    "![x](javascript:alert(1))",
    "<style>body{display:none}</style>",
    "{{ 7*7 }} {% raw %}",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
]
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href")


class _Audit(HTMLParser):
    """What could run: inline or foreign scripts, on* handlers, javascript: URLs, styles."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:  # noqa: ANN001
        src, kind = dict(attrs).get("src") or "", dict(attrs).get("type") or ""
        same_site = src.startswith("/") and not src.startswith("//")
        if tag == "script" and not same_site and kind != "application/json":  # data, not code
            self.problems.append(f"<script {attrs}>")
        if tag in ("iframe", "object", "embed", "svg", "math", "style", "img"):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            url = (value or "").strip().lower() if name in URL_ATTRIBUTES else ""
            if name.startswith("on") or name == "style":
                self.problems.append(f"{tag} {name}")
            if url.startswith(("javascript:", "data:", "vbscript:")):
                self.problems.append(f"{tag} {name}={value}")


def test_html_and_script_in_comments_are_shown_as_text_everywhere(app, people):
    ids = [posted(people.post("member", body=payload)) for payload in XSS]
    for who in ("observer", "moderator"):
        client = page_client(app, people.email(who))
        for path in panel_pages(app):
            html = client.get(path).get_data(as_text=True)
            audit = _Audit()
            audit.feed(html)
            assert audit.problems == [], path
            assert "&lt;script&gt;alert('x')&lt;/script&gt;" in html
            assert "{{ 7*7 }}" in html  # people's text is never a template
    rows = {r["id"]: r for r in people.comments("observer").get_json()["comments"]}
    assert [rows[i]["body"] for i in ids] == [p.strip() for p in XSS]  # JSON: as typed


def test_markdown_is_rendered_and_sanitised():
    from webapp.markdown import render_markdown

    source = "**bold** [site](https://example.org) <b>raw</b>\n\n| a |\n|--:|\n| 1 |"
    html = str(render_markdown(source))
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org" rel="noopener nofollow ugc">site</a>' in html
    assert "&lt;b&gt;raw&lt;/b&gt;" in html
    assert '<th class="text-end">a</th>' in html and "style" not in html
