"""Verbs of the workflow: move a stage, sign the strategy. They flush and audit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update

from webapp import events, security_log
from webapp.extensions import db
from webapp.models import Cluster, SignOff, User
from webapp.models.base import utcnow
from webapp.workflow.facts import load_facts
from workflows.roles import Role
from workflows.signoffs import signoff_unmet
from workflows.stages import Action, Decision, StageState, Unmet, decide, effects_of


@dataclass
class TransitionRefused(Exception):
    """The engine said no: forbidden (403) or guards unmet (409)."""

    decision: Decision


@dataclass
class SignOffRefused(Exception):
    unmet: tuple[Unmet, ...]


def transition(
    cluster: Cluster,
    stage_key: str,
    action: str,
    reason: str,
    role: Role | None,
    actor_id: int | None = None,
) -> StageState:
    """Apply one transition if the engine allows it, with its effects and audit event.

    ``actor_id`` is the person acting: four eyes keep a submitter from approving their own
    submission. Raises KeyError (unknown stage), ValueError (unknown action),
    TransitionRefused, and sqlalchemy.orm.exc.StaleDataError when another request changed
    the stage meanwhile.
    """
    facts = load_facts(cluster)
    decision = decide(
        facts.definition,
        facts.facts,
        stage_key,
        action,
        role,
        reason,
        facts.quorum,
        actor_id=actor_id,
        self_approval=facts.self_approval,
    )
    if not decision.allowed:
        raise TransitionRefused(decision)
    action = Action(action)
    stage = facts.stage(stage_key)
    previous = stage.state
    now = utcnow()
    stage.state = decision.target.value
    stage.updated_at = now
    if action in (Action.APPROVE, Action.CONFIRM):
        stage.needs_review = False
    effects = effects_of(facts.definition, facts.states, stage_key, action)
    for key in effects.needs_review:
        facts.stage(key).needs_review = True
    if effects.void_signoffs and facts.signed_organisation_ids:
        _void_signoffs(cluster, stage_key, action)
    extra = {"own_submission": True} if decision.own_submission else {}
    events.emit(
        f"stage.{action.value}",
        cluster,
        subject=stage_key,
        reason=(reason or "").strip(),
        previous=previous,
        state=stage.state,
        needs_review=list(effects.needs_review),
        **extra,
    )
    db.session.flush()  # the stage's version column makes a concurrent change fail here
    if action in (Action.APPROVE, Action.REOPEN):
        security_log.event(f"stage.{action.value}", cluster=cluster.slug, stage=stage_key)
    return StageState(stage.state)


def _void_signoffs(cluster: Cluster, stage_key: str, action: Action) -> None:
    db.session.execute(
        update(SignOff)
        .where(SignOff.cluster_id == cluster.id, SignOff.round == cluster.signoff_round)
        .values(voided_at=utcnow())
    )
    cluster.signoff_round += 1
    events.emit("signoff.void", cluster, subject=stage_key, cause=action.value)


def sign_off(cluster: Cluster, user: User, role: Role | None) -> SignOff:
    """The person signs the strategy for their organisation (once per round)."""
    facts = load_facts(cluster)
    org_id = user.organisation_id
    unmet = signoff_unmet(
        facts.definition,
        facts.states,
        role,
        organisation_is_member=org_id in facts.member_organisations,
        already_signed=org_id in facts.signed_organisation_ids,
    )
    if unmet:
        raise SignOffRefused(unmet)
    signoff = SignOff(
        cluster_id=cluster.id, organisation_id=org_id, user_id=user.id, round=cluster.signoff_round
    )
    db.session.add(signoff)
    events.emit("signoff", cluster, subject=user.organisation.name, organisation_id=org_id)
    db.session.flush()
    return signoff
