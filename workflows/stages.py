"""The stage state machine: which transitions exist, who may run them, and on what facts.

Each stage of a cluster's strategy is locked, drafting, in review or approved::

    locked --open--> drafting --submit--> in_review --approve--> approved
                       ^  ^                   |                      |
                       |  +---- return -------+                      |
                       +------------------- reopen ------------------+

Everything here is a pure function of the definition, the facts the web layer gathered
(:class:`StageFacts`), the role and the quorum, so the rules are tested as tables and
the web layer only loads facts, asks :func:`decide`, and applies what it answers.

Rules beyond the table, each there to keep the strategy consistent:

* a stage is opened and approved only when every earlier stage is approved, so no
  stage ever *becomes* approved on top of an unapproved one;
* reopening a stage flags the later stages that built on it as needing review (they
  keep their state), and voids the sign-offs; so does returning a stage;
* while the strategy is adopted (the sign-off stage approved), only the sign-off stage
  itself can be reopened: amending an adopted strategy starts by withdrawing its
  adoption, so an "all approved" strategy is never left standing on voided sign-offs.
* approving a stage clears its own needs-review flag (the web layer applies that when
  it writes the approval); an approved stage flagged for review is either reopened or
  confirmed as it stands (``confirm``, offered only then), so the flag never outlives
  the check it asks for;
* four eyes: the person who submitted a stage does not approve that submission, unless
  the web layer says the cluster has no one else who could (a setting, off by default).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from workflows.completeness import Problem
from workflows.definition import WorkflowDefinition
from workflows.quorum import QuorumStatus
from workflows.roles import Permission, Role, can


class StageState(StrEnum):
    LOCKED = "locked"
    DRAFTING = "drafting"
    IN_REVIEW = "in_review"
    APPROVED = "approved"


class Action(StrEnum):
    OPEN = "open"
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"
    REOPEN = "reopen"
    CONFIRM = "confirm"


_S, _A = StageState, Action

#: (state, action) -> the state it leads to. A pair not listed is not a transition.
TRANSITIONS: dict[tuple[StageState, Action], StageState] = {
    (_S.LOCKED, _A.OPEN): _S.DRAFTING,
    (_S.DRAFTING, _A.SUBMIT): _S.IN_REVIEW,
    (_S.IN_REVIEW, _A.APPROVE): _S.APPROVED,
    (_S.IN_REVIEW, _A.RETURN): _S.DRAFTING,
    (_S.APPROVED, _A.REOPEN): _S.DRAFTING,
    (_S.APPROVED, _A.CONFIRM): _S.APPROVED,
}

#: The permission each action needs: members submit, moderators run the rest.
ACTION_PERMISSION: dict[Action, Permission] = {
    _A.OPEN: Permission.RUN_WORKFLOW,
    _A.SUBMIT: Permission.SUBMIT_STAGE,
    _A.APPROVE: Permission.RUN_WORKFLOW,
    _A.RETURN: Permission.RUN_WORKFLOW,
    _A.REOPEN: Permission.RUN_WORKFLOW,
    _A.CONFIRM: Permission.RUN_WORKFLOW,
}

#: Actions that undo earlier work, so the audit trail must say why.
REASON_REQUIRED: frozenset[Action] = frozenset({_A.RETURN, _A.REOPEN})
MAX_REASON = 2000

ROLE_FORBIDDEN = "role_forbidden"
INVALID_TRANSITION = "invalid_transition"
PREVIOUS_STAGE_NOT_APPROVED = "previous_stage_not_approved"
REQUIRED_SECTIONS_EMPTY = "required_sections_empty"
OPEN_OBJECTIONS = "open_objections"
INCOMPLETE = "incomplete"
REASON_REQUIRED_CODE = "reason_required"
REASON_TOO_LONG = "reason_too_long"
QUORUM_NOT_MET = "quorum_not_met"
STRATEGY_ADOPTED = "strategy_adopted"
AWAITING_MODERATOR = "awaiting_moderator"
STAGE_LOCKED = "stage_locked"
OWN_SUBMISSION = "own_submission"
NOTHING_TO_CONFIRM = "nothing_to_confirm"

#: Every Unmet code, with its params: the web layer turns each into a localized message.
UNMET_CODES: dict[str, str] = {
    ROLE_FORBIDDEN: "the role may not run this action at all (HTTP 403)",
    INVALID_TRANSITION: "no such transition from the current state (params: state, action)",
    PREVIOUS_STAGE_NOT_APPROVED: "an earlier stage is not approved (params: stages)",
    REQUIRED_SECTIONS_EMPTY: "required sections are empty (params: count, sections)",
    OPEN_OBJECTIONS: "objections on the stage are still open (params: count)",
    INCOMPLETE: "completeness problems block submitting (params: count, problems = codes)",
    REASON_REQUIRED_CODE: "return and reopen need a reason",
    REASON_TOO_LONG: "the reason is longer than allowed (params: max)",
    QUORUM_NOT_MET: "too few sign-offs (params: signed, needed, missing_kinds)",
    STRATEGY_ADOPTED: "the strategy is adopted: reopen its sign-off stage first (params: stage)",
    AWAITING_MODERATOR: "in review, waiting for a moderator (waiting_for only)",
    STAGE_LOCKED: "locked, waiting to be opened (waiting_for only)",
    OWN_SUBMISSION: "the person who submitted the stage may not approve that submission",
    NOTHING_TO_CONFIRM: "confirm is for an approved stage flagged for review only",
}


@dataclass(frozen=True)
class Unmet:
    """One reason an action is not possible (or what a stage waits for)."""

    code: str
    params: tuple[tuple[str, object], ...] = ()

    def param(self, name: str, default: object = None) -> object:
        return dict(self.params).get(name, default)


@dataclass(frozen=True)
class StageFacts:
    """What the web layer knows about one stage of one cluster, gathered before deciding."""

    key: str
    state: StageState
    empty_required_sections: tuple[str, ...] = ()
    open_objections: int = 0
    blocking_problems: tuple[Problem, ...] = ()
    needs_review: bool = False
    #: Who submitted the stage's current submission (None: unknown or not submitted).
    submitted_by: int | None = None


@dataclass(frozen=True)
class Decision:
    """May this action run now? ``forbidden``: never for this role (403); else see unmet (409)."""

    action: Action
    allowed: bool
    forbidden: bool
    #: Where the transition leads; None when the current state has no such transition.
    target: StageState | None
    unmet: tuple[Unmet, ...]
    #: Allowed although the person approves their own submission (one-person cluster).
    own_submission: bool = False

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(u.code for u in self.unmet)


@dataclass(frozen=True)
class Effects:
    """What a transition does beyond the stage's own state, for the web layer to apply."""

    #: Later stages to flag as needing review (they keep their state).
    needs_review: tuple[str, ...]
    #: Delete the organisations' sign-offs: the strategy they signed has changed.
    void_signoffs: bool


