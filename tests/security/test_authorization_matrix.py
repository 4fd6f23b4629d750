"""Every route × every kind of person × two clusters → the answer the permission table
expects. A route without a rule here fails the test: new routes must be thought about.

Expectations come from workflows.roles (the one permission table), not from the views.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import DEMO_PASSWORD, Golden, make_app, page_csrf, sign_in
from webapp.extensions import db
from workflows.roles import Permission, Role, can, effective_role

P = Permission

#: Routes anyone may call (they decide nothing about clusters).
PUBLIC = {
    "static",
    "bootstrap.static",
    "auth.login",
    "auth.language",
    "auth.logout",
    "auth.invitation",  # the token decides: 404 for any link that cannot be used
    "home.healthz",
    "api.auth_token",
    "api-docs.openapi_json",
    # published strategies: what is published decides, the same 404 for anything else
    "publication.index",
    "publication.strategy",
    "publication.docx",
    "publication.pdf",
}
#: Routes for any signed-in person; what they show is filtered to the person.
SIGNED_IN = {
    "home.index",
    "account.index",
    "account.email",
    "account.grammar",
    "account.confirm",
    "api.list_clusters",
    "api.get_stats",
    "stats.agency",  # the same scope as api.get_stats (workflows.roles.statistics_scope)
    "stats.agency_csv",
    "stats.agency_chart",
    "notifications.index",
    "notifications.read_all",
    "notifications.preferences",
    "api.notification_list",
    "api.notification_read",
}
#: A signed-in person's own objects (token, notification): someone else's is a 404.
OWN = {"account.revoke_token", "notifications.open_one"}
#: The agency's routes.
ADMIN = {
    "admin.organisations",
    "admin.users",
    "admin.person",
    "admin.clusters",
    "admin.api_tokens",
    "admin.revoke_token",
    "api.post_organisation",
    "api.post_user",
    "api.post_cluster",
    "notifications.outbox",
    "publication.publish",  # the platform right PUBLISH; a draft is 409 inside
    "publication.withdraw",
    "api.post_publication",
}
#: The agency's routes of a cluster's publication, which may not exist: 404 for the admin too.
ADMIN_OR_ABSENT = {"api.get_publication", "api.delete_publication"}
#: Routes of one cluster (by <slug>) and the permission each needs.
CLUSTER: dict[str, Permission] = {
    "clusters.detail": P.VIEW_CLUSTER,
    "clusters.add_member": P.MANAGE_MEMBERS,
    "clusters.delete_member": P.MANAGE_MEMBERS,
    "workflow.audit": P.VIEW_AUDIT,
    "workflow.stage_signoff": P.VIEW_CLUSTER,  # refused with reasons inside (403 for observers)
    "workflow.stage_transition": P.VIEW_CLUSTER,  # the engine decides (403/409)
    "workflow.confirm_reopen": P.RUN_WORKFLOW,  # then the engine: a flash when it may not
    "workflow.confirm_signoff": P.SIGN_OFF,  # then the engine: a flash when it may not
    "workflow.withdraw": P.SIGN_OFF,  # 409-like flash once adopted or not signed
    "documents.index": P.VIEW_CLUSTER,
    "documents.generate": P.EXPORT_DRAFT,
    "documents.download": P.VIEW_CLUSTER,
    "documents.download_pdf": P.VIEW_CLUSTER,
    "documents.upload": P.COMMENT,  # who may comment may propose (workflows.proposals)
    "documents.upload_page": P.VIEW_CLUSTER,
    "documents.confirm_upload": P.COMMENT,
    "documents.compare": P.VIEW_CLUSTER,
    "api.post_upload": P.COMMENT,
    "api.get_compare": P.VIEW_CLUSTER,
    "meetings.index": P.VIEW_CLUSTER,
    "meetings.detail": P.VIEW_CLUSTER,
    "meetings.calendar_file": P.VIEW_CLUSTER,
    "meetings.export_attendance": P.VIEW_CLUSTER,
    "meetings.sheet_template": P.VIEW_CLUSTER,
    "meetings.new": P.MANAGE_MEETINGS,
    "meetings.edit": P.MANAGE_MEETINGS,
    "meetings.delete": P.MANAGE_MEETINGS,
    "meetings.attend_person": P.MANAGE_MEETINGS,
    "meetings.attend_guest": P.MANAGE_MEETINGS,
    "meetings.unattend": P.MANAGE_MEETINGS,
    "meetings.import_attendance": P.MANAGE_MEETINGS,
    "meetings.confirm_import": P.MANAGE_MEETINGS,
    "sections.view": P.VIEW_CLUSTER,
    "sections.save": P.EDIT_SECTION,
    "sections.history": P.VIEW_CLUSTER,
    "sections.diff": P.VIEW_CLUSTER,
    "sections.restore": P.EDIT_SECTION,
    "sections.here": P.VIEW_CLUSTER,
    "sections.preview": P.VIEW_CLUSTER,
    "comments.page": P.VIEW_CLUSTER,
    "comments.create": P.COMMENT,
    "comments.edit": P.COMMENT,
    "comments.delete": P.COMMENT,
    "comments.hide": P.HIDE_COMMENT,
    "comments.resolve": P.COMMENT,
    "comments.reopen": P.COMMENT,
    "stats.cluster": P.VIEW_CLUSTER,
    "stats.cluster_csv": P.VIEW_CLUSTER,
    "stats.cluster_chart": P.VIEW_CLUSTER,
    "api.get_cluster": P.VIEW_CLUSTER,
    "api.post_member": P.MANAGE_MEMBERS,
    "api.get_section": P.VIEW_CLUSTER,
    "api.put_section": P.EDIT_SECTION,
    "api.get_revisions": P.VIEW_CLUSTER,
    "api.comment_list": P.VIEW_CLUSTER,
    "api.comment_create": P.COMMENT,
    "api.post_signoff": P.SIGN_OFF,
    "api.delete_signoff": P.SIGN_OFF,
    "api.post_transition": P.VIEW_CLUSTER,
    "api.post_document": P.EXPORT_DRAFT,
    "api.list_meetings": P.VIEW_CLUSTER,
    "api.post_proposal": P.COMMENT,
    "api.get_proposals": P.VIEW_CLUSTER,
    "proposals.new": P.VIEW_CLUSTER,  # the form; proposing is refused inside (403)
    "proposals.create": P.COMMENT,
    "proposals.accept": P.VIEW_CLUSTER,  # workflows.proposals decides (403/409)
    "proposals.reject": P.VIEW_CLUSTER,
    "proposals.withdraw": P.VIEW_CLUSTER,
    "polls.index": P.VIEW_CLUSTER,
    "polls.new": P.MANAGE_POLLS,
    "polls.detail": P.VIEW_CLUSTER,
    "polls.vote": P.VIEW_CLUSTER,  # workflows.polls.may_vote decides (403 for observers)
    "polls.close": P.MANAGE_POLLS,
    "polls.apply": P.MANAGE_POLLS,
    "polls.projector": P.VIEW_CLUSTER,
    "polls.live": P.VIEW_CLUSTER,
    "api.post_poll": P.MANAGE_POLLS,
    "api.list_polls": P.VIEW_CLUSTER,
}
#: Cluster routes where the engine or authorship decides further (403/409 inside).
DECIDED_INSIDE = {
    "workflow.stage_transition",
    "workflow.stage_signoff",
    "api.post_transition",
    "comments.edit",
    "comments.delete",
    "comments.resolve",
    "comments.reopen",
    "proposals.accept",
    "proposals.reject",
    "proposals.withdraw",
    "polls.vote",
}
#: Routes that remove what they name: a second allowed person may find it gone (404).
DESTRUCTIVE = {
    "meetings.delete",
    "meetings.unattend",
    "clusters.delete_member",
    "comments.delete",
    "api.comment_delete",
}
#: Routes of an object (comment, document) whose cluster decides: outsiders get 404.
OBJECT = {
    "api.comment_edit",
    "api.comment_delete",
    "api.comment_hide",
    "api.comment_reopen",
    "api.comment_resolve",
    "api.get_document",
    "api.get_document_file",
    "api.get_document_pdf",
    "api.get_proposal",
    "api.accept_proposal",
    "api.reject_proposal",
    "api.withdraw_proposal",
    "api.get_poll",
    "api.put_vote",
    "api.post_close",
    "api.get_results",
}
#: Bodies that pass validation, so the answer is about permission, not about the body.
API_BODIES = {
    "api.post_member": {"user_id": 1, "role": "observer"},
    "api.put_section": {"content": "Tekst", "base_revision": 0},
    "api.comment_create": {"body": "Uwaga", "visibility": "all", "kind": "remark"},
    "api.comment_edit": {"body": "Poprawiona uwaga"},
    "api.comment_hide": {"reason": "Obraźliwa"},
    "api.post_transition": {"action": "approve", "reason": ""},
    "api.post_organisation": {"name": "Nowa Sp. z o.o.", "kind": "enterprise"},
    "api.post_user": {
        "email": "nowy@example.org",
        "name": "Nowy",
        "password": "bardzo-dlugie-haslo",
        "organisation_id": None,
    },
    "api.post_cluster": {"slug": "nowy", "name": "Nowy klaster", "sector": "other"},
    "api.notification_read": {"ids": []},
    "api.post_publication": {"document_id": 1},
    "api.post_proposal": {"content": "Proponowany tekst", "base_revision": 0},
    "api.reject_proposal": {"reason": "Nie pasuje"},
    "api.post_poll": {
        "question": "Co najpierw?",
        "kind": "choice",
        "options": [{"label": "A"}, {"label": "B"}],
    },
    "api.put_vote": {"choices": [1]},
}

DENIED = "denied"  # 403 (or 404 outside the cluster)


@dataclass
class Report:
    probes: int = 0
    leaks: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)


def expected(endpoint: str, principal: str, role: Role | None, is_api: bool) -> set[int] | str:
    """The answers acceptable for this person on this route."""
    if endpoint in PUBLIC:
        return "any"
    if principal == "anonymous":
        return {401} if is_api else {302}
    if endpoint in SIGNED_IN:
        return "allowed"
    if endpoint in OWN:
        return "allowed-or-absent"
    if endpoint in ADMIN:
        return "allowed" if principal == "admin" else {403}
    if endpoint in ADMIN_OR_ABSENT:
        return "allowed-or-absent" if principal == "admin" else {403}
    if endpoint in CLUSTER or endpoint in OBJECT:
        if role is None:
            return {404}
        if endpoint in OBJECT or endpoint in DECIDED_INSIDE:
            return "allowed-or-forbidden"
        if not can(role, CLUSTER[endpoint]):
            return {403}
        return "allowed-or-absent" if endpoint in DESTRUCTIVE else "allowed"
    raise KeyError(endpoint)


def test_every_route_has_a_rule(app):
    rules = {r.endpoint for r in app.url_map.iter_rules()}
    known = PUBLIC | SIGNED_IN | OWN | ADMIN | ADMIN_OR_ABSENT | set(CLUSTER) | OBJECT
    assert sorted(rules - known) == [], "routes without an authorization rule (fail closed)"


@pytest.fixture
def matrix_app(golden: Golden, tmp_path: Path):  # noqa: ANN201
    url, _ = golden.clone("sqlite", tmp_path)
    app = make_app(url, LOGIN_FAILURES_PER_MINUTE=10_000)
    yield app
    with app.app_context():
        db.engine.dispose()


def _objects(app, slug: str) -> dict:  # noqa: ANN001
    """Real ids of the cluster's objects to fill the URLs with."""
    from webapp.auth import tokens
    from webapp.models import (
        ApiToken,
        Attendance,
        Cluster,
        Comment,
        Document,
        Meeting,
        Membership,
        Poll,
        PollOption,
        Proposal,
        Section,
        Upload,
        User,
    )

    with app.app_context():
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == slug))
        section = db.session.scalar(
            select(Section).where(Section.cluster_id == cluster.id, Section.key == "profile")
        )
        author = db.session.scalar(
            select(User)
            .join(Membership)
            .where(Membership.cluster_id == cluster.id, Membership.role == "member")
        )
        comment = Comment(
            cluster_id=cluster.id, section_id=section.id, author_id=author.id, body="Uwaga testowa"
        )
        document = Document(
            cluster_id=cluster.id,
            version=99,
            status="done",
            snapshot={},
            snapshot_hash="x" * 64,
            data=b"PK",
            size=2,
            sha256="0" * 64,
            pdf=b"%PDF-1.6",
            pdf_status="ready",
        )
        proposal = Proposal(
            cluster_id=cluster.id,
            section_id=section.id,
            base_revision=section.revision,
            content="Proponowany tekst",
            author_id=author.id,
        )
        poll = Poll(cluster_id=cluster.id, question="Co najpierw?", kind="choice", voter="organisation")
        poll.options = [PollOption(position=0, label="A"), PollOption(position=1, label="B")]
        upload = Upload(
            cluster_id=cluster.id, user_id=author.id, checksum="0" * 64, kind="studio", summary={}
        )
        db.session.add_all([comment, document, proposal, poll, upload])
        # A spare token of the admin's for the revocation probes, so that no principal
        # revokes the token its own API probes use.
        admin = db.session.scalar(select(User).where(User.is_admin.is_(True)))
        spare = tokens.issue(admin)
        meeting = db.session.scalar(
            select(Meeting).where(Meeting.cluster_id == cluster.id, Meeting.kind == "workshop")
        )
        attendance = db.session.scalar(select(Attendance).where(Attendance.meeting_id == meeting.id))
        observer = db.session.scalar(
            select(Membership).where(Membership.cluster_id == cluster.id, Membership.role == "observer")
        )
        db.session.commit()
        spare_id = db.session.scalar(select(ApiToken.id).where(ApiToken.prefix == spare[:8]))
        return {
            "slug": slug,
            "key": "profile",
            "stage_key": "goals",
            "meeting_id": meeting.id,
            "attendance_id": attendance.id,
            "comment_id": comment.id,
            "proposal_id": proposal.id,
            "poll_id": poll.id,
            "document_id": document.id,
            "upload_id": upload.id,
            "membership_id": observer.id,
            "number": 1,
            "name": "organisations",
            "notification_id": 1,
            "token_id": spare_id,
            "user_id": author.id,
            "filename": "css/app.css",
            "token": "not-an-invitation",
        }


