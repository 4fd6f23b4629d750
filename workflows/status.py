"""One answer to "where is the strategy, what is it waiting for, and what may I do next?".

Every page, badge, button and the API read :func:`strategy_status`, so no two places
can disagree: once the strategy is adopted nothing asks for a signature any more, a
stage's "needs review" badge lasts only as long as the check it asks for, and a
returned or reopened stage carries its reason until it is submitted again.

Pure: the web layer gathers the facts (stage facts, quorum, the person's organisation,
the latest return or reopen of each stage) and renders what this answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from workflows.completeness import Problem
from workflows.definition import WorkflowDefinition
from workflows.quorum import QuorumStatus
from workflows.roles import Role
from workflows.signoffs import signoff_unmet, withdraw_unmet
from workflows.stages import (
    TRANSITIONS,
    Action,
    Decision,
    StageFacts,
    StageState,
    Unmet,
    available_actions,
    effects_of,
    is_adopted,
    waiting_for,
)


@dataclass(frozen=True)
class StageNote:
    """The latest return or reopen of a stage: why, by whom, when."""

    action: Action
    reason: str
    by: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class StageStatus:
    key: str
    state: StageState
    #: Show the "needs review" badge: flagged, and the check has not been done.
    needs_review: bool
    waiting: tuple[Unmet, ...]
    actions: tuple[Decision, ...]
    #: Why the stage came back, shown on the stage until it is submitted again.
    note: StageNote | None
    problems: tuple[Problem, ...]
    open_objections: int


@dataclass(frozen=True)
class SigningStatus:
    #: The sign-off panel has anything to show (its stage is no longer locked).
    visible: bool
    adopted: bool
    quorum: QuorumStatus | None
    #: Kinds still missing a signature; empty once adopted (nothing is missing any more).
    missing_kinds: tuple[str, ...]
    can_sign: bool
    can_withdraw: bool
    #: Why the person cannot sign, for people who could in principle (no role refusal).
    why_not: tuple[Unmet, ...]


@dataclass(frozen=True)
class StrategyStatus:
    adopted: bool
    approved: int
    total: int
    #: The first stage not approved, where the strategy is now; None once adopted.
    current: str | None
    #: What the current stage waits for (empty once adopted).
    waiting: tuple[Unmet, ...]
    stages: tuple[StageStatus, ...]
    signing: SigningStatus

    def stage(self, key: str) -> StageStatus:
        return next(s for s in self.stages if s.key == key)


def _note(facts: StageFacts, note: StageNote | None) -> StageNote | None:
    """A reason stands until the next submission: while the stage is being drafted again."""
    if note is None or StageState(facts.state) is not StageState.DRAFTING:
        return None
    return note


def strategy_status(
    definition: WorkflowDefinition,
    stages: Sequence[StageFacts],
    role: Role | None,
    quorum: QuorumStatus | None,
    *,
    actor_id: int | None = None,
    self_approval: bool = False,
    organisation_is_member: bool = False,
    organisation_signed: bool = False,
    notes: Mapping[str, StageNote] | None = None,
) -> StrategyStatus:
    """The whole strategy's status for one person (``role``, ``actor_id``, their organisation)."""
    notes = notes or {}
    states = {f.key: StageState(f.state) for f in stages}
    adopted = is_adopted(definition, states)
    by_key = {f.key: f for f in stages}
    stage_status = []
    for key in definition.stage_keys:
        facts = by_key.get(key, StageFacts(key, StageState.LOCKED))
        actions = available_actions(definition, stages, key, role, quorum, actor_id, self_approval)
        stage_status.append(
            StageStatus(
                key=key,
                state=StageState(facts.state),
                needs_review=facts.needs_review,
                waiting=waiting_for(definition, stages, key, quorum),
                actions=tuple(actions),
                note=_note(facts, notes.get(key)),
                problems=tuple(facts.blocking_problems),
                open_objections=facts.open_objections,
            )
        )
    current = next((s for s in stage_status if s.state is not StageState.APPROVED), None)
    approved = sum(1 for s in stage_status if s.state is StageState.APPROVED)
    return StrategyStatus(
        adopted=adopted,
        approved=approved,
        total=len(stage_status),
        current=None if adopted or current is None else current.key,
        waiting=() if adopted or current is None else current.waiting,
        stages=tuple(stage_status),
        signing=_signing(
            definition, states, role, quorum, adopted, organisation_is_member, organisation_signed
        ),
    )


def _signing(
    definition: WorkflowDefinition,
    states: Mapping[str, StageState],
    role: Role | None,
    quorum: QuorumStatus | None,
    adopted: bool,
    organisation_is_member: bool,
    organisation_signed: bool,
) -> SigningStatus:
    stage = definition.signoff_stage
    visible = stage is not None and states.get(stage.key, StageState.LOCKED) is not StageState.LOCKED
    sign = signoff_unmet(definition, states, role, organisation_is_member, organisation_signed)
    withdraw = withdraw_unmet(definition, states, role, organisation_signed)
    return SigningStatus(
        visible=visible,
        adopted=adopted,
        quorum=quorum,
        missing_kinds=() if adopted or quorum is None else quorum.missing_kinds,
        can_sign=not sign,
        can_withdraw=not withdraw,
        # After the adoption one sentence says it all (the panel's); "already signed" shows
        # as the organisation's own row.
        why_not=()
        if adopted
        else tuple(u for u in sign if u.code not in ("role_forbidden", "already_signed")),
    )


@dataclass(frozen=True)
class Undo:
    """What a transition will undo, said before it is confirmed."""

    #: Sign-offs that will be voided (organisations must sign again).
    signatures: int
    #: Later stages that will be flagged for review, in the definition's order.
    needs_review: tuple[str, ...]
    #: The strategy is adopted now and will not be afterwards.
    adoption_withdrawn: bool


def what_it_undoes(
    definition: WorkflowDefinition,
    states: Mapping[str, StageState],
    stage_key: str,
    action: Action | str,
    signatures: int,
) -> Undo:
    """The consequences of ``action`` on the stage, from the same effects the engine applies."""
    effects = effects_of(definition, states, stage_key, action)
    target = TRANSITIONS.get((StageState(states.get(stage_key, StageState.LOCKED)), Action(action)))
    adopted = is_adopted(definition, states)
    return Undo(
        signatures=signatures if effects.void_signoffs else 0,
        needs_review=effects.needs_review,
        adoption_withdrawn=adopted and target is not None and target is not StageState.APPROVED,
    )