def _facts(
    definition: WorkflowDefinition, stages: Sequence[StageFacts], stage_key: str
) -> tuple[dict[str, StageFacts], StageFacts]:
    definition.stage(stage_key)  # KeyError for a stage the definition lacks
    facts = {f.key: f for f in stages}
    return facts, facts[stage_key]


def _earlier_not_approved(
    definition: WorkflowDefinition, facts: Mapping[str, StageFacts], stage_key: str
) -> tuple[str, ...]:
    earlier = definition.stage_keys[: definition.stage_index(stage_key)]
    return tuple(k for k in earlier if k not in facts or StageState(facts[k].state) is not _S.APPROVED)


def _quorum_unmet(quorum: QuorumStatus | None) -> list[Unmet]:
    if quorum is None:
        return [Unmet(QUORUM_NOT_MET)]
    if quorum.met:
        return []
    params = (
        ("signed", quorum.signed),
        ("needed", quorum.needed),
        ("missing_kinds", quorum.missing_kinds),
    )
    return [Unmet(QUORUM_NOT_MET, params)]


def _guards(
    definition: WorkflowDefinition,
    facts: Mapping[str, StageFacts],
    current: StageFacts,
    action: Action,
    quorum: QuorumStatus | None,
    actor_id: int | None = None,
    self_approval: bool = False,
) -> list[Unmet]:
    """The facts an action needs, all of them, so the person sees everything to fix."""
    unmet: list[Unmet] = []
    if action is _A.APPROVE and _own_submission(current, actor_id) and not self_approval:
        unmet.append(Unmet(OWN_SUBMISSION))
    if action is _A.CONFIRM and not current.needs_review:
        unmet.append(Unmet(NOTHING_TO_CONFIRM))
    if action in (_A.OPEN, _A.APPROVE, _A.CONFIRM):
        earlier = _earlier_not_approved(definition, facts, current.key)
        if earlier:
            unmet.append(Unmet(PREVIOUS_STAGE_NOT_APPROVED, (("stages", earlier),)))
    if action is _A.SUBMIT:
        empty = tuple(current.empty_required_sections)
        if empty:
            params = (("count", len(empty)), ("sections", empty))
            unmet.append(Unmet(REQUIRED_SECTIONS_EMPTY, params))
        problems = tuple(current.blocking_problems)
        if problems:
            codes = tuple(dict.fromkeys(p.code for p in problems))
            unmet.append(Unmet(INCOMPLETE, (("count", len(problems)), ("problems", codes))))
    if action in (_A.SUBMIT, _A.APPROVE) and current.open_objections > 0:
        unmet.append(Unmet(OPEN_OBJECTIONS, (("count", current.open_objections),)))
    signoff = definition.signoff_stage
    if action is _A.APPROVE and signoff is not None and signoff.key == current.key:
        unmet.extend(_quorum_unmet(quorum))
    if action is _A.REOPEN and signoff is not None and signoff.key != current.key:
        signoff_facts = facts.get(signoff.key)
        if signoff_facts is not None and StageState(signoff_facts.state) is _S.APPROVED:
            unmet.append(Unmet(STRATEGY_ADOPTED, (("stage", signoff.key),)))
    return unmet


