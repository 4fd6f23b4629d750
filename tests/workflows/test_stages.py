"""The stage state machine as tables: every (state, action, role) cell, then each guard."""

from __future__ import annotations

import itertools

import pytest

from workflows.completeness import Problem
from workflows.definition import Localized, StageDef, WorkflowDefinition, default_definition
from workflows.quorum import QuorumStatus
from workflows.roles import Role
from workflows.stages import (
    MAX_REASON,
    TRANSITIONS,
    UNMET_CODES,
    Action,
    Effects,
    StageFacts,
    StageState,
    Unmet,
    available_actions,
    decide,
    effects_of,
    initial_states,
    is_adopted,
    waiting_for,
)

DEFN = default_definition()
L, D, R, A = "locked", "drafting", "in_review", "approved"

#: The diagram in docs/design.md, written out independently of the code's table.
EXPECTED_TARGET = {
    (L, "open"): D,
    (D, "submit"): R,
    (R, "approve"): A,
    (R, "return"): D,
    (A, "reopen"): D,
    (A, "confirm"): A,
}
#: Which roles may run which action at all.
MAY = {
    None: set(),
    Role.OBSERVER: set(),
    Role.MEMBER: {"submit"},
    Role.MODERATOR: {"open", "submit", "approve", "return", "reopen", "confirm"},
    Role.ADMIN: {"open", "submit", "approve", "return", "reopen", "confirm"},
}
MET = QuorumStatus(met=True, signed=6, total=11, needed=6, missing_kinds=())
NOT_MET = QuorumStatus(met=False, signed=4, total=11, needed=6, missing_kinds=("science",))


def facts(*states: str, **overrides: StageFacts) -> list[StageFacts]:
    """Facts for the default definition's four stages, in order, clean unless overridden."""
    result = [StageFacts(key, StageState(state)) for key, state in zip(DEFN.stage_keys, states, strict=False)]
    return [overrides.get(f.key, f) for f in result]


def test_transition_table_is_the_diagram() -> None:
    assert {(s.value, a.value): t.value for (s, a), t in TRANSITIONS.items()} == EXPECTED_TARGET


CELLS = list(itertools.product([L, D, R, A], [a.value for a in Action], list(MAY)))


@pytest.mark.parametrize(("state", "action", "role"), CELLS)
def test_every_cell(state: str, action: str, role: Role | None) -> None:
    """The middle stage 'goals', every other guard satisfied: only role and table decide."""
    # Flagged for review, so that confirm's own guard holds too.
    stages = facts(A, state, L, L, goals=StageFacts("goals", StageState(state), needs_review=True))
    decision = decide(DEFN, stages, "goals", action, role, reason="because")
    forbidden = action not in MAY[role]
    target = EXPECTED_TARGET.get((state, action))
    assert decision.action == Action(action)
    assert decision.forbidden is forbidden
    assert decision.target == (StageState(target) if target else None)
    assert decision.allowed is (not forbidden and target is not None)
    if forbidden:
        assert decision.codes == ("role_forbidden",)
    elif target is None:
        assert decision.unmet == (Unmet("invalid_transition", (("state", state), ("action", action))),)
    else:
        assert decision.unmet == ()


def test_open_needs_every_earlier_stage_approved() -> None:
    decision = decide(DEFN, facts(D, R, L, L), "actions", "open", Role.MODERATOR)
    assert not decision.allowed and not decision.forbidden
    assert decision.unmet == (Unmet("previous_stage_not_approved", (("stages", ("diagnosis", "goals")),)),)
    assert decide(DEFN, facts(A, A, L, L), "actions", "open", Role.MODERATOR).allowed
    assert decide(DEFN, facts(L, L, L, L), "diagnosis", "open", Role.ADMIN).allowed


def test_submit_collects_every_unmet_guard() -> None:
    problems = (
        Problem("goal_without_objective", "goals", "g1"),
        Problem("goal_without_objective", "goals", "g2"),
        Problem("action_without_owner", "goals", "a1"),
    )
    goals = StageFacts("goals", StageState.DRAFTING, ("vision", "mission"), 1, problems)
    decision = decide(DEFN, facts(A, D, L, L, goals=goals), "goals", "submit", Role.MEMBER)
    assert not decision.allowed and not decision.forbidden
    assert decision.target == StageState.IN_REVIEW
    assert decision.unmet == (
        Unmet("required_sections_empty", (("count", 2), ("sections", ("vision", "mission")))),
        Unmet(
            "incomplete",
            (("count", 3), ("problems", ("goal_without_objective", "action_without_owner"))),
        ),
        Unmet("open_objections", (("count", 1),)),
    )
    assert decision.unmet[0].param("count") == 2
    assert decision.unmet[0].param("nope", "x") == "x"


