"""Stage transitions and sign-offs through the API, with the audit trail."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from tests.conftest import api_token, bearer
from webapp.extensions import db
from webapp.models import AuditEvent, SignOff, Stage


def transition(client, headers, slug, stage, action, reason=""):  # noqa: ANN001, ANN201
    return client.post(
        f"/api/v1/clusters/{slug}/stages/{stage}/transitions",
        json={"action": action, "reason": reason},
        headers={**headers, "Accept-Language": "en"},
    )


@pytest.fixture
def tokens(client, accounts):  # noqa: ANN001, ANN201
    def token(role: str, slug: str, index: int = 0) -> dict:
        email = "admin@example.org" if role == "admin" else accounts.email(role, slug, index)
        return bearer(api_token(client, email))

    return token


def test_moderator_returns_and_approves_with_audit(client, tokens, app):
    moderator = tokens("moderator", "mak")
    missing_reason = transition(client, moderator, "mak", "goals", "return")
    assert missing_reason.status_code == 409
    unmet = missing_reason.get_json()["error"]["unmet"]
    assert [u["code"] for u in unmet] == ["reason_required"]
    assert unmet[0]["message"] == "Give a reason."
    returned = transition(client, moderator, "mak", "goals", "return", "Cele są zbyt ogólne")
    assert returned.status_code == 200 and returned.get_json() == {"state": "drafting"}
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "stage.return")).one()
        assert event.reason == "Cele są zbyt ogólne" and event.subject == "goals"


def test_member_may_submit_but_not_approve(client, tokens):
    member = tokens("member", "krea")
    # krea's diagnosis has required sections left empty in the demo
    refused = transition(client, member, "krea", "diagnosis", "submit")
    assert refused.status_code == 409
    codes = [u["code"] for u in refused.get_json()["error"]["unmet"]]
    assert "required_sections_empty" in codes
    assert transition(client, member, "mak", "goals", "approve").status_code == 403


def test_observer_and_outsider(client, tokens, accounts):
    observer = tokens("observer", "mak")
    assert transition(client, observer, "mak", "goals", "approve").status_code == 403
    outsider = bearer(api_token(client, accounts.outsider("mak")))
    assert transition(client, outsider, "mak", "goals", "approve").status_code == 404


def test_unknown_stage_404_unknown_action_422_long_reason(client, tokens):
    moderator = tokens("moderator", "mak")
    assert transition(client, moderator, "mak", "nope", "approve").status_code == 404
    bad = transition(client, moderator, "mak", "goals", "explode")
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid"
    long = transition(client, moderator, "mak", "goals", "return", "x" * 10_001)
    assert long.status_code == 422


def test_reopen_flags_later_stages_and_voids_signoffs(client, tokens, app):
    moderator = tokens("moderator", "klaster-chemiczny")
    response = transition(client, moderator, "klaster-chemiczny", "goals", "reopen", "Nowe dane z GUS")
    assert response.status_code == 200
    with app.app_context():
        stages = {
            s.key: s for s in db.session.scalars(select(Stage)) if s.cluster.slug == "klaster-chemiczny"
        }
        assert stages["goals"].state == "drafting"
        assert stages["actions"].needs_review and stages["approval"].needs_review
        live = [
            s
            for s in db.session.scalars(select(SignOff))
            if s.voided_at is None and s.cluster_id == stages["goals"].cluster_id
        ]
        assert live == []


def test_signoffs_reach_quorum_then_adoption(client, tokens, accounts, app):
    slug = "klaster-chemiczny"
    moderator = tokens("moderator", slug)
    early = transition(client, moderator, slug, "approval", "approve")
    assert early.status_code == 409
    assert "quorum_not_met" in [u["code"] for u in early.get_json()["error"]["unmet"]]
    members = [a["email"] for a in accounts.all if a["cluster"] == slug and a["role"] == "member"]
    signed = 0
    for email in members:
        response = client.post(f"/api/v1/clusters/{slug}/signoffs", headers=bearer(api_token(client, email)))
        assert response.status_code in (201, 409)
        signed += response.status_code == 201
        if transition(client, moderator, slug, "approval", "approve").status_code == 200:
            break
    with app.app_context():
        stage = db.session.scalars(select(Stage).where(Stage.key == "approval")).all()
        assert any(s.state == "approved" and s.cluster.slug == slug for s in stage)
    assert signed >= 1


def test_sign_twice_is_409_and_observer_may_not_sign(client, tokens):
    member = tokens("member", "klaster-chemiczny")
    first = client.post("/api/v1/clusters/klaster-chemiczny/signoffs", headers=member)
    second = client.post("/api/v1/clusters/klaster-chemiczny/signoffs", headers=member)
    assert {first.status_code, second.status_code} <= {201, 409}
    assert second.status_code == 409
    observer = tokens("observer", "klaster-chemiczny")
    assert client.post("/api/v1/clusters/klaster-chemiczny/signoffs", headers=observer).status_code == 403


def test_two_moderators_approving_at_once_make_one_transition(golden, tmp_path, accounts):
    """Two approvals race on PostgreSQL through a real threaded server: one wins, one 409."""
    from werkzeug.serving import make_server

    from tests import services
    from tests.conftest import make_app

    url, name = golden.clone("postgresql", tmp_path)
    app = make_app(url)
    admin_app_client = app.test_client()
    first = bearer(api_token(admin_app_client, "admin@example.org"))
    second = bearer(api_token(admin_app_client, accounts.email("moderator", "mak")))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    import json
    import urllib.request

    results = []
    barrier = threading.Barrier(2)

    def approve(headers: dict) -> None:
        request = urllib.request.Request(
            f"http://127.0.0.1:{server.server_port}/api/v1/clusters/mak/stages/goals/transitions",
            data=json.dumps({"action": "approve"}).encode(),
            method="POST",
            headers={**headers, "Content-Type": "application/json"},
        )
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                results.append(response.status)
        except urllib.error.HTTPError as error:
            results.append(error.code)

    try:
        threads = [threading.Thread(target=approve, args=(h,)) for h in (first, second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert sorted(results) == [200, 409]
        with app.app_context():
            from webapp.models import Cluster

            mak = db.session.scalars(select(Cluster).where(Cluster.slug == "mak")).one()
            events = db.session.scalars(
                select(AuditEvent).where(
                    AuditEvent.verb == "stage.approve",
                    AuditEvent.subject == "goals",
                    AuditEvent.cluster_id == mak.id,
                )
            ).all()
            assert len(events) == 1
    finally:
        server.shutdown()
        with app.app_context():
            db.engine.dispose()
        services.drop_database(name)
