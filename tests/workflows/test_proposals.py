"""Proposals' states and who may do what with them, as tables."""

from __future__ import annotations

import pytest

from workflows.proposals import (
    NOT_AUTHOR,
    NOT_OPEN,
    ROLE_FORBIDDEN,
    TRANSITIONS,
    ProposalAction,
    ProposalError,
    ProposalState,
    decide_refusal,
    likeness,
    next_state,
    outdated,
    propose_refusal,
    withdraw_refusal,
)
from workflows.roles import Role
from workflows.stages import StageState

OPEN, ACCEPTED, REJECTED, WITHDRAWN, OUTDATED = (
    ProposalState.OPEN,
    ProposalState.ACCEPTED,
    ProposalState.REJECTED,
    ProposalState.WITHDRAWN,
    ProposalState.OUTDATED,
)


@pytest.mark.parametrize(
    ("state", "action", "expected"),
    [
        (OPEN, "accept", ACCEPTED),
        (OPEN, "reject", REJECTED),
        (OPEN, "withdraw", WITHDRAWN),
        (OPEN, "outdate", OUTDATED),
    ],
)
def test_an_open_proposal_moves_once(state: ProposalState, action: str, expected: ProposalState) -> None:
    assert next_state(state, action) is expected


@pytest.mark.parametrize("state", [ACCEPTED, REJECTED, WITHDRAWN, OUTDATED])
@pytest.mark.parametrize("action", list(ProposalAction))
def test_a_closed_proposal_never_moves(state: ProposalState, action: ProposalAction) -> None:
    with pytest.raises(ProposalError):
        next_state(state, action)


def test_every_transition_starts_open() -> None:
    assert {state for state, _action in TRANSITIONS} == {OPEN}
    assert set(TRANSITIONS.values()) == {ACCEPTED, REJECTED, WITHDRAWN, OUTDATED}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.OBSERVER, None),  # proposing is not editing
        (Role.MEMBER, None),
        (Role.MODERATOR, None),
        (Role.ADMIN, None),
        (None, ROLE_FORBIDDEN),
    ],
)
def test_who_may_propose(role: Role | None, expected: str | None) -> None:
    assert propose_refusal(role) == expected


@pytest.mark.parametrize(
    ("role", "stage", "state", "expected"),
    [
        (Role.MEMBER, StageState.DRAFTING, OPEN, None),
        (Role.MODERATOR, StageState.DRAFTING, OPEN, None),
        (Role.ADMIN, StageState.DRAFTING, OPEN, None),
        (Role.OBSERVER, StageState.DRAFTING, OPEN, "role_forbidden"),
        (None, StageState.DRAFTING, OPEN, "role_forbidden"),
        (Role.MODERATOR, StageState.IN_REVIEW, OPEN, "stage_in_review"),
        (Role.MEMBER, StageState.APPROVED, OPEN, "stage_approved"),
        (Role.MEMBER, StageState.LOCKED, OPEN, "stage_locked"),
        (Role.MEMBER, StageState.DRAFTING, ACCEPTED, NOT_OPEN),
        (Role.MODERATOR, StageState.DRAFTING, REJECTED, NOT_OPEN),
        (Role.MODERATOR, StageState.DRAFTING, WITHDRAWN, NOT_OPEN),
        (Role.MODERATOR, StageState.DRAFTING, OUTDATED, NOT_OPEN),
        # The role is asked first: an observer learns nothing about the proposal's state.
        (Role.OBSERVER, StageState.DRAFTING, ACCEPTED, "role_forbidden"),
    ],
)
def test_who_may_accept_or_reject(
    role: Role | None, stage: StageState, state: ProposalState, expected: str | None
) -> None:
    assert decide_refusal(role, stage, state) == expected


@pytest.mark.parametrize(
    ("is_author", "state", "expected"),
    [
        (True, OPEN, None),
        (False, OPEN, NOT_AUTHOR),
        (True, ACCEPTED, NOT_OPEN),
        (True, WITHDRAWN, NOT_OPEN),
        (False, REJECTED, NOT_AUTHOR),
    ],
)
def test_who_may_withdraw(is_author: bool, state: ProposalState, expected: str | None) -> None:
    assert withdraw_refusal(is_author, state) == expected


BASE = "First paragraph.\n\nSecond paragraph.\n\nThird paragraph.\n"


@pytest.mark.parametrize(
    ("kind", "base", "current", "expected"),
    [
        ("text", BASE, BASE, False),
        # One paragraph rewritten: touched up, so a clash is a conflict to resolve.
        ("text", BASE, BASE.replace("Second", "2nd"), False),
        # Every paragraph replaced: the proposal no longer fits.
        ("text", BASE, "Something else entirely.\n\nAnd more.\n", True),
        ("text", "", "Written meanwhile.\n", True),
        ("swot", {"strengths": ["a", "b"]}, {"strengths": ["a", "b", "c"]}, False),
        ("swot", {"strengths": ["a", "b"]}, {"strengths": ["x", "y"]}, True),
        (
            "kpi",
            [{"id": "k1", "indicator": "n"}, {"id": "k2", "indicator": "m"}],
            [{"id": "k1", "indicator": "n"}, {"id": "k2", "indicator": "m!"}],
            False,
        ),
        ("kpi", [{"id": "k1", "indicator": "n"}], [{"id": "k9", "indicator": "z"}], True),
    ],
)
def test_outdated_when_replaced(kind: str, base: object, current: object, expected: bool) -> None:
    assert outdated(kind, base, current) is expected


def test_likeness_bounds() -> None:
    assert likeness("text", "", "") == 1.0
    assert likeness("text", BASE, BASE) == 1.0
    assert likeness("text", BASE, "") == 0.0
