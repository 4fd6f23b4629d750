"""Who an ``@name`` in a comment names, and what kind of comment an objection becomes.

Mentions: ``@Full Name`` as the list inserts it names that person; an ``@word`` typed by
hand (a first name, a surname) names the one person of the cluster it fits, and is
reported, not guessed, when it fits no one or several. Pure: names in, ids out.

Objections block a stage, so only people of member organisations (and the agency, who
settles them) raise them; an observer's objection is posted as a remark (the form says so
before posting).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from workflows.roles import MEMBER_ORGANISATION_ROLES, Permission, Role, can

OBJECTION = "objection"
REMARK = "remark"


def objection_kind(role: Role | str | None, kind: str) -> str:
    """The kind a comment is posted as: an objection only from a member organisation's
    person (members and moderators) or whoever settles objections (the agency); anyone
    else's (an observer's) is a remark."""
    if kind != OBJECTION or role is None:
        return REMARK if kind == OBJECTION else kind
    if Role(role) in MEMBER_ORGANISATION_ROLES or can(role, Permission.RESOLVE_ANY_OBJECTION):
        return kind
    return REMARK


def may_object(role: Role | str | None) -> bool:
    return objection_kind(role, OBJECTION) == OBJECTION


@dataclass(frozen=True)
class Named:
    id: int
    name: str


@dataclass(frozen=True)
class Mentions:
    #: Ids of the people named, in the order first named.
    ids: tuple[int, ...]
    #: ``@word``s that fit no one of the cluster.
    unknown: tuple[str, ...] = ()
    #: ``@word`` -> the names it fits, when it fits several.
    ambiguous: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())


_WORD = re.compile(r"(?<![\w@])@([^\W\d_][\w'’.-]*)")


def _full_names(body: str, people: Sequence[Named]) -> tuple[list[int], list[tuple[int, int]]]:
    """``@Full Name`` (longest names first, so "@Anna Maria Nowak" is not also "@Anna Maria")."""
    found: list[int] = []
    taken: list[tuple[int, int]] = []
    for person in sorted(people, key=lambda p: len(p.name), reverse=True):
        if not person.name.strip():
            continue
        pattern = re.compile(r"(?<![\w@])@" + re.escape(person.name) + r"(?!\w)", re.IGNORECASE)
        for match in pattern.finditer(body):
            span = match.span()
            if any(s < span[1] and span[0] < e for s, e in taken):
                continue
            taken.append(span)
            found.append(person.id)
            break
    return found, taken


def resolve(body: str, people: Sequence[Named]) -> Mentions:
    """Everyone ``body`` names, and the hand-typed names that named no one for certain."""
    found, taken = _full_names(body, people)
    unknown: list[str] = []
    ambiguous: list[tuple[str, tuple[str, ...]]] = []
    for match in _WORD.finditer(body):
        if any(s <= match.start() < e for s, e in taken):
            continue
        word = match.group(1).rstrip(".-'’")
        key = word.casefold()
        fits = [p for p in people if key in (w.casefold() for w in p.name.split())]
        if len(fits) == 1:
            if fits[0].id not in found:
                found.append(fits[0].id)
        elif not fits:
            if word not in unknown:
                unknown.append(word)
        elif word not in dict(ambiguous):
            ambiguous.append((word, tuple(sorted(p.name for p in fits))))
    return Mentions(tuple(found), tuple(unknown), tuple(ambiguous))