def _principals(accounts, slug: str, other: str) -> list[tuple[str, str | None]]:  # noqa: ANN001
    inside = {a["email"] for a in accounts.all if a["cluster"] == slug}
    other_moderator = next(
        a["email"]
        for a in accounts.all
        if a["cluster"] == other and a["role"] == "moderator" and a["email"] not in inside
    )
    return [
        ("anonymous", None),
        ("outsider", accounts.outsider(slug)),
        ("other-moderator", other_moderator),
        ("observer", accounts.email("observer", slug)),
        ("member", accounts.email("member", slug)),
        ("moderator", accounts.email("moderator", slug)),
        ("admin", "admin@example.org"),
    ]


def _role(app, email: str | None, slug: str) -> Role | None:  # noqa: ANN001
    from webapp.models import Cluster, Membership, User

    if email is None:
        return None
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == slug))
        membership = db.session.scalar(
            select(Membership.role).where(Membership.cluster_id == cluster.id, Membership.user_id == user.id)
        )
        return effective_role(user.is_admin, membership)


@pytest.mark.parametrize(("slug", "other"), [("mak", "e-medycyna"), ("krea", "makros")])
def test_authorization_matrix(matrix_app, accounts, slug, other, artifacts):
    app = matrix_app
    values = _objects(app, slug)
    report = Report()
    principals = _principals(accounts, slug, other)
    # Removals last, so that what they remove is there for every other probe.
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint in DESTRUCTIVE, r.rule))
    clients = {}
    for principal, email in principals:
        client = app.test_client()
        if email:
            token = client.post("/api/v1/auth/token", json={"email": email, "password": DEMO_PASSWORD})
            assert token.status_code == 200, (principal, token.get_json())
            sign_in(client, email)
            clients[principal] = (client, {"Authorization": f"Bearer {token.get_json()['token']}"})
        else:
            clients[principal] = (client, {})
    csrf = {
        principal: page_csrf(client, "/login" if principal == "anonymous" else "/account/")
        for principal, (client, _headers) in clients.items()
    }
    for rule in rules:
        if rule.endpoint in ("static", "bootstrap.static", "auth.logout"):
            continue
        url = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
        is_api = rule.rule.startswith("/api/")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for principal, email in principals:
                client, api_headers = clients[principal]
                role = _role(app, email, slug)
                want = expected(rule.endpoint, principal, role, is_api)
                headers = api_headers if is_api else {}
                kwargs = {"headers": headers}
                if is_api and method in ("POST", "PUT", "PATCH"):
                    kwargs["json"] = API_BODIES.get(rule.endpoint, {})
                elif method != "GET":
                    kwargs["data"] = {"csrf_token": csrf[principal]}
                response = client.open(url, method=method, **kwargs)
                status = response.status_code
                report.probes += 1
                label = f"{method} {url} as {principal}: {status} {response.headers.get('Location', '')}"
                if status >= 500:
                    report.wrong.append(label + " (server error)")
                if want == "any":
                    continue
                if want == "allowed":
                    if status in (401, 403, 404) or (
                        status == 302 and "/login" in response.headers.get("Location", "")
                    ):
                        report.wrong.append(label + " (expected allowed)")
                elif want == "allowed-or-absent":
                    if status in (401, 403):
                        report.wrong.append(label + " (expected allowed or 404)")
                elif want == "allowed-or-forbidden":
                    if status in (401, 404):
                        report.wrong.append(label + " (expected 2xx/403/409)")
                elif status not in want:
                    target = report.leaks if status < 400 or status == 422 else report.wrong
                    target.append(label + f" (expected {sorted(want)})")
    summary = f"{report.probes} probes, {len(report.leaks)} leaks, {len(report.wrong)} wrong answers"
    (artifacts / f"authorization-matrix-{slug}.txt").write_text(
        summary + "\n" + "\n".join(report.leaks + report.wrong) + "\n", encoding="utf-8"
    )
    print(summary)
    assert report.leaks == [], summary
    assert report.wrong == [], summary + "\n" + "\n".join(report.wrong[:40])
