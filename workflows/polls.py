"""Polls: what a vote may hold, how votes are counted, who may do what (pure).

A poll asks the cluster to choose between options, in one of four ways:

- **dot**: each voter spreads at most ``dots`` dots, at most ``max_per_option`` on one
  option; an option's total is its dots.
- **ranking**: each voter orders (some of) the options; Borda count: with N options the
  first place earns N points, the second N-1, ... the N-th 1, an option left out 0.
- **score**: 0-5 per option (an option left out is not scored); the total is the sum.
- **choice**: one option (or several, when the poll allows it); the total is the count.

Who votes: one voice per member organisation (the default, as for sign-offs: when
several of its people vote, the organisation's vote is the latest), or one per person.
Observers vote only when the poll invites them, and their votes are counted apart: they
never enter the totals or the turnout.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from workflows.kinds import ORGANISATION_KINDS, SectionKind
from workflows.roles import MEMBER_ORGANISATION_ROLES, Permission, Role, can


class PollKind(StrEnum):
    DOT = "dot"
    RANKING = "ranking"
    SCORE = "score"
    CHOICE = "choice"


class VoterMode(StrEnum):
    ORGANISATION = "organisation"
    PERSON = "person"


class PollState(StrEnum):
    SCHEDULED = "scheduled"  # opens later
    OPEN = "open"
    CLOSED = "closed"


POLL_KINDS: tuple[str, ...] = tuple(k.value for k in PollKind)
VOTER_MODES: tuple[str, ...] = tuple(m.value for m in VoterMode)

SCORE_MIN, SCORE_MAX = 0, 5
MIN_OPTIONS, MAX_OPTIONS = 2, 50
MAX_DOTS = 100
MAX_LABEL_CHARS = 500
MAX_QUESTION_CHARS = 500

#: The ballot's one key per kind of poll (the API's `PUT /polls/ID/vote` body).
BALLOT_KEYS: Mapping[str, str] = {
    PollKind.DOT: "dots",
    PollKind.RANKING: "ranking",
    PollKind.SCORE: "scores",
    PollKind.CHOICE: "choices",
}

#: Structured sections a poll may draw its options from, and those whose order a closed
#: poll may set (SWOT items are strings without ids: they can be voted on, not reordered).
OPTION_SOURCES: tuple[str, ...] = (SectionKind.SWOT, SectionKind.GOALS, SectionKind.ACTION_PLAN)
PRIORITISABLE: tuple[str, ...] = (SectionKind.GOALS, SectionKind.ACTION_PLAN)

#: Every problem code a vote or a poll may be refused with, and its params.
PROBLEM_CODES: Mapping[str, str] = {
    "wrong_shape": "the ballot is not the one this kind of poll takes (params: expected)",
    "unknown_option": "an option that is not this poll's (params: option)",
    "empty": "nothing chosen, ranked, scored or dotted",
    "too_many_dots": "more dots than the poll gives (params: given, allowed)",
    "too_many_on_option": "more dots on one option than allowed (params: option, given, allowed)",
    "negative": "a negative number of dots (params: option)",
    "ranking_repeat": "an option ranked twice (params: option)",
    "score_out_of_range": "a score outside 0-5 (params: option, given)",
    "too_many_choices": "several options chosen in a one-choice poll (params: given)",
    "choice_repeat": "an option chosen twice (params: option)",
    "too_few_options": "a poll needs at least MIN_OPTIONS options (params: min)",
    "too_many_options": "a poll holds at most MAX_OPTIONS options (params: max)",
    "duplicate_option": "two options with the same label or item (params: label)",
    "dots_needed": "a dot vote needs its number of dots, 1-MAX_DOTS (params: max)",
    "max_per_option_range": "the most dots on one option is 1 to the number of dots (params: max)",
    "closes_before_opens": "the closing time is before the opening time",
}


@dataclass(frozen=True)
class Problem:
    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        assert self.code in PROBLEM_CODES, self.code


@dataclass(frozen=True)
class Rules:
    """What a ballot of this poll may hold."""

    kind: PollKind
    options: tuple[int, ...]
    dots: int | None = None
    max_per_option: int | None = None
    multiple: bool = False


# --- the poll itself -------------------------------------------------------------------


def check_poll(
    kind: str,
    labels: Sequence[str],
    dots: int | None,
    max_per_option: int | None,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
) -> list[Problem]:
    """Problems with a poll about to be made (its options by label, items already named)."""
    problems: list[Problem] = []
    if len(labels) < MIN_OPTIONS:
        problems.append(Problem("too_few_options", {"min": MIN_OPTIONS}))
    if len(labels) > MAX_OPTIONS:
        problems.append(Problem("too_many_options", {"max": MAX_OPTIONS}))
    seen: set[str] = set()
    for label in labels:
        folded = " ".join(label.split()).casefold()
        if folded in seen:
            problems.append(Problem("duplicate_option", {"label": label}))
            break
        seen.add(folded)
    if PollKind(kind) is PollKind.DOT:
        if dots is None or not 1 <= dots <= MAX_DOTS:
            problems.append(Problem("dots_needed", {"max": MAX_DOTS}))
        elif max_per_option is not None and not 1 <= max_per_option <= dots:
            problems.append(Problem("max_per_option_range", {"max": dots}))
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        problems.append(Problem("closes_before_opens"))
    return problems


def poll_state(
    opens_at: datetime, closes_at: datetime | None, closed_at: datetime | None, now: datetime
) -> PollState:
    """Closed by the moderator, or by its closing time; scheduled before it opens."""
    if closed_at is not None or (closes_at is not None and now >= closes_at):
        return PollState.CLOSED
    if now < opens_at:
        return PollState.SCHEDULED
    return PollState.OPEN


# --- who may do what ----------------------------------------------------------------------


def may_manage(role: Role | str | None) -> bool:
    """Create, close a poll and apply its results: the cluster's moderators (and admins)."""
    return can(role, Permission.MANAGE_POLLS)


