"""Random walks through the workflow keep the strategy consistent.

A small in-memory model plays the web layer: it gathers facts, asks ``decide``, and
applies the answer and ``effects_of`` exactly as an operation would, writing one audit
entry per state change. Hypothesis drives it with random stages, actions, roles,
reasons, facts and sign-offs, and checks the invariants after every step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from workflows.completeness import Problem
from workflows.definition import default_definition
from workflows.kinds import ORGANISATION_KINDS
from workflows.quorum import evaluate_quorum
from workflows.roles import Role, can
from workflows.stages import (
    ACTION_PERMISSION,
    TRANSITIONS,
    Action,
    StageFacts,
    StageState,
    available_actions,
    decide,
    effects_of,
    is_adopted,
)

DEFN = default_definition()
KEYS = DEFN.stage_keys
L, D, R, A = StageState


def initial_states() -> dict[str, StageState]:
    """A new cluster: its first stage drafting, the others locked (docs/design.md)."""
    return {k: (D if i == 0 else L) for i, k in enumerate(KEYS)}


@dataclass
class Model:
    members: dict[int, str]
    states: dict[str, StageState] = field(default_factory=initial_states)
    empty: dict[str, tuple[str, ...]] = field(default_factory=dict)
    objections: dict[str, int] = field(default_factory=dict)
    problems: dict[str, tuple[Problem, ...]] = field(default_factory=dict)
    needs_review: set[str] = field(default_factory=set)
    signoffs: set[int] = field(default_factory=set)
    audit: list[tuple[str, StageState, StageState, Action]] = field(default_factory=list)
    applied: int = 0

    def facts(self) -> list[StageFacts]:
        return [
            StageFacts(
                k,
                self.states[k],
                self.empty.get(k, ()),
                self.objections.get(k, 0),
                self.problems.get(k, ()),
                k in self.needs_review,
            )
            for k in KEYS
        ]

    def quorum(self):
        return evaluate_quorum(DEFN.quorum, self.members, self.signoffs)

    def act(self, stage: str, action: Action, role: Role | None, reason: str | None):
        """What an operation does: decide, then apply state, audit and effects together."""
        before = self.states[stage]
        decision = decide(DEFN, self.facts(), stage, action, role, reason, self.quorum())
        if decision.forbidden:
            assert not can(role, ACTION_PERMISSION[action])
            assert not decision.allowed
        if not decision.allowed:
            assert decision.unmet
            return decision
        assert decision.unmet == ()
        assert decision.target == TRANSITIONS[(before, action)]
        if decision.target is A:
            earlier = KEYS[: KEYS.index(stage)]
            assert all(self.states[k] is A for k in earlier), "approved on an unapproved stage"
        effects = effects_of(DEFN, self.states, stage, action)
        self.states[stage] = decision.target
        self.audit.append((stage, before, decision.target, action))
        self.applied += 1
        self.needs_review.update(effects.needs_review)
        if action is Action.APPROVE:
            self.needs_review.discard(stage)
        if effects.void_signoffs:
            self.signoffs.clear()
        return decision


ROLES = st.sampled_from([None, *Role])
REASONS = st.one_of(st.none(), st.just(""), st.just("  "), st.text(max_size=12), st.just("x" * 2001))
MEMBERS = st.dictionaries(st.integers(1, 12), st.sampled_from(ORGANISATION_KINDS), min_size=1, max_size=8)


class WorkflowMachine(RuleBasedStateMachine):
    model: Model

    @initialize(members=MEMBERS)
    def start(self, members: dict[int, str]) -> None:
        self.model = Model(members)

    @rule(stage=st.sampled_from(KEYS), action=st.sampled_from(Action), role=ROLES, reason=REASONS)
    def random_action(self, stage: str, action: Action, role, reason) -> None:
        self.model.act(stage, action, role, reason)

    def _moderator_moves(self, data: st.DataObject, actions: set[Action], steps: int) -> None:
        m = self.model
        for _ in range(steps):
            choices = [
                (k, b.action)
                for k in KEYS
                for b in available_actions(DEFN, m.facts(), k, Role.MODERATOR, m.quorum())
                if b.allowed and b.action in actions
            ]
            if not choices:
                return
            stage, action = data.draw(st.sampled_from(choices))
            assert m.act(stage, action, Role.MODERATOR, "powód").allowed

    @rule(data=st.data(), steps=st.integers(1, 6))
    def moderator_moves_forward(self, data: st.DataObject, steps: int) -> None:
        """Helpful steps, so that walks also reach late stages and adoption."""
        self._moderator_moves(data, {Action.OPEN, Action.SUBMIT, Action.APPROVE}, steps)

    @rule(data=st.data())
    def moderator_moves_back(self, data: st.DataObject) -> None:
        self._moderator_moves(data, {Action.RETURN, Action.REOPEN}, 1)

    @rule(
        stage=st.sampled_from(KEYS),
        empty=st.booleans(),
        objections=st.integers(0, 2),
        problem=st.booleans(),
    )
    def facts_change(self, stage: str, empty: bool, objections: int, problem: bool) -> None:
        self.model.empty[stage] = ("profile",) if empty else ()
        self.model.objections[stage] = objections
        self.model.problems[stage] = (Problem("action_without_kpi", "action_plan", "a1"),) * problem

    @rule(org=st.integers(0, 14))
    def sign(self, org: int) -> None:
        self.model.signoffs.add(org)

    @rule()
    def everybody_signs(self) -> None:
        self.model.signoffs.update(self.model.members)

    @rule()
    def facts_clear(self) -> None:
        self.model.empty.clear()
        self.model.objections.clear()
        self.model.problems.clear()

    @invariant()
    def approved_stages_rest_on_approved_ones_or_await_review(self) -> None:
        states = self.model.states
        for i, later in enumerate(KEYS):
            stale = any(states[k] is not A for k in KEYS[:i])
            if states[later] is A and stale:
                assert later in self.model.needs_review, (later, states)

    @invariant()
    def locked_stages_come_last(self) -> None:
        states = [self.model.states[k] for k in KEYS]
        first_locked = states.index(L) if L in states else len(states)
        assert all(s is L for s in states[first_locked:])
        assert states[0] is not L

    @invariant()
    def audit_records_each_change_exactly_once(self) -> None:
        m = self.model
        assert len(m.audit) == m.applied
        replay = initial_states()
        for stage, before, after, action in m.audit:
            assert replay[stage] is before
            assert TRANSITIONS[(before, action)] is after
            replay[stage] = after
        assert replay == m.states

    @invariant()
    def adopted_only_with_quorum(self) -> None:
        if is_adopted(DEFN, self.model.states):
            assert self.model.quorum().met


WorkflowMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=60, deadline=None)
TestWorkflowMachine = WorkflowMachine.TestCase


def test_the_model_reaches_adoption_and_back() -> None:
    """The happy path, scripted, so the invariants above are known to be reachable."""
    m = Model({1: "enterprise", 2: "business_support", 3: "science"})
    for i, stage in enumerate(KEYS):
        if i:
            assert m.act(stage, Action.OPEN, Role.MODERATOR, None).allowed
        assert m.act(stage, Action.SUBMIT, Role.MEMBER, None).allowed
        if stage == "approval":
            refused = m.act(stage, Action.APPROVE, Role.MODERATOR, None)
            assert refused.codes == ("quorum_not_met",)
            m.signoffs.update({1, 2})
            assert m.act(stage, Action.APPROVE, Role.MODERATOR, None).codes == ("quorum_not_met",)
            m.signoffs.add(3)
        assert m.act(stage, Action.APPROVE, Role.MODERATOR, None).allowed
    assert is_adopted(DEFN, m.states)
    assert len(m.audit) == 11
    refused = m.act("goals", Action.REOPEN, Role.MODERATOR, "zmiana celów")
    assert refused.codes == ("strategy_adopted",)
    assert m.act("approval", Action.REOPEN, Role.MODERATOR, "zmiana celów").allowed
    assert m.signoffs == set()
    assert m.act("goals", Action.REOPEN, Role.MODERATOR, "zmiana celów").allowed
    assert m.needs_review == {"actions", "approval"}
    assert m.states == {"diagnosis": A, "goals": D, "actions": A, "approval": D}
    assert not is_adopted(DEFN, m.states)
    assert len(m.audit) == 13
