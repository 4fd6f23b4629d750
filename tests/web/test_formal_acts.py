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