def may_vote(role: Role | str | None, invite_observers: bool) -> bool:
    """Member organisations' people vote; observers only when the poll invites them.

    A platform admin acting in a cluster is not one of its member organisations."""
    if role is None:
        return False
    role = Role(role)
    return role in MEMBER_ORGANISATION_ROLES or (role is Role.OBSERVER and invite_observers)


def is_observer_vote(role: Role | str) -> bool:
    return Role(role) not in MEMBER_ORGANISATION_ROLES


def voter_key(mode: str, role: Role | str, user_id: int, organisation_id: int | None) -> str:
    """One row per key: the organisation's one voice, or the person's (observers always
    vote as themselves, apart). A member without an organisation votes as a person."""
    if VoterMode(mode) is VoterMode.ORGANISATION and not is_observer_vote(role) and organisation_id:
        return f"o:{organisation_id}"
    return f"p:{user_id}"


def results_visible(hide_results: bool, has_voted: bool, closed: bool, manages: bool) -> bool:
    """Hidden until the person has voted or the poll closed, when the moderator chose so
    (moderators see them all along: they run the room)."""
    return not hide_results or has_voted or closed or manages


# --- a ballot --------------------------------------------------------------------------


def _option_id(value: object) -> int | None:
    """Option ids come as ints, or as JSON object keys (strings of digits)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) <= 10:
        return int(value)
    return None


def check_ballot(rules: Rules, ballot: object) -> tuple[dict[str, object] | None, list[Problem]]:
    """The ballot in its stored form (option ids as strings, zeros dropped) and no problems,
    or None and what is wrong with it. Nothing is guessed: a wrong ballot changes nothing."""
    key = BALLOT_KEYS[rules.kind]
    if not isinstance(ballot, Mapping) or set(ballot) != {key}:
        return None, [Problem("wrong_shape", {"expected": key})]
    value = ballot[key]
    if rules.kind in (PollKind.DOT, PollKind.SCORE):
        if not isinstance(value, Mapping):
            return None, [Problem("wrong_shape", {"expected": key})]
        return _check_numbers(rules, value)
    if not isinstance(value, list):
        return None, [Problem("wrong_shape", {"expected": key})]
    return _check_list(rules, value)


def _check_numbers(rules: Rules, value: Mapping[object, object]) -> tuple[dict | None, list[Problem]]:
    problems: list[Problem] = []
    numbers: dict[int, int] = {}
    for raw, amount in value.items():
        option = _option_id(raw)
        if option is None or option not in rules.options:
            problems.append(Problem("unknown_option", {"option": str(raw)}))
            continue
        if isinstance(amount, bool) or not isinstance(amount, int):
            problems.append(Problem("wrong_shape", {"expected": BALLOT_KEYS[rules.kind]}))
            continue
        numbers[option] = amount
    if rules.kind is PollKind.SCORE:
        for option, score in numbers.items():
            if not SCORE_MIN <= score <= SCORE_MAX:
                problems.append(Problem("score_out_of_range", {"option": option, "given": score}))
        if not numbers and not problems:
            problems.append(Problem("empty"))
        # A score of 0 is a judgement, not an abstention: kept.
        return (None if problems else {"scores": {str(o): s for o, s in sorted(numbers.items())}}), problems
    for option, amount in numbers.items():
        if amount < 0:
            problems.append(Problem("negative", {"option": option}))
        elif rules.max_per_option is not None and amount > rules.max_per_option:
            problems.append(
                Problem(
                    "too_many_on_option", {"option": option, "given": amount, "allowed": rules.max_per_option}
                )
            )
    given = sum(a for a in numbers.values() if a > 0)
    allowed = rules.dots or 0
    if given > allowed:
        problems.append(Problem("too_many_dots", {"given": given, "allowed": allowed}))
    if given == 0 and not problems:
        problems.append(Problem("empty"))
    stored = {str(o): a for o, a in sorted(numbers.items()) if a > 0}
    return (None if problems else {"dots": stored}), problems


def _check_list(rules: Rules, value: list[object]) -> tuple[dict | None, list[Problem]]:
    problems: list[Problem] = []
    chosen: list[int] = []
    repeat = "ranking_repeat" if rules.kind is PollKind.RANKING else "choice_repeat"
    for raw in value:
        option = _option_id(raw)
        if option is None or option not in rules.options:
            problems.append(Problem("unknown_option", {"option": str(raw)}))
        elif option in chosen:
            problems.append(Problem(repeat, {"option": option}))
        else:
            chosen.append(option)
    if not chosen and not problems:
        problems.append(Problem("empty"))
    if rules.kind is PollKind.CHOICE and not rules.multiple and len(value) > 1:
        problems.append(Problem("too_many_choices", {"given": len(value)}))
    key = BALLOT_KEYS[rules.kind]
    return (None if problems else {key: [str(o) for o in chosen]}), problems


# --- counting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CastVote:
    """One vote as stored (latest first wins per key), with its voter's standing."""

    key: str
    ballot: Mapping[str, object]
    organisation_kind: str | None
    cast_at: datetime
    person_id: int | None = None
    observer: bool = False
    order: int = 0  # tie-breaker for equal times: the later row


