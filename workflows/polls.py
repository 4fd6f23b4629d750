"""Polls: what a vote may hold, how votes are counted, who may do what (pure)."""

from __future__ import annotations

from enum import StrEnum


class PollKind(StrEnum):
    DOT = "dot"
    RANKING = "ranking"
    SCORE = "score"
    CHOICE = "choice"


class VoterMode(StrEnum):
    ORGANISATION = "organisation"
    PERSON = "person"


POLL_KINDS: tuple[str, ...] = tuple(k.value for k in PollKind)
VOTER_MODES: tuple[str, ...] = tuple(m.value for m in VoterMode)
