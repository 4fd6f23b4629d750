"""May this person edit a section now? A pure function of role and the stage's state."""

from __future__ import annotations

from workflows.roles import Permission, Role, can
from workflows.stages import StageState

ROLE_FORBIDDEN = "role_forbidden"
STAGE_LOCKED = "stage_locked"
STAGE_IN_REVIEW = "stage_in_review"
STAGE_APPROVED = "stage_approved"

_READ_ONLY_BECAUSE = {
    StageState.LOCKED: STAGE_LOCKED,
    StageState.IN_REVIEW: STAGE_IN_REVIEW,
    StageState.APPROVED: STAGE_APPROVED,
}


def edit_refusal(role: Role | None, stage_state: StageState | str) -> str | None:
    """None when the person may edit; otherwise why the section is read-only for them.

    Only a drafting stage is written in: in review the moderators read what was
    submitted, and an approved stage is reopened (with a reason) before it changes.
    """
    if not can(role, Permission.EDIT_SECTION):
        return ROLE_FORBIDDEN
    return _READ_ONLY_BECAUSE.get(StageState(stage_state))