def test_approve_collects_objections_and_earlier_stages() -> None:
    goals = StageFacts("goals", StageState.IN_REVIEW, open_objections=2)
    decision = decide(DEFN, facts(D, R, L, L, goals=goals), "goals", "approve", Role.MODERATOR)
    assert decision.codes == ("previous_stage_not_approved", "open_objections")
    assert decision.unmet[1].param("count") == 2


@pytest.mark.parametrize(
    ("quorum", "unmet"),
    [
        (None, (Unmet("quorum_not_met"),)),
        (
            NOT_MET,
            (
                Unmet(
                    "quorum_not_met",
                    (("signed", 4), ("needed", 6), ("missing_kinds", ("science",))),
                ),
            ),
        ),
        (MET, ()),
    ],
)
def test_approving_the_signoff_stage_needs_the_quorum(quorum, unmet) -> None:
    stages = facts(A, A, A, R)
    decision = decide(DEFN, stages, "approval", "approve", Role.MODERATOR, quorum=quorum)
    assert decision.unmet == unmet
    assert decision.allowed is (not unmet)


def test_quorum_matters_only_on_the_signoff_stage() -> None:
    assert decide(DEFN, facts(A, R, L, L), "goals", "approve", Role.MODERATOR).allowed


@pytest.mark.parametrize("action", ["return", "reopen"])
@pytest.mark.parametrize(
    ("reason", "codes"),
    [
        (None, ("reason_required",)),
        ("", ("reason_required",)),
        ("   \n", ("reason_required",)),
        ("x" * (MAX_REASON + 1), ("reason_too_long",)),
        ("x" * MAX_REASON, ()),
        ("Brak danych o członkach", ()),
    ],
)
def test_return_and_reopen_need_a_short_reason(action: str, reason, codes) -> None:
    state = R if action == "return" else A
    decision = decide(DEFN, facts(A, state, L, L), "goals", action, Role.MODERATOR, reason)
    assert decision.codes == codes
    if codes == ("reason_too_long",):
        assert decision.unmet[0].param("max") == 2000


def test_an_overlong_reason_is_refused_on_any_action() -> None:
    decision = decide(DEFN, facts(A, D, L, L), "goals", "submit", Role.MEMBER, "x" * 2001)
    assert decision.codes == ("reason_too_long",)


def test_adopted_strategy_is_reopened_at_its_signoff_stage_first() -> None:
    stages = facts(A, A, A, A)
    decision = decide(DEFN, stages, "diagnosis", "reopen", Role.MODERATOR, "zmiana")
    assert decision.unmet == (Unmet("strategy_adopted", (("stage", "approval"),)),)
    assert decide(DEFN, stages, "approval", "reopen", Role.MODERATOR, "zmiana").allowed
    stages = facts(A, A, A, D)
    assert decide(DEFN, stages, "diagnosis", "reopen", Role.MODERATOR, "zmiana").allowed


def test_forbidden_role_hears_nothing_but_forbidden() -> None:
    goals = StageFacts("goals", StageState.IN_REVIEW, open_objections=3)
    decision = decide(DEFN, facts(D, R, L, L, goals=goals), "goals", "approve", Role.MEMBER)
    assert decision.forbidden and not decision.allowed
    assert decision.unmet == (Unmet("role_forbidden"),)


def test_unknown_stage_or_action_raise() -> None:
    with pytest.raises(KeyError):
        decide(DEFN, facts(D, L, L, L), "nope", "open", Role.ADMIN)
    with pytest.raises(KeyError):  # the definition knows it, the facts do not
        decide(DEFN, facts(D), "goals", "open", Role.ADMIN)
    with pytest.raises(ValueError):
        decide(DEFN, facts(D, L, L, L), "goals", "publish", Role.ADMIN)


def test_available_actions_are_the_buttons() -> None:
    goals = StageFacts("goals", StageState.IN_REVIEW, open_objections=1)
    stages = facts(A, R, L, L, goals=goals)
    buttons = available_actions(DEFN, stages, "goals", Role.MODERATOR)
    assert [(b.action, b.allowed, b.codes) for b in buttons] == [
        (Action.APPROVE, False, ("open_objections",)),
        (Action.RETURN, True, ()),  # the reason is typed into the form
    ]
    assert available_actions(DEFN, stages, "goals", Role.MEMBER) == []
    assert available_actions(DEFN, stages, "goals", Role.OBSERVER) == []
    assert available_actions(DEFN, stages, "goals", None) == []
    drafting = facts(A, D, L, L)
    assert [b.action for b in available_actions(DEFN, drafting, "goals", Role.MEMBER)] == [Action.SUBMIT]
    assert available_actions(DEFN, facts(A, A, L, L), "actions", Role.ADMIN)[0].allowed


