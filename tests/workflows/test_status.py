"""The one status function, as tables: the contradictions issue 17 quoted cannot come back."""

from __future__ import annotations

import pytest

from workflows.definition import default_definition
from workflows.quorum import QuorumStatus
from workflows.roles import Role
from workflows.stages import Action, StageFacts, StageState
from workflows.status import StageNote, strategy_status, what_it_undoes

DEFN = default_definition()
L, D, R, A = "locked", "drafting", "in_review", "approved"
MET = QuorumStatus(met=True, signed=9, total=12, needed=7, missing_kinds=())
#: Adopted once, then a science organisation joined: the quorum as counted today misses it.
MISSING_SCIENCE = QuorumStatus(met=False, signed=9, total=13, needed=7, missing_kinds=("science",))


def facts(*states: str, **overrides: StageFacts) -> list[StageFacts]:
    result = [StageFacts(key, StageState(state)) for key, state in zip(DEFN.stage_keys, states, strict=True)]
    return [overrides.get(f.key, f) for f in result]


@pytest.mark.parametrize(
    ("states", "adopted", "current", "approved"),
    [
        ((A, A, A, A), True, None, 4),
        ((A, A, A, R), False, "approval", 3),
        ((A, A, D, L), False, "actions", 2),
        ((D, L, L, L), False, "diagnosis", 0),
        # Reopened diagnosis under approved goals: the strategy is at the diagnosis again.
        ((D, A, L, L), False, "diagnosis", 1),
    ],
)
def test_where_the_strategy_is(states, adopted: bool, current: str | None, approved: int) -> None:
    status = strategy_status(DEFN, facts(*states), Role.MEMBER, MET)
    assert (status.adopted, status.current, status.approved, status.total) == (adopted, current, approved, 4)
    if adopted:
        assert status.waiting == ()
    else:
        assert status.waiting == status.stage(current).waiting


def test_adopted_strategy_asks_for_no_signature_and_misses_no_kind() -> None:
    """'Strategia jest przyjęta' never next to 'Brakuje jeszcze podpisu…' or 'Podpisywanie
    będzie możliwe…'."""
    for role in (Role.MEMBER, Role.MODERATOR, Role.OBSERVER, Role.ADMIN):
        for member in (True, False):
            for signed in (True, False):
                status = strategy_status(
                    DEFN,
                    facts(A, A, A, A),
                    role,
                    MISSING_SCIENCE,
                    organisation_is_member=member,
                    organisation_signed=signed,
                )
                assert status.adopted and status.signing.adopted
                assert status.signing.missing_kinds == ()
                assert status.signing.why_not == ()
                assert not status.signing.can_sign and not status.signing.can_withdraw


@pytest.mark.parametrize(
    ("states", "member", "signed", "can_sign", "can_withdraw", "why"),
    [
        ((A, A, A, D), True, False, True, False, ()),
        ((A, A, A, R), True, True, False, True, ()),
        ((A, A, A, D), False, False, False, False, ("not_member_organisation",)),
        ((A, A, D, L), True, False, False, False, ("signing_closed",)),
        ((A, D, A, D), True, True, False, True, ("signing_closed",)),
    ],
)
def test_signing_while_open(
    states, member: bool, signed: bool, can_sign: bool, can_withdraw: bool, why: tuple
) -> None:
    status = strategy_status(
        DEFN, facts(*states), Role.MEMBER, MET, organisation_is_member=member, organisation_signed=signed
    )
    assert status.signing.can_sign is can_sign
    assert status.signing.can_withdraw is can_withdraw
    assert tuple(u.code for u in status.signing.why_not) == why


def test_observer_is_never_told_why_they_cannot_sign() -> None:
    status = strategy_status(DEFN, facts(A, A, A, D), Role.OBSERVER, MET)
    assert not status.signing.can_sign and status.signing.why_not == ()