def _own_submission(current: StageFacts, actor_id: int | None) -> bool:
    return actor_id is not None and current.submitted_by is not None and current.submitted_by == actor_id


def _reason_unmet(action: Action, reason: str | None) -> list[Unmet]:
    if action in REASON_REQUIRED and (reason is None or not reason.strip()):
        return [Unmet(REASON_REQUIRED_CODE)]
    if reason is not None and len(reason) > MAX_REASON:
        return [Unmet(REASON_TOO_LONG, (("max", MAX_REASON),))]
    return []


def _decide(
    definition: WorkflowDefinition,
    stages: Sequence[StageFacts],
    stage_key: str,
    action: Action | str,
    role: Role | None,
    reason: str | None,
    quorum: QuorumStatus | None,
    check_reason: bool,
    actor_id: int | None = None,
    self_approval: bool = False,
) -> Decision:
    action = Action(action)
    facts, current = _facts(definition, stages, stage_key)
    target = TRANSITIONS.get((StageState(current.state), action))
    if not can(role, ACTION_PERMISSION[action]):
        return Decision(action, False, True, target, (Unmet(ROLE_FORBIDDEN),))
    if target is None:
        params = (("state", StageState(current.state).value), ("action", action.value))
        return Decision(action, False, False, None, (Unmet(INVALID_TRANSITION, params),))
    unmet = _guards(definition, facts, current, action, quorum, actor_id, self_approval)
    if check_reason:
        unmet += _reason_unmet(action, reason)
    own = action is _A.APPROVE and _own_submission(current, actor_id)
    return Decision(action, not unmet, False, target, tuple(unmet), own_submission=own and not unmet)


def decide(
    definition: WorkflowDefinition,
    stages: Sequence[StageFacts],
    stage_key: str,
    action: Action | str,
    role: Role | None,
    reason: str | None = None,
    quorum: QuorumStatus | None = None,
    actor_id: int | None = None,
    self_approval: bool = False,
) -> Decision:
    """May ``role`` run ``action`` on the stage now, and if not, everything that stands in the way.

    A role without the permission gets only ``role_forbidden``; a state without the
    transition only ``invalid_transition``; otherwise every failing guard is listed.
    ``actor_id`` is the person acting (four eyes: not the stage's submitter, unless
    ``self_approval`` says the cluster has no one else to approve).
    Raises KeyError for an unknown stage and ValueError for an unknown action.
    """
    return _decide(definition, stages, stage_key, action, role, reason, quorum, True, actor_id, self_approval)


