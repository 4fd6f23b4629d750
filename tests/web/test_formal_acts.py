"""Formal acts say what they do: reopening says what it undoes and asks first; signing
shows the version signed, asks, and can be withdrawn until the adoption."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import csrf_from, sign_in
from webapp.extensions import db
from webapp.models import Cluster, SignOff, Stage


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def browser(app, accounts, role: str, slug: str):  # noqa: ANN001, ANN201
    client = app.test_client()
    sign_in(client, accounts.email(role, slug))
    return client


def states(app, slug: str) -> dict[str, str]:  # noqa: ANN001
    with app.app_context():
        rows = db.session.scalars(select(Stage).where(Stage.cluster.has(slug=slug)))
        return {s.key: s.state for s in rows}


def test_reopening_an_adopted_strategy_says_what_it_undoes_and_asks(app, accounts) -> None:
    moderator = browser(app, accounts, "moderator", "makros")
    cluster = moderator.get("/c/makros", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert 'href="/c/makros/stages/approval/reopen"' in cluster
    page = moderator.get("/c/makros/stages/approval/reopen", headers={"Accept-Language": "pl"})
    assert page.status_code == 200
    text = text_of(page.get_data(as_text=True))
    assert "9 podpisów zostanie unieważnionych" in text
    assert "Strategia przestanie być przyjęta." in text
    # A post without the confirmation (an old form, a crafted one) is sent to the page first.
    csrf = csrf_from(page.get_data(as_text=True))
    direct = moderator.post(
        "/c/makros/stages/approval/transitions", data={"csrf_token": csrf, "action": "reopen", "reason": "x"}
    )
    assert direct.status_code == 302 and direct.headers["Location"].endswith(
        "/c/makros/stages/approval/reopen"
    )
    assert states(app, "makros")["approval"] == "approved"
    confirmed = moderator.post(
        "/c/makros/stages/approval/transitions",
        data={"csrf_token": csrf, "action": "reopen", "reason": "Nowy członek", "confirmed": "1"},
    )
    assert confirmed.status_code == 302
    assert states(app, "makros")["approval"] == "drafting"
    with app.app_context():
        voided = db.session.scalars(
            select(SignOff)
            .join(Cluster, Cluster.id == SignOff.cluster_id)
            .where(Cluster.slug == "makros", SignOff.voided_at.is_not(None))
        ).all()
        assert len(voided) == 9


def test_reopening_an_approved_stage_names_the_later_stages_to_review(app, accounts) -> None:
    moderator = browser(app, accounts, "moderator", "klaster-chemiczny")
    page = moderator.get("/c/klaster-chemiczny/stages/goals/reopen", headers={"Accept-Language": "pl"})
    text = text_of(page.get_data(as_text=True))
    assert "4 podpisy zostaną unieważnione" in text
    assert "2 późniejsze etapy trzeba będzie sprawdzić ponownie: Działania, Zatwierdzenie." in text
    assert "Strategia przestanie być przyjęta." not in text


def test_reopen_page_refuses_what_the_engine_refuses(app, accounts) -> None:
    moderator = browser(app, accounts, "moderator", "klaster-chemiczny")
    # the approval stage is in review, not approved: nothing to reopen, back to the stage
    refused = moderator.get("/c/klaster-chemiczny/stages/approval/reopen")
    assert refused.status_code == 302
    assert moderator.get("/c/klaster-chemiczny/stages/nope/reopen").status_code == 404
    member = browser(app, accounts, "member", "klaster-chemiczny")
    assert member.get("/c/klaster-chemiczny/stages/goals/reopen").status_code == 403


def unsigned_member(app, accounts, slug: str):  # noqa: ANN001, ANN201
    """A member whose organisation has not signed yet, in their own browser, on the confirmation page."""
    for index in range(12):
        try:
            email = accounts.email("member", slug, index)
        except IndexError:
            break
        client = app.test_client()
        sign_in(client, email)
        page = client.get(f"/c/{slug}/signoffs/confirm", headers={"Accept-Language": "pl"})
        if page.status_code == 200:
            return client, page.get_data(as_text=True)
    raise AssertionError("every member's organisation has signed")


def test_signing_shows_the_version_asks_and_can_be_withdrawn(app, accounts) -> None:
    from webapp.documents.snapshot import _signoffs

    slug = "klaster-chemiczny"
    client, html = unsigned_member(app, accounts, slug)
    text = text_of(html)
    assert "W imieniu organizacji" in text and "podpisujesz tę wersję strategii" in text
    number = re.search(r'class="col-sm-8 version-number">(\d+)<', html).group(1)
    digest = re.search(r'class="text-break checksum">([0-9a-f]{64})<', html).group(1)
    assert f"Tak, podpisuję wersję {number}" in text
    # the cluster page's button leads here rather than signing at once
    cluster_page = client.get(f"/c/{slug}").get_data(as_text=True)
    assert f'action="/c/{slug}/signoffs/confirm"' in cluster_page
    csrf = csrf_from(html)
    # a post without the version shown is sent to the confirmation first; nothing signed
    bare = client.post(f"/c/{slug}/signoffs", data={"csrf_token": csrf})
    assert bare.status_code == 302 and bare.headers["Location"].endswith(f"/c/{slug}/signoffs/confirm")
    # a checksum of another text: the strategy changed since the page was read
    stale = client.post(f"/c/{slug}/signoffs", data={"csrf_token": csrf, "digest": "0" * 64})
    assert stale.status_code == 302 and stale.headers["Location"].endswith("/signoffs/confirm")
    with app.app_context():
        before = len(db.session.scalars(select(SignOff).join(Cluster).where(Cluster.slug == slug)).all())
    signed = client.post(f"/c/{slug}/signoffs", data={"csrf_token": csrf, "digest": digest})
    assert signed.status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(SignOff).join(Cluster).where(Cluster.slug == slug)).all()
        assert len(rows) == before + 1
        cluster = db.session.scalars(select(Cluster).where(Cluster.slug == slug)).one()
        listed = _signoffs(cluster)
        assert str(listed[-1]["version"]) == number
    page = client.get(f"/c/{slug}", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "Wycofaj podpis mojej organizacji" in page
    withdrawn = client.post(f"/c/{slug}/signoffs/withdraw", data={"csrf_token": csrf})
    assert withdrawn.status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(SignOff).join(Cluster).where(Cluster.slug == slug)).all()
        assert len(rows) == before
    # after withdrawing, the organisation may sign again
    assert client.get(f"/c/{slug}/signoffs/confirm").status_code == 200


def test_an_adopted_strategys_signatures_stand(client, accounts) -> None:
    from tests.conftest import api_token, bearer

    member = bearer(api_token(client, accounts.email("member", "makros")))
    refused = client.delete("/api/v1/clusters/makros/signoffs", headers={**member, "Accept-Language": "en"})
    assert refused.status_code == 409
    assert [u["code"] for u in refused.get_json()["error"]["unmet"]] == ["signing_adopted"]
    observer = bearer(api_token(client, accounts.email("observer", "makros")))
    assert client.delete("/api/v1/clusters/makros/signoffs", headers=observer).status_code == 403


def test_signing_through_the_api_records_the_version_and_withdraws(client, accounts, app) -> None:
    from tests.conftest import api_token, bearer

    slug = "klaster-chemiczny"
    for index in range(12):
        headers = bearer(api_token(client, accounts.email("member", slug, index)))
        answer = client.post(f"/api/v1/clusters/{slug}/signoffs", headers=headers)
        if answer.status_code == 201:
            break
    assert answer.status_code == 201
    with app.app_context():
        signoff = db.session.get(SignOff, answer.get_json()["id"])
        assert signoff.document_id is not None
    assert client.delete(f"/api/v1/clusters/{slug}/signoffs", headers=headers).status_code == 204
    again = client.delete(f"/api/v1/clusters/{slug}/signoffs", headers={**headers, "Accept-Language": "en"})
    assert again.status_code == 409
    assert [u["code"] for u in again.get_json()["error"]["unmet"]] == ["not_signed"]
