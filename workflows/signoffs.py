"""May this person sign the strategy for their organisation now?"""

from __future__ import annotations

from collections.abc import Mapping

from workflows.definition import WorkflowDefinition
from workflows.roles import Permission, Role, can
from workflows.stages import StageState, Unmet

NOT_MEMBER_ORGANISATION = "not_member_organisation"
SIGNING_CLOSED = "signing_closed"
ALREADY_SIGNED = "already_signed"
ROLE_FORBIDDEN = "role_forbidden"


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
    earlier = definition.stages[: definition.stage_index(stage.key)]
    open_states = (StageState.DRAFTING, StageState.IN_REVIEW)
    if StageState(states.get(stage.key, StageState.LOCKED)) not in open_states or any(
        StageState(states.get(s.key, StageState.LOCKED)) is not StageState.APPROVED for s in earlier
    ):
        unmet.append(Unmet(SIGNING_CLOSED))
    if already_signed:
        unmet.append(Unmet(ALREADY_SIGNED))
    return tuple(unmet)
