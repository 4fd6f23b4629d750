"""Which meetings a cluster's series may hold: their kinds, the workshops' numbers, the order.

The source process: a cluster begins with one initiating conference, then works through a
series of numbered workshops; other meetings may come in between. So:

* a meeting is a conference, a workshop or another meeting; only a workshop carries a
  number, its place in the series (1 to :data:`WORKSHOP_SERIES`), and each number is
  planned once;
* a cluster has one initiating conference, and nothing is dated before it (so the
  conference itself cannot be planned after another meeting);
* a meeting ends after it starts.

Pure functions of plain values (kinds, numbers, local calendar days), each answering a
:class:`SeriesProblem` or None, so the rules are tested as tables. The web layer
(``webapp/meetings/operations.py``) gathers the cluster's other meetings, asks in a fixed
order and words the answer; the database keeps the one-conference and one-number rules as
constraints too, for two requests racing each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

MEETING_KINDS: tuple[str, ...] = ("conference", "workshop", "other")
#: The source process: one initiating conference, then six workshops per cluster.
WORKSHOP_SERIES = 6

UNKNOWN_KIND = "unknown_kind"
NUMBER_OUTSIDE_SERIES = "number_outside_series"
ENDS_BEFORE_IT_STARTS = "ends_before_it_starts"
SECOND_CONFERENCE = "second_conference"
CONFERENCE_NOT_FIRST = "conference_not_first"
BEFORE_CONFERENCE = "before_conference"
WORKSHOP_NUMBER_TAKEN = "workshop_number_taken"

#: Every problem code; those naming `other` say which meeting of the series stands in the way.
PROBLEM_CODES: dict[str, str] = {
    UNKNOWN_KIND: "not a conference, a workshop or another meeting",
    NUMBER_OUTSIDE_SERIES: "a workshop without its number, or one outside 1..WORKSHOP_SERIES",
    ENDS_BEFORE_IT_STARTS: "the end is not after the start",
    SECOND_CONFERENCE: "the cluster already has its initiating conference (other: it)",
    CONFERENCE_NOT_FIRST: "a meeting is dated before this conference (other: the first such)",
    BEFORE_CONFERENCE: "dated before the initiating conference (other: the conference)",
    WORKSHOP_NUMBER_TAKEN: "a workshop with this number is planned (other: it)",
}
#: Codes refused as "already exists" (409) rather than as invalid input (422).
DUPLICATE_CODES: frozenset[str] = frozenset({SECOND_CONFERENCE, WORKSHOP_NUMBER_TAKEN})


@dataclass(frozen=True)
class SeriesProblem:
    code: str
    #: Index, in the `others` given to :func:`series_problem`, of the meeting in the way.
    other: int | None = None

    @property
    def duplicate(self) -> bool:
        return self.code in DUPLICATE_CODES


@dataclass(frozen=True)
class Dated:
    """A meeting as the series sees it: its kind, number and local calendar day."""

    kind: str
    number: int | None
    day: date


def kind_problem(kind: str) -> SeriesProblem | None:
    return None if kind in MEETING_KINDS else SeriesProblem(UNKNOWN_KIND)


def series_number(kind: str, number: int | None) -> int | None:
    """The number kept for a meeting: a workshop's as given, none for any other kind (a
    form may still send the number field filled in after the kind was changed)."""
    return number if kind == "workshop" else None


def number_problem(kind: str, number: int | None) -> SeriesProblem | None:
    if kind == "workshop" and (number is None or not 1 <= number <= WORKSHOP_SERIES):
        return SeriesProblem(NUMBER_OUTSIDE_SERIES)
    return None


def timing_problem(starts_at: datetime, ends_at: datetime | None) -> SeriesProblem | None:
    if ends_at is not None and ends_at <= starts_at:
        return SeriesProblem(ENDS_BEFORE_IT_STARTS)
    return None


def series_problem(meeting: Dated, others: Sequence[Dated]) -> SeriesProblem | None:
    """May `meeting` join the series of `others` (the cluster's other meetings, in the order
    they take place, without the one being edited)? Days, not times: a workshop on the
    afternoon of the conference's day is fine whatever the hours say."""
    conference = next((i for i, m in enumerate(others) if m.kind == "conference"), None)
    if meeting.kind == "conference":
        if conference is not None:
            return SeriesProblem(SECOND_CONFERENCE, conference)
        earlier = next((i for i, m in enumerate(others) if m.day < meeting.day), None)
        if earlier is not None:
            return SeriesProblem(CONFERENCE_NOT_FIRST, earlier)
    elif conference is not None and meeting.day < others[conference].day:
        return SeriesProblem(BEFORE_CONFERENCE, conference)
    if meeting.kind == "workshop":
        twin = next(
            (i for i, m in enumerate(others) if m.kind == "workshop" and m.number == meeting.number),
            None,
        )
        if twin is not None:
            return SeriesProblem(WORKSHOP_NUMBER_TAKEN, twin)
    return None