def test_waiting_for() -> None:
    empty = StageFacts("goals", StageState.DRAFTING, ("vision", "goals"), open_objections=1)
    assert waiting_for(DEFN, facts(A, D, L, L, goals=empty), "goals") == (
        Unmet("required_sections_empty", (("count", 2), ("sections", ("vision", "goals")))),
        Unmet("open_objections", (("count", 1),)),
    )
    assert waiting_for(DEFN, facts(A, D, L, L), "goals") == ()
    assert waiting_for(DEFN, facts(A, R, L, L), "goals") == (Unmet("awaiting_moderator"),)
    assert waiting_for(DEFN, facts(A, A, L, L), "actions") == (Unmet("stage_locked"),)
    assert waiting_for(DEFN, facts(A, D, L, L), "approval") == (
        Unmet("previous_stage_not_approved", (("stages", ("goals", "actions")),)),
    )
    assert waiting_for(DEFN, facts(A, A, A, R), "approval", NOT_MET) == (
        Unmet("quorum_not_met", (("signed", 4), ("needed", 6), ("missing_kinds", ("science",)))),
        Unmet("awaiting_moderator"),
    )
    assert waiting_for(DEFN, facts(A, A, A, R), "approval", MET) == (Unmet("awaiting_moderator"),)
    assert waiting_for(DEFN, facts(A, A, L, L), "goals") == ()


def _states(*states: str) -> dict[str, StageState]:
    return {k: StageState(s) for k, s in zip(DEFN.stage_keys, states, strict=False)}


@pytest.mark.parametrize(
    ("states", "stage", "action", "effects"),
    [
        ((A, A, R, L), "diagnosis", "reopen", Effects(("goals", "actions"), True)),
        ((A, A, A, A), "approval", "reopen", Effects((), True)),
        ((A, A, D, L), "goals", "reopen", Effects(("actions",), True)),
        ((A, L, L, L), "diagnosis", "reopen", Effects((), True)),
        ((A, A, A, R), "goals", "reopen", Effects(("actions", "approval"), True)),
        ((A, R, L, L), "goals", "return", Effects((), True)),
        ((A, D, L, L), "goals", "submit", Effects((), False)),
        ((A, R, L, L), "goals", "approve", Effects((), False)),
        ((A, L, L, L), "goals", Action.OPEN, Effects((), False)),
    ],
)
def test_effects_of(states, stage: str, action: str, effects: Effects) -> None:
    assert effects_of(DEFN, _states(*states), stage, action) == effects


def test_is_adopted() -> None:
    assert is_adopted(DEFN, _states(A, A, A, A))
    assert not is_adopted(DEFN, _states(A, A, A, R))
    assert not is_adopted(DEFN, _states(A, A, A))


def test_every_emitted_code_is_documented() -> None:
    emitted = {
        "role_forbidden",
        "invalid_transition",
        "previous_stage_not_approved",
        "required_sections_empty",
        "open_objections",
        "incomplete",
        "reason_required",
        "reason_too_long",
        "quorum_not_met",
        "strategy_adopted",
        "awaiting_moderator",
        "stage_locked",
        "own_submission",
        "nothing_to_confirm",
    }
    assert set(UNMET_CODES) == emitted
    assert hash(Unmet("open_objections", (("count", 1),)))


def _definition_of(*stage_keys: str) -> WorkflowDefinition:
    title = Localized("Etap", "Stage")
    return WorkflowDefinition("t", 1, title, tuple(StageDef(k, title) for k in stage_keys))


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        (_definition_of("only"), {"only": D}),
        (_definition_of("first", "second"), {"first": D, "second": L}),
        (DEFN, {"diagnosis": D, "goals": L, "actions": L, "approval": L}),
    ],
)
def test_a_new_cluster_drafts_its_first_stage_and_locks_the_rest(definition, expected) -> None:
    states = initial_states(definition)
    assert {k: s.value for k, s in states.items()} == expected
    assert list(states) == list(definition.stage_keys)  # in the definition's order
    assert all(isinstance(s, StageState) for s in states.values())
