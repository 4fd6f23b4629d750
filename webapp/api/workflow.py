"""Stage transitions and sign-offs through the API."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from webapp.access import cluster_for
from webapp.api.blueprint import ApiError, blp
from webapp.api.schemas import IdResponse, StateResponse, TransitionRequest
from webapp.extensions import db
from webapp.workflow.facts import load_facts
from webapp.workflow.messages import unmet_json
from webapp.workflow.operations import (
    SignOffRefused,
    TransitionRefused,
    sign_off,
    transition,
    withdraw_signoff,
)
from webapp.workflow.panels import titles
from workflows.stages import Unmet


@blp.route("/clusters/<slug>/stages/<stage_key>/transitions", methods=["POST"])
@blp.arguments(TransitionRequest)
@blp.response(200, StateResponse)
def post_transition(body: dict, slug: str, stage_key: str) -> dict:
    cluster, role = cluster_for(slug)
    try:
        state = transition(
            cluster, stage_key, body["action"], body.get("reason") or "", role, actor_id=current_user.id
        )
    except KeyError:
        abort(404)
    except TransitionRefused as refused:
        db.session.rollback()
        if refused.decision.forbidden:
            raise ApiError(403, "forbidden") from None
        facts = load_facts(cluster)
        stage = next((f for f in facts.facts if f.key == stage_key), None)
        problems = stage.blocking_problems if stage is not None else ()
        unmet = unmet_json(refused.decision.unmet, titles(facts), problems)
        raise ApiError(
            409, "guard_failed", _("The stage cannot move on yet."), error_extra={"unmet": unmet}
        ) from None
    except StaleDataError:
        db.session.rollback()
        raise ApiError(
            409, "state_changed", _("Someone changed this stage a moment ago; read it again.")
        ) from None
    return {"state": state.value}


@blp.route("/clusters/<slug>/signoffs", methods=["POST"])
@blp.response(201, IdResponse)
def post_signoff(slug: str) -> dict:
    cluster, role = cluster_for(slug)
    try:
        signoff = sign_off(cluster, current_user, role)
    except SignOffRefused as refused:
        db.session.rollback()
        if any(u.code == "role_forbidden" for u in refused.unmet):
            raise ApiError(403, "forbidden") from None
        raise ApiError(
            409,
            "guard_failed",
            _("The strategy cannot be signed now."),
            error_extra={"unmet": unmet_json(refused.unmet)},
        ) from None
    except IntegrityError:
        db.session.rollback()
        raise ApiError(
            409,
            "guard_failed",
            _("The strategy cannot be signed now."),
            error_extra={"unmet": unmet_json((Unmet("already_signed"),))},
        ) from None
    return {"id": signoff.id}


@blp.route("/clusters/<slug>/signoffs", methods=["DELETE"])
@blp.response(204)
def delete_signoff(slug: str) -> None:
    """Withdraw the caller's organisation's signature, until the strategy is adopted."""
    cluster, role = cluster_for(slug)
    try:
        withdraw_signoff(cluster, current_user, role)
    except SignOffRefused as refused:
        db.session.rollback()
        if any(u.code == "role_forbidden" for u in refused.unmet):
            raise ApiError(403, "forbidden") from None
        raise ApiError(
            409,
            "guard_failed",
            _("The signature cannot be withdrawn now."),
            error_extra={"unmet": unmet_json(refused.unmet)},
        ) from None
