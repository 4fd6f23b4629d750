"""May this person sign the strategy for their organisation now, or withdraw that signature?"""

from __future__ import annotations

from collections.abc import Mapping

from workflows.definition import WorkflowDefinition
from workflows.roles import Permission, Role, can
from workflows.stages import StageState, Unmet

NOT_MEMBER_ORGANISATION = "not_member_organisation"
SIGNING_CLOSED = "signing_closed"
ALREADY_SIGNED = "already_signed"
ROLE_FORBIDDEN = "role_forbidden"
#: Signing is over because the strategy is adopted (not "opens when…": it has closed).
STRATEGY_ADOPTED = "signing_adopted"
NOT_SIGNED = "not_signed"


def _adopted(definition: WorkflowDefinition, states: Mapping[str, StageState]) -> bool:
    stage = definition.signoff_stage
    return stage is not None and StageState(states.get(stage.key, StageState.LOCKED)) is StageState.APPROVED


def signoff_unmet(
    definition: WorkflowDefinition,
    states: Mapping[str, StageState],
    role: Role | None,
    organisation_is_member: bool,
    already_signed: bool,
) -> tuple[Unmet, ...]:
    """Everything that stands in the way of signing; empty when the person may sign.

    Signing is open while the sign-off stage is drafting or in review and every stage
    before it is approved: people sign the strategy that is written, not one in progress.
    """
    if not can(role, Permission.SIGN_OFF):
        return (Unmet(ROLE_FORBIDDEN),)
    unmet = []
    if not organisation_is_member:
        unmet.append(Unmet(NOT_MEMBER_ORGANISATION))
    stage = definition.signoff_stage
    if stage is None:
        return (Unmet(SIGNING_CLOSED),)
    if _adopted(definition, states):
        return (*unmet, Unmet(STRATEGY_ADOPTED))
    earlier = definition.stages[: definition.stage_index(stage.key)]
    open_states = (StageState.DRAFTING, StageState.IN_REVIEW)
    if StageState(states.get(stage.key, StageState.LOCKED)) not in open_states or any(
        StageState(states.get(s.key, StageState.LOCKED)) is not StageState.APPROVED for s in earlier
    ):
        unmet.append(Unmet(SIGNING_CLOSED))
    if already_signed:
        unmet.append(Unmet(ALREADY_SIGNED))
    return tuple(unmet)


def withdraw_unmet(
    definition: WorkflowDefinition,
    states: Mapping[str, StageState],
    role: Role | None,
    organisation_signed: bool,
) -> tuple[Unmet, ...]:
    """May the person withdraw their organisation's signature? Until the adoption only:
    an adopted strategy stands on its signatures (reopening it voids them all instead)."""
    if not can(role, Permission.SIGN_OFF):
        return (Unmet(ROLE_FORBIDDEN),)
    if _adopted(definition, states):
        return (Unmet(STRATEGY_ADOPTED),)
    if not organisation_signed:
        return (Unmet(NOT_SIGNED),)
    return ()