def test_sign_off_panel_visible_once_its_stage_is_open() -> None:
    assert not strategy_status(DEFN, facts(A, A, D, L), Role.MEMBER, MET).signing.visible
    assert strategy_status(DEFN, facts(A, A, A, D), Role.MEMBER, MET).signing.visible


def test_review_badge_lasts_until_confirmed_and_then_is_gone() -> None:
    flagged = StageFacts("actions", StageState.APPROVED, needs_review=True)
    status = strategy_status(DEFN, facts(A, A, A, D, actions=flagged), Role.MODERATOR, MET)
    actions = status.stage("actions")
    assert actions.needs_review
    assert [d.action for d in actions.actions] == [Action.REOPEN, Action.CONFIRM]
    assert all(d.allowed for d in actions.actions)
    assert [u.code for u in actions.waiting] == ["awaiting_moderator"]
    confirmed = strategy_status(DEFN, facts(A, A, A, D), Role.MODERATOR, MET).stage("actions")
    assert not confirmed.needs_review and confirmed.waiting == ()
    assert [d.action for d in confirmed.actions] == [Action.REOPEN]


def test_confirm_waits_for_earlier_stages() -> None:
    flagged = StageFacts("actions", StageState.APPROVED, needs_review=True)
    status = strategy_status(DEFN, facts(A, D, A, L, actions=flagged), Role.MODERATOR, MET)
    confirm = next(d for d in status.stage("actions").actions if d.action is Action.CONFIRM)
    assert not confirm.allowed and confirm.codes == ("previous_stage_not_approved",)


@pytest.mark.parametrize(
    ("state", "shown"),
    [(D, True), (R, False), (A, False), (L, False)],
)
def test_reason_stands_until_the_next_submission(state: str, shown: bool) -> None:
    note = StageNote(Action.RETURN, "Brakuje analizy konkurencji.", "Anna Nowak")
    status = strategy_status(DEFN, facts(A, state, L, L), Role.OBSERVER, MET, notes={"goals": note})
    assert (status.stage("goals").note == note) is shown
    assert status.stage("diagnosis").note is None


@pytest.mark.parametrize(
    ("actor", "self_approval", "allowed", "own"),
    [(7, False, False, False), (7, True, True, True), (8, False, True, False), (None, False, True, False)],
)
def test_four_eyes_on_the_approve_button(
    actor: int | None, self_approval: bool, allowed: bool, own: bool
) -> None:
    submitted = StageFacts("goals", StageState.IN_REVIEW, submitted_by=7)
    status = strategy_status(
        DEFN,
        facts(A, R, L, L, goals=submitted),
        Role.MODERATOR,
        MET,
        actor_id=actor,
        self_approval=self_approval,
    )
    approve = next(d for d in status.stage("goals").actions if d.action is Action.APPROVE)
    assert approve.allowed is allowed
    assert approve.own_submission is own
    assert ("own_submission" in approve.codes) is (not allowed)


@pytest.mark.parametrize(
    ("states", "stage", "action", "signatures", "expected"),
    [
        ((A, A, A, A), "approval", "reopen", 9, (9, (), True)),
        ((A, A, A, D), "goals", "reopen", 4, (4, ("actions", "approval"), False)),
        ((A, A, D, L), "diagnosis", "reopen", 0, (0, ("goals", "actions"), False)),
        ((A, A, A, R), "approval", "return", 5, (5, (), False)),
        ((A, A, A, R), "approval", "approve", 7, (0, (), False)),
        ((A, A, A, A), "actions", "confirm", 9, (0, (), False)),
    ],
)
def test_what_it_undoes(states, stage: str, action: str, signatures: int, expected) -> None:
    states_by_key = {k: StageState(s) for k, s in zip(DEFN.stage_keys, states, strict=True)}
    undo = what_it_undoes(DEFN, states_by_key, stage, action, signatures)
    assert (undo.signatures, undo.needs_review, undo.adoption_withdrawn) == expected
