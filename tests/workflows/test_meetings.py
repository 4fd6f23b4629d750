"""The rules of a cluster's meeting series (workflows.meetings) as tables, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from workflows.meetings import (
    BEFORE_CONFERENCE,
    CONFERENCE_NOT_FIRST,
    DUPLICATE_CODES,
    ENDS_BEFORE_IT_STARTS,
    MEETING_KINDS,
    NUMBER_OUTSIDE_SERIES,
    PROBLEM_CODES,
    SECOND_CONFERENCE,
    UNKNOWN_KIND,
    WORKSHOP_NUMBER_TAKEN,
    WORKSHOP_SERIES,
    Dated,
    SeriesProblem,
    kind_problem,
    number_problem,
    series_number,
    series_problem,
    timing_problem,
)

DAY = date(2025, 3, 10)
BEFORE, AFTER = DAY - timedelta(days=1), DAY + timedelta(days=1)


def test_the_source_process_has_six_workshops_and_three_kinds() -> None:
    assert WORKSHOP_SERIES == 6
    assert MEETING_KINDS == ("conference", "workshop", "other")


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("conference", None),
        ("workshop", None),
        ("other", None),
        ("", UNKNOWN_KIND),
        ("Workshop", UNKNOWN_KIND),
        ("webinar", UNKNOWN_KIND),
    ],
)
def test_kinds(kind: str, expected: str | None) -> None:
    problem = kind_problem(kind)
    assert (problem.code if problem else None) == expected


@pytest.mark.parametrize(
    ("kind", "number", "kept"),
    [
        ("workshop", 3, 3),
        ("workshop", None, None),
        ("conference", 3, None),  # a number left in the form after the kind changed
        ("other", 1, None),
    ],
)
def test_only_a_workshop_keeps_a_number(kind: str, number: int | None, kept: int | None) -> None:
    assert series_number(kind, number) == kept


@pytest.mark.parametrize(
    ("kind", "number", "expected"),
    [
        ("workshop", 1, None),
        ("workshop", WORKSHOP_SERIES, None),
        ("workshop", 0, NUMBER_OUTSIDE_SERIES),
        ("workshop", WORKSHOP_SERIES + 1, NUMBER_OUTSIDE_SERIES),
        ("workshop", -1, NUMBER_OUTSIDE_SERIES),
        ("workshop", None, NUMBER_OUTSIDE_SERIES),
        ("conference", None, None),
        ("other", None, None),
    ],
)
def test_workshop_numbers(kind: str, number: int | None, expected: str | None) -> None:
    problem = number_problem(kind, number)
    assert (problem.code if problem else None) == expected


START = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ends_at", "expected"),
    [
        (None, None),
        (START + timedelta(minutes=1), None),
        (START, ENDS_BEFORE_IT_STARTS),
        (START - timedelta(hours=1), ENDS_BEFORE_IT_STARTS),
    ],
)
def test_a_meeting_ends_after_it_starts(ends_at: datetime | None, expected: str | None) -> None:
    problem = timing_problem(START, ends_at)
    assert (problem.code if problem else None) == expected


def conference(day: date = DAY) -> Dated:
    return Dated("conference", None, day)


def workshop(number: int, day: date = AFTER) -> Dated:
    return Dated("workshop", number, day)


def other(day: date = AFTER) -> Dated:
    return Dated("other", None, day)


#: (the meeting, the cluster's other meetings in time order, the expected problem or None).
SERIES_TABLE = [
    # an empty series takes anything
    (conference(), [], None),
    (workshop(1, BEFORE), [], None),
    (other(BEFORE), [], None),
    # one initiating conference
    (conference(AFTER), [conference()], SeriesProblem(SECOND_CONFERENCE, 0)),
    (conference(), [conference()], SeriesProblem(SECOND_CONFERENCE, 0)),
    # ... and it comes first: the earliest meeting before it is named
    (conference(AFTER), [other(BEFORE), workshop(1, DAY)], SeriesProblem(CONFERENCE_NOT_FIRST, 0)),
    (conference(AFTER), [workshop(1, AFTER)], None),  # the same day is not before it
    (conference(BEFORE), [workshop(1), other()], None),
    # nothing is dated before the conference (days count, not hours)
    (workshop(1, BEFORE), [conference()], SeriesProblem(BEFORE_CONFERENCE, 0)),
    (other(BEFORE), [workshop(2, BEFORE), conference()], SeriesProblem(BEFORE_CONFERENCE, 1)),
    (workshop(1, DAY), [conference()], None),
    (other(DAY), [conference()], None),
    # each workshop number once
    (workshop(2), [conference(), workshop(1), workshop(2)], SeriesProblem(WORKSHOP_NUMBER_TAKEN, 2)),
    (workshop(3), [conference(), workshop(1), workshop(2)], None),
    (workshop(1), [other(), Dated("other", 1, AFTER)], None),  # only workshops count
    (other(), [workshop(1), other()], None),  # other meetings are never "taken"
    # the date is judged before the number
    (workshop(1, BEFORE), [conference(), workshop(1)], SeriesProblem(BEFORE_CONFERENCE, 0)),
]


@pytest.mark.parametrize(("meeting", "others", "expected"), SERIES_TABLE)
def test_the_series(meeting: Dated, others: list[Dated], expected: SeriesProblem | None) -> None:
    assert series_problem(meeting, others) == expected


@pytest.mark.parametrize(
    ("code", "duplicate"),
    [
        (SECOND_CONFERENCE, True),
        (WORKSHOP_NUMBER_TAKEN, True),
        (CONFERENCE_NOT_FIRST, False),
        (BEFORE_CONFERENCE, False),
        (UNKNOWN_KIND, False),
        (NUMBER_OUTSIDE_SERIES, False),
        (ENDS_BEFORE_IT_STARTS, False),
    ],
)
def test_what_already_exists_is_a_duplicate(code: str, duplicate: bool) -> None:
    assert SeriesProblem(code).duplicate is duplicate


def test_every_code_is_described() -> None:
    assert set(PROBLEM_CODES) == {
        UNKNOWN_KIND,
        NUMBER_OUTSIDE_SERIES,
        ENDS_BEFORE_IT_STARTS,
        SECOND_CONFERENCE,
        CONFERENCE_NOT_FIRST,
        BEFORE_CONFERENCE,
        WORKSHOP_NUMBER_TAKEN,
    }
    assert set(PROBLEM_CODES) >= DUPLICATE_CODES


def test_the_web_layer_and_the_database_use_these_kinds_and_this_series() -> None:
    # Kept in two more places (the form's labels and the table's CHECK): they must agree.
    from webapp.meetings import MEETING_KIND_LABELS
    from webapp.meetings import WORKSHOP_SERIES as FORM_SERIES
    from webapp.models.meetings import MEETING_KINDS as TABLE_KINDS

    assert FORM_SERIES == WORKSHOP_SERIES
    assert TABLE_KINDS == MEETING_KINDS
    assert tuple(MEETING_KIND_LABELS) == MEETING_KINDS
