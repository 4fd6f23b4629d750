"""Gather the facts the pure workflow engine decides on, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from webapp.clusters.queries import definition_of, member_organisations, stages_with_sections
from webapp.extensions import db
from webapp.models import Cluster, SignOff, Stage
from workflows.completeness import Problem, blocking_problems, check_strategy
from workflows.content import is_filled
from workflows.definition import WorkflowDefinition
from workflows.quorum import QuorumStatus, evaluate_quorum
from workflows.stages import StageFacts, StageState


@dataclass
class ClusterFacts:
    definition: WorkflowDefinition
    stages: list[Stage]
    facts: list[StageFacts]
    problems: list[Problem]
    quorum: QuorumStatus
    signed_organisation_ids: set[int]
    member_organisations: dict[int, str]

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


def load_facts(cluster: Cluster) -> ClusterFacts:
    from webapp.comments.queries import open_objections_by_stage

    definition = definition_of(cluster)
    stage_rows = stages_with_sections(cluster)
    contents = {s.key: (s.kind, s.content) for _stage, sections in stage_rows for s in sections}
    problems = check_strategy(contents)
    objections = open_objections_by_stage(cluster)
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
    )