def counted(votes: Iterable[CastVote]) -> list[CastVote]:
    """One vote per voter key: the latest (rows are normally one per key already; this is
    the rule that holds when they are not, e.g. a backup merged by hand)."""
    latest: dict[str, CastVote] = {}
    for vote in votes:
        held = latest.get(vote.key)
        if held is None or (vote.cast_at, vote.order) > (held.cast_at, held.order):
            latest[vote.key] = vote
    return sorted(latest.values(), key=lambda v: (v.cast_at, v.order))


def points(kind: PollKind | str, ballot: Mapping[str, object], n_options: int) -> dict[int, int]:
    """What one ballot gives each option (a stored ballot; see `check_ballot`)."""
    kind = PollKind(kind)
    value = ballot.get(BALLOT_KEYS[kind])
    if kind in (PollKind.DOT, PollKind.SCORE):
        return {int(o): int(n) for o, n in (value or {}).items()}  # type: ignore[union-attr]
    chosen = [int(o) for o in (value or [])]  # type: ignore[union-attr]
    if kind is PollKind.RANKING:
        return {o: n_options - place for place, o in enumerate(chosen)}
    return dict.fromkeys(chosen, 1)


def kind_of(organisation_kind: str | None) -> str:
    return organisation_kind if organisation_kind in ORGANISATION_KINDS else "other"


@dataclass(frozen=True)
class OptionResult:
    option: int
    total: int
    by_kind: Mapping[str, int]
    observers: int
    voters: int  # voters (counted, observers excepted) who gave it anything, a 0 score included
    place: int = 0


@dataclass(frozen=True)
class Tally:
    options: tuple[OptionResult, ...]  # in the poll's order
    ballots: int  # counted votes (observers excepted)
    observer_ballots: int

    def ranked(self) -> list[OptionResult]:
        return sorted(self.options, key=lambda r: (r.place, self.options.index(r)))


def tally(kind: PollKind | str, options: Sequence[int], votes: Iterable[CastVote]) -> Tally:
    """Totals per option, split by kind of organisation; observers' points apart."""
    kind = PollKind(kind)
    totals = dict.fromkeys(options, 0)
    observers = dict.fromkeys(options, 0)
    voters = dict.fromkeys(options, 0)
    by_kind = {o: dict.fromkeys(ORGANISATION_KINDS, 0) for o in options}
    ballots = observer_ballots = 0
    for vote in counted(votes):
        given = points(kind, vote.ballot, len(options))
        if vote.observer:
            observer_ballots += 1
        else:
            ballots += 1
        for option, amount in given.items():
            if option not in totals:
                continue  # an option removed since: never counted
            if vote.observer:
                observers[option] += amount
                continue
            totals[option] += amount
            voters[option] += 1
            by_kind[option][kind_of(vote.organisation_kind)] += amount
    places = places_of(totals)
    results = tuple(
        OptionResult(o, totals[o], by_kind[o], observers[o], voters[o], places[o]) for o in options
    )
    return Tally(results, ballots, observer_ballots)


