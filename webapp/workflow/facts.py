"""Gather the facts the pure workflow engine decides on, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from webapp.clusters.queries import definition_of, member_organisations, stages_with_sections
from webapp.extensions import db
from webapp.models import AuditEvent, Cluster, Membership, SignOff, Stage
from workflows.completeness import Problem, blocking_problems, check_strategy
from workflows.content import is_filled
from workflows.definition import WorkflowDefinition
from workflows.quorum import QuorumStatus, evaluate_quorum
from workflows.roles import REVIEWER_ROLES
from workflows.stages import Action, StageFacts, StageState
from workflows.status import StageNote


@dataclass
class ClusterFacts:
    definition: WorkflowDefinition
    stages: list[Stage]
    facts: list[StageFacts]
    problems: list[Problem]
    quorum: QuorumStatus
    signed_organisation_ids: set[int]
    member_organisations: dict[int, str]
    #: The latest return or reopen of each stage (workflows.status shows it while drafting).
    notes: dict[str, StageNote]
    #: Four eyes may be waived: the setting is on and the cluster has one moderator at most.
    self_approval: bool

    @property
    def states(self) -> dict[str, StageState]:
        return {s.key: StageState(s.state) for s in self.stages}

    def stage(self, key: str) -> Stage:
        return next(s for s in self.stages if s.key == key)


def current_signoffs(cluster: Cluster) -> list[SignOff]:
    return list(
        db.session.scalars(
            select(SignOff)
            .where(SignOff.cluster_id == cluster.id, SignOff.round == cluster.signoff_round)
            .order_by(SignOff.created_at)
        )
    )


def _stage_history(cluster: Cluster) -> tuple[dict[str, int | None], dict[str, StageNote]]:
    """Who submitted each stage last, and the latest return or reopen since, from the audit
    trail (the record of who did what): stage key -> submitter id, stage key -> note."""
    submitted: dict[str, int | None] = {}
    notes: dict[str, StageNote] = {}
    rows = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.cluster_id == cluster.id,
            AuditEvent.verb.in_(("stage.submit", "stage.return", "stage.reopen")),
        )
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.created_at, AuditEvent.id)
    )
    for event in rows:
        if event.verb == "stage.submit":
            submitted[event.subject] = event.actor_id
            notes.pop(event.subject, None)
        else:
            action = Action(event.verb.removeprefix("stage."))
            by = event.actor.name if event.actor else ""
            notes[event.subject] = StageNote(action, event.reason, by, event.created_at)
    return submitted, notes


def _self_approval(cluster: Cluster) -> bool:
    if not current_app.config.get("ALLOW_SELF_APPROVAL_ONE_PERSON"):
        return False
    moderators = db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.cluster_id == cluster.id, Membership.role.in_(REVIEWER_ROLES))
    )
    return (moderators or 0) <= 1


def load_facts(cluster: Cluster) -> ClusterFacts:
    from webapp.comments.queries import open_objections_by_stage

    definition = definition_of(cluster)
    stage_rows = stages_with_sections(cluster)
    contents = {s.key: (s.kind, s.content) for _stage, sections in stage_rows for s in sections}
    problems = check_strategy(contents)
    objections = open_objections_by_stage(cluster)
    submitted, notes = _stage_history(cluster)
    facts = []
    for stage, sections in stage_rows:
        required = {s.key for s in definition.stage(stage.key).sections if s.required}
        empty = tuple(s.key for s in sections if s.key in required and not is_filled(s.kind, s.content))
        facts.append(
            StageFacts(
                key=stage.key,
                state=StageState(stage.state),
                empty_required_sections=empty,
                open_objections=objections.get(stage.id, 0),
                blocking_problems=tuple(blocking_problems(definition, stage.key, problems)),
                needs_review=stage.needs_review,
                submitted_by=submitted.get(stage.key) if stage.state == StageState.IN_REVIEW else None,
            )
        )
    members = member_organisations(cluster)
    signed = {s.organisation_id for s in current_signoffs(cluster)}
    return ClusterFacts(
        definition=definition,
        stages=[stage for stage, _sections in stage_rows],
        facts=facts,
        problems=problems,
        quorum=evaluate_quorum(definition.quorum, members, signed),
        signed_organisation_ids=signed,
        member_organisations=members,
        notes=notes,
        self_approval=_self_approval(cluster),
    )
