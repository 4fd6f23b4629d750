"""Verbs of the workflow: move a stage, sign the strategy. They flush and audit."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from webapp import events, security_log, tasks, transaction
from webapp.extensions import db
from webapp.models import Cluster, Document, SignOff, User
from webapp.models.base import utcnow
from webapp.problems import Stale
from webapp.workflow.facts import load_facts
from workflows.roles import Role
from workflows.signoffs import signoff_unmet, withdraw_unmet
from workflows.stages import Action, Decision, StageState, Unmet, decide, effects_of


@dataclass
class TransitionRefused(Exception):
    """The engine said no: forbidden (403) or guards unmet (409)."""

    decision: Decision


@dataclass
class SignOffRefused(Exception):
    unmet: tuple[Unmet, ...]


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VersionToSign:
    """What a signature is given to: the document version of the strategy as it stands."""

    #: The version's number; when no version shows the present text yet, the number the
    #: one made at signing will get.
    number: int
    #: None until that version exists.
    created_at: datetime | None
    #: SHA-256 of the frozen content (the version's snapshot hash): the same text, the same sum.
    digest: str
    #: SHA-256 of the rendered DOCX, once it is done.
    file_sha256: str | None
    exists: bool


def version_to_sign(cluster: Cluster) -> VersionToSign:
    from webapp.documents.operations import latest
    from webapp.documents.snapshot import build_snapshot, snapshot_hash

    digest = snapshot_hash(build_snapshot(cluster))
    newest = latest(cluster)
    if newest is not None and newest.snapshot_hash == digest:
        done = newest.status == "done"
        return VersionToSign(newest.version, newest.created_at, digest, newest.sha256 if done else None, True)
    highest = db.session.scalar(select(func.max(Document.version)).where(Document.cluster_id == cluster.id))
    return VersionToSign((highest or 0) + 1, None, digest, None, False)


def _version_signed(cluster: Cluster, user: User, digest: str | None) -> Document:
    """The version the signature goes with: made now if none shows the present text. A
    digest from the confirmation page that no longer matches means the text changed."""
    from webapp.documents.operations import request_document

    requested = request_document(cluster, user)
    if digest is not None and requested.document.snapshot_hash != digest:
        raise Stale("digest", _("The strategy changed after you opened this page: read what you sign again."))
    if requested.created:
        document_id = requested.document.id

        def render() -> None:
            try:
                tasks.enqueue("studio.render_document", document_id)
            except tasks.BrokerUnavailable as exc:  # the documents' sweep sends it later
                log.warning("broker unreachable, document %s waits for the sweep: %s", document_id, exc)

        transaction.after_commit(render)
    return requested.document


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


def sign_off(cluster: Cluster, user: User, role: Role | None, digest: str | None = None) -> SignOff:
    """The person signs the strategy for their organisation (once per round), and with it
    the document version they were shown (``digest``: its checksum, from the confirmation
    page; the API signs the present version). Raises SignOffRefused, or Stale when the
    strategy changed since the page showed ``digest``."""
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
    document = _version_signed(cluster, user, digest)
    signoff = SignOff(
        cluster_id=cluster.id,
        organisation_id=org_id,
        user_id=user.id,
        round=cluster.signoff_round,
        document_id=document.id,
    )
    db.session.add(signoff)
    events.emit(
        "signoff", cluster, subject=user.organisation.name, organisation_id=org_id, version=document.version
    )
    db.session.flush()
    return signoff


def withdraw_signoff(cluster: Cluster, user: User, role: Role | None) -> None:
    """The organisation's signature is withdrawn (until the adoption); anyone of it may."""
    facts = load_facts(cluster)
    org_id = user.organisation_id
    unmet = withdraw_unmet(
        facts.definition, facts.states, role, org_id is not None and org_id in facts.signed_organisation_ids
    )
    if unmet:
        raise SignOffRefused(unmet)
    db.session.execute(
        delete(SignOff).where(
            SignOff.cluster_id == cluster.id,
            SignOff.organisation_id == org_id,
            SignOff.round == cluster.signoff_round,
        )
    )
    events.emit("signoff.withdraw", cluster, subject=user.organisation.name, organisation_id=org_id)
    db.session.flush()