def available_actions(
    definition: WorkflowDefinition,
    stages: Sequence[StageFacts],
    stage_key: str,
    role: Role | None,
    quorum: QuorumStatus | None = None,
    actor_id: int | None = None,
    self_approval: bool = False,
) -> list[Decision]:
    """The buttons to show: each transition out of the current state the role may run.

    A disabled one carries its unmet guards. The reason is asked for in the form, so its
    absence does not disable a button. ``confirm`` is offered only on a flagged stage.
    """
    _, current = _facts(definition, stages, stage_key)
    state = StageState(current.state)
    return [
        _decide(definition, stages, stage_key, action, role, None, quorum, False, actor_id, self_approval)
        for action in Action
        if (state, action) in TRANSITIONS
        and can(role, ACTION_PERMISSION[action])
        and (action is not _A.CONFIRM or current.needs_review)
    ]


def waiting_for(
    definition: WorkflowDefinition,
    stages: Sequence[StageFacts],
    stage_key: str,
    quorum: QuorumStatus | None = None,
) -> tuple[Unmet, ...]:
    """What the stage waits for before it can move on, for the progress view.

    Locked: the earlier stages, or (when they are approved) being opened. Drafting: what
    submitting needs. In review: what approving needs, and a moderator. Approved: nothing,
    unless it is flagged for review (then a moderator's check).
    """
    facts, current = _facts(definition, stages, stage_key)
    state = StageState(current.state)
    if state is _S.LOCKED:
        earlier = _earlier_not_approved(definition, facts, stage_key)
        if earlier:
            return (Unmet(PREVIOUS_STAGE_NOT_APPROVED, (("stages", earlier),)),)
        return (Unmet(STAGE_LOCKED),)
    if state is _S.DRAFTING:
        return tuple(_guards(definition, facts, current, _A.SUBMIT, quorum))
    if state is _S.IN_REVIEW:
        unmet = _guards(definition, facts, current, _A.APPROVE, quorum)
        return (*unmet, Unmet(AWAITING_MODERATOR))
    if current.needs_review:
        return (Unmet(AWAITING_MODERATOR),)
    return ()


def initial_states(definition: WorkflowDefinition) -> dict[str, StageState]:
    """Each stage's state when a cluster starts, by key in the definition's order: the first
    stage drafting (work begins at once), every later one locked until it is opened."""
    return {
        stage.key: _S.DRAFTING if index == 0 else _S.LOCKED for index, stage in enumerate(definition.stages)
    }


def effects_of(
    definition: WorkflowDefinition,
    states: Mapping[str, StageState],
    stage_key: str,
    action: Action | str,
) -> Effects:
    """The side effects of a transition the web layer is about to apply.

    Reopening flags every later stage that is not locked (approved, in review or
    drafting: all of them built on the reopened stage). Reopening or returning any stage
    voids the sign-offs, because the strategy being signed changes.
    """
    action = Action(action)
    index = definition.stage_index(stage_key)
    if action is _A.REOPEN:
        later = tuple(
            s.key
            for s in definition.stages[index + 1 :]
            if StageState(states.get(s.key, _S.LOCKED)) is not _S.LOCKED
        )
        return Effects(needs_review=later, void_signoffs=True)
    if action is _A.RETURN:
        return Effects(needs_review=(), void_signoffs=True)
    return Effects(needs_review=(), void_signoffs=False)


def is_adopted(definition: WorkflowDefinition, states: Mapping[str, StageState]) -> bool:
    """The strategy is adopted when every stage is approved (the last one needs the quorum)."""
    return all(StageState(states.get(k, _S.LOCKED)) is _S.APPROVED for k in definition.stage_keys)