def places_of(totals: Mapping[int, int]) -> dict[int, int]:
    """Standard competition ranking: equal totals share a place ("1, 2, 2, 4")."""
    ordered = sorted(totals.values(), reverse=True)
    return {option: ordered.index(total) + 1 for option, total in totals.items()}


@dataclass(frozen=True)
class BordaStep:
    option: int
    #: How many counted ballots put the option in each place (index 0: first place).
    at_place: tuple[int, ...]
    #: Points per place, the same for every option: N, N-1, ... 1.
    worth: tuple[int, ...]
    total: int


def borda_steps(options: Sequence[int], votes: Iterable[CastVote]) -> list[BordaStep]:
    """The rule's working, for display: place counts × points per place = the total."""
    n = len(options)
    worth = tuple(range(n, 0, -1))
    counts = {o: [0] * n for o in options}
    for vote in counted(votes):
        if vote.observer:
            continue
        for place, raw in enumerate(vote.ballot.get("ranking") or ()):  # type: ignore[union-attr]
            option = int(raw)
            if option in counts and place < n:
                counts[option][place] += 1
    return [
        BordaStep(o, tuple(counts[o]), worth, sum(c * p for c, p in zip(counts[o], worth, strict=True)))
        for o in options
    ]


@dataclass(frozen=True)
class Turnout:
    voted: int
    eligible: int


def turnout(voted_keys: Iterable[str], eligible_keys: Iterable[str]) -> Turnout:
    """Of the voters who could vote (member organisations, or member people), how many did.

    A vote under a key that is not (or no longer) eligible does not count in `voted`."""
    eligible = set(eligible_keys)
    return Turnout(len(eligible & set(voted_keys)), len(eligible))


# --- from results to the strategy ----------------------------------------------------------


def section_items(kind: str, content: object) -> list[tuple[str, str]]:
    """(item id, label) of what a poll may vote on in a structured section's content.

    SWOT items are strings: their id is "list:index" (``weaknesses:2``)."""
    items: list[tuple[str, str]] = []
    if kind == SectionKind.SWOT and isinstance(content, Mapping):
        for key in ("strengths", "weaknesses", "opportunities", "threats"):
            for index, text in enumerate(content.get(key) or ()):
                if isinstance(text, str) and text.strip():
                    items.append((f"{key}:{index}", text))
    elif kind == SectionKind.GOALS and isinstance(content, list):
        for goal in content:
            if isinstance(goal, Mapping):
                items.append((str(goal.get("id", "")), str(goal.get("title", ""))))
                for objective in goal.get("objectives") or ():
                    if isinstance(objective, Mapping):
                        items.append((str(objective.get("id", "")), str(objective.get("title", ""))))
    elif kind == SectionKind.ACTION_PLAN and isinstance(content, list):
        for action in content:
            if isinstance(action, Mapping):
                items.append((str(action.get("id", "")), str(action.get("action", ""))))
    return [
        (item_id, label.strip()[:MAX_LABEL_CHARS]) for item_id, label in items if item_id and label.strip()
    ]


def _by_priority(items: list, order: Mapping[str, int]) -> list:
    """Items the poll ranked first, best place first (equal places keep their order), then
    the rest as they were: a stable sort on the place."""
    last = len(order) + 1
    return sorted(
        items, key=lambda item: order.get(str(item.get("id")), last) if isinstance(item, Mapping) else last
    )


def prioritised(kind: str, content: object, ranked_item_ids: Sequence[str]) -> object:
    """The section's content reordered by the poll's results (best first).

    Goals are ordered among goals and each goal's objectives among themselves; actions
    among actions. Nothing but the order changes, so the save is a pure reordering."""
    order = {item_id: place for place, item_id in enumerate(ranked_item_ids)}
    if kind == SectionKind.ACTION_PLAN and isinstance(content, list):
        return _by_priority(list(content), order)
    if kind == SectionKind.GOALS and isinstance(content, list):
        goals = []
        for goal in _by_priority(list(content), order):
            if isinstance(goal, Mapping) and isinstance(goal.get("objectives"), list):
                goal = {**goal, "objectives": _by_priority(list(goal["objectives"]), order)}
            goals.append(goal)
        return goals
    return content


def ranked_items(tally_: Tally, item_of: Mapping[int, str]) -> list[str]:
    """Item ids of the options, best place first (ties in the poll's order)."""
    return [item_of[r.option] for r in tally_.ranked() if item_of.get(r.option)]
