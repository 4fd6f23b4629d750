"""Proposals: a suggested new content for one section, and who may decide what about it.

A proposal is based on a revision of the section, like a save. It is open until it is
accepted (it becomes a revision, through the save's three-way merge), rejected (with a
reason), withdrawn by its author, or found outdated: its section was replaced since its
base so thoroughly that the merge cannot place it. Closed proposals are kept, readable.

Proposing is not editing: whoever may comment may propose (observers included). Deciding
is editing: whoever may edit the section in its stage's current state may accept or
reject (`workflows.editing`). Only the author withdraws.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from enum import StrEnum

from workflows.editing import edit_refusal
from workflows.kinds import SectionKind
from workflows.roles import Permission, Role, can
from workflows.stages import StageState


class ProposalState(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    OUTDATED = "outdated"


class ProposalAction(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    #: Not a person's choice: an accept found the section replaced since the base.
    OUTDATE = "outdate"


#: The state machine: only an open proposal moves, and every move closes it for good.
TRANSITIONS: dict[tuple[ProposalState, ProposalAction], ProposalState] = {
    (ProposalState.OPEN, ProposalAction.ACCEPT): ProposalState.ACCEPTED,
    (ProposalState.OPEN, ProposalAction.REJECT): ProposalState.REJECTED,
    (ProposalState.OPEN, ProposalAction.WITHDRAW): ProposalState.WITHDRAWN,
    (ProposalState.OPEN, ProposalAction.OUTDATE): ProposalState.OUTDATED,
}

STATES: tuple[str, ...] = tuple(s.value for s in ProposalState)

#: Refusal codes (the webapp words them in the person's language).
ROLE_FORBIDDEN = "role_forbidden"
NOT_OPEN = "not_open"
NOT_AUTHOR = "not_author"

#: Below this likeness of the current content to the proposal's base, a proposal that does
#: not merge is outdated rather than in conflict: its section was rewritten, not touched up.
REPLACED_BELOW = 0.5

MAX_NOTE = 2000
MAX_REASON = 2000


class ProposalError(ValueError):
    """A transition the state machine does not have (a programming error or a race)."""


def next_state(state: ProposalState | str, action: ProposalAction | str) -> ProposalState:
    try:
        return TRANSITIONS[(ProposalState(state), ProposalAction(action))]
    except KeyError:
        raise ProposalError(f"{action} is not possible from {state}") from None


def propose_refusal(role: Role | str | None) -> str | None:
    """None when the person may propose a change to a section: whoever may comment may."""
    return None if can(role, Permission.COMMENT) else ROLE_FORBIDDEN


def decide_refusal(
    role: Role | str | None, stage_state: StageState | str, state: ProposalState | str
) -> str | None:
    """None when the person may accept or reject now; otherwise why not.

    The same rule as editing the section (a member in a drafting stage, not in review),
    since accepting writes a revision; then the proposal must still be open.
    """
    refusal = edit_refusal(Role(role) if role is not None else None, stage_state)
    if refusal is not None:
        return refusal
    return None if ProposalState(state) is ProposalState.OPEN else NOT_OPEN


def withdraw_refusal(is_author: bool, state: ProposalState | str) -> str | None:
    """Only the author takes a proposal back, and only while it is open."""
    if not is_author:
        return NOT_AUTHOR
    return None if ProposalState(state) is ProposalState.OPEN else NOT_OPEN


def _tokens(kind: SectionKind, content: object) -> list[str]:
    """What likeness is measured over: lines of text, items (by their JSON) otherwise."""
    if kind is SectionKind.TEXT:
        return [line for line in (content if isinstance(content, str) else "").splitlines() if line.strip()]
    if kind is SectionKind.SWOT:
        source = content if isinstance(content, Mapping) else {}
        return [f"{key}:{item}" for key in sorted(source) for item in (source.get(key) or [])]
    items = content if isinstance(content, list) else []
    return [json.dumps(item, sort_keys=True, ensure_ascii=False) for item in items]


def likeness(kind: str, base: object, current: object) -> float:
    """How much of the base is still in the current content, 0..1 (1: unchanged)."""
    section_kind = SectionKind(kind)
    a, b = _tokens(section_kind, base), _tokens(section_kind, current)
    if not a:
        return 1.0 if not b else 0.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    kept = sum(block.size for block in matcher.get_matching_blocks())
    return kept / len(a)


def outdated(kind: str, base: object, current: object) -> bool:
    """Called when a proposal does not merge: is it outdated rather than in conflict?

    A conflict is shown to the person accepting, who chooses what to keep; an outdated
    proposal no longer fits the section (it was replaced since the base) and is closed,
    still readable, so that its author can propose again on the current text.
    """
    return likeness(kind, base, current) < REPLACED_BELOW
