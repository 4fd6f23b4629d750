"""The counting rules of polls, as tables, and a property: the totals are the votes cast."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.polls import (
    CastVote,
    PollKind,
    PollState,
    Rules,
    borda_steps,
    check_ballot,
    check_poll,
    counted,
    may_manage,
    may_vote,
    places_of,
    poll_state,
    prioritised,
    ranked_items,
    results_visible,
    section_items,
    tally,
    turnout,
    voter_key,
)
from workflows.roles import Role

T0 = datetime(2014, 2, 20, 9, 0, tzinfo=UTC)
OPTIONS = (11, 12, 13)


def codes(problems) -> list[str]:  # noqa: ANN001
    return [p.code for p in problems]


DOT = Rules(PollKind.DOT, OPTIONS, dots=5, max_per_option=3)


@pytest.mark.parametrize(
    ("ballot", "stored", "problems"),
    [
        ({"dots": {"11": 3, "12": 2}}, {"dots": {"11": 3, "12": 2}}, []),
        ({"dots": {11: 1, "13": 0}}, {"dots": {"11": 1}}, []),  # int keys; zeros dropped
        ({"dots": {"11": 3, "12": 3}}, None, ["too_many_dots"]),
        ({"dots": {"11": 4}}, None, ["too_many_on_option"]),
        ({"dots": {"11": -1, "12": 2}}, None, ["negative"]),
        ({"dots": {"99": 1}}, None, ["unknown_option"]),
        ({"dots": {"x": 1}}, None, ["unknown_option"]),
        ({"dots": {"11": "2"}}, None, ["wrong_shape"]),
        ({"dots": {"11": True}}, None, ["wrong_shape"]),
        ({"dots": {}}, None, ["empty"]),
        ({"dots": {"11": 0}}, None, ["empty"]),
        ({"ranking": [11]}, None, ["wrong_shape"]),
        ({"dots": [11]}, None, ["wrong_shape"]),
        ([], None, ["wrong_shape"]),
        ({"dots": {"11": 1}, "scores": {}}, None, ["wrong_shape"]),
    ],
)
def test_dot_ballots(ballot, stored, problems):
    result, found = check_ballot(DOT, ballot)
    assert (result, codes(found)) == (stored, problems)


def test_dot_vote_without_a_limit_per_option_takes_all_dots_on_one():
    rules = Rules(PollKind.DOT, OPTIONS, dots=5)
    assert check_ballot(rules, {"dots": {"12": 5}}) == ({"dots": {"12": 5}}, [])


@pytest.mark.parametrize(
    ("ballot", "stored", "problems"),
    [
        ({"ranking": [13, 11, 12]}, {"ranking": ["13", "11", "12"]}, []),
        ({"ranking": ["12"]}, {"ranking": ["12"]}, []),  # a partial ranking
        ({"ranking": [13, 13]}, None, ["ranking_repeat"]),
        ({"ranking": [13, 77]}, None, ["unknown_option"]),
        ({"ranking": []}, None, ["empty"]),
        ({"ranking": {"13": 1}}, None, ["wrong_shape"]),
    ],
)
def test_ranking_ballots(ballot, stored, problems):
    result, found = check_ballot(Rules(PollKind.RANKING, OPTIONS), ballot)
    assert (result, codes(found)) == (stored, problems)


@pytest.mark.parametrize(
    ("ballot", "stored", "problems"),
    [
        ({"scores": {"11": 0, "12": 5}}, {"scores": {"11": 0, "12": 5}}, []),
        ({"scores": {"11": 6}}, None, ["score_out_of_range"]),
        ({"scores": {"11": -1}}, None, ["score_out_of_range"]),
        ({"scores": {"11": 2.5}}, None, ["wrong_shape"]),
        ({"scores": {}}, None, ["empty"]),
    ],
)
def test_score_ballots(ballot, stored, problems):
    result, found = check_ballot(Rules(PollKind.SCORE, OPTIONS), ballot)
    assert (result, codes(found)) == (stored, problems)


@pytest.mark.parametrize(
    ("multiple", "ballot", "stored", "problems"),
    [
        (False, {"choices": [12]}, {"choices": ["12"]}, []),
        (False, {"choices": [12, 13]}, None, ["too_many_choices"]),
        (True, {"choices": [12, 13]}, {"choices": ["12", "13"]}, []),
        (True, {"choices": [12, 12]}, None, ["choice_repeat"]),
        (True, {"choices": []}, None, ["empty"]),
    ],
)
def test_choice_ballots(multiple, ballot, stored, problems):
    result, found = check_ballot(Rules(PollKind.CHOICE, OPTIONS, multiple=multiple), ballot)
    assert (result, codes(found)) == (stored, problems)


@pytest.mark.parametrize(
    ("kind", "labels", "dots", "per_option", "closes", "problems"),
    [
        ("dot", ["a", "b"], 3, 2, None, []),
        ("dot", ["a", "b"], None, None, None, ["dots_needed"]),
        ("dot", ["a", "b"], 101, None, None, ["dots_needed"]),
        ("dot", ["a", "b"], 3, 4, None, ["max_per_option_range"]),
        ("ranking", ["a"], None, None, None, ["too_few_options"]),
        ("score", ["a", " A "], None, None, None, ["duplicate_option"]),
        ("choice", [str(i) for i in range(51)], None, None, None, ["too_many_options"]),
        ("choice", ["a", "b"], None, None, T0 - timedelta(hours=1), ["closes_before_opens"]),
    ],
)
def test_poll_checks(kind, labels, dots, per_option, closes, problems):
    assert codes(check_poll(kind, labels, dots, per_option, T0, closes)) == problems


@pytest.mark.parametrize(
    ("closes_at", "closed_at", "now", "state"),
    [
        (None, None, T0 - timedelta(minutes=1), PollState.SCHEDULED),
        (None, None, T0, PollState.OPEN),
        (T0 + timedelta(hours=1), None, T0 + timedelta(minutes=59), PollState.OPEN),
        (T0 + timedelta(hours=1), None, T0 + timedelta(hours=1), PollState.CLOSED),
        (None, T0 + timedelta(minutes=5), T0 + timedelta(minutes=6), PollState.CLOSED),
    ],
)
def test_poll_state(closes_at, closed_at, now, state):
    assert poll_state(T0, closes_at, closed_at, now) is state


@pytest.mark.parametrize(
    ("role", "invites", "manage", "vote"),
    [
        (Role.ADMIN, False, True, False),
        (Role.MODERATOR, False, True, True),
        (Role.MEMBER, False, False, True),
        (Role.OBSERVER, False, False, False),
        (Role.OBSERVER, True, False, True),
        (None, True, False, False),
    ],
)
def test_who_may_manage_and_vote(role, invites, manage, vote):
    assert (may_manage(role), may_vote(role, invites)) == (manage, vote)


@pytest.mark.parametrize(
    ("mode", "role", "org", "key"),
    [
        ("organisation", Role.MEMBER, 7, "o:7"),
        ("organisation", Role.MODERATOR, 7, "o:7"),
        ("organisation", Role.OBSERVER, 7, "p:3"),  # observers apart, as themselves
        ("organisation", Role.MEMBER, None, "p:3"),
        ("person", Role.MEMBER, 7, "p:3"),
    ],
)
def test_voter_keys(mode, role, org, key):
    assert voter_key(mode, role, 3, org) == key


@pytest.mark.parametrize(
    ("hide", "voted", "closed", "manages", "visible"),
    [
        (False, False, False, False, True),
        (True, False, False, False, False),
        (True, True, False, False, True),
        (True, False, True, False, True),
        (True, False, False, True, True),
    ],
)
def test_results_visibility(hide, voted, closed, manages, visible):
    assert results_visible(hide, voted, closed, manages) is visible


def vote(key, ballot, kind="enterprise", minutes=0, observer=False, order=0) -> CastVote:  # noqa: ANN001
    return CastVote(key, ballot, kind, T0 + timedelta(minutes=minutes), observer=observer, order=order)


def test_per_organisation_the_latest_vote_counts():
    votes = [
        vote("o:1", {"dots": {"11": 5}}, minutes=1),
        vote("o:1", {"dots": {"12": 5}}, minutes=3),  # a colleague, later: this one
        vote("o:1", {"dots": {"13": 5}}, minutes=2),
        vote("o:2", {"dots": {"11": 2}}, minutes=1, order=1),
        vote("o:2", {"dots": {"13": 2}}, minutes=1, order=2),  # same moment: the later row
    ]
    assert [v.ballot for v in counted(votes)] == [{"dots": {"13": 2}}, {"dots": {"12": 5}}]
    result = tally(PollKind.DOT, OPTIONS, votes)
    assert [r.total for r in result.options] == [0, 5, 2]
    assert result.ballots == 2


def test_totals_split_by_kind_and_observers_apart():
    votes = [
        vote("o:1", {"dots": {"11": 3, "12": 2}}, "enterprise"),
        vote("o:2", {"dots": {"11": 1}}, "science"),
        vote("o:3", {"dots": {"12": 4}}, "business_support"),
        vote("o:4", {"dots": {"13": 1}}, "agency?"),  # an unknown kind counts as other
        vote("p:9", {"dots": {"13": 5}}, "other", observer=True),
    ]
    result = tally(PollKind.DOT, OPTIONS, votes)
    first, second, third = result.options
    assert (first.total, dict(first.by_kind)) == (
        4,
        {"enterprise": 3, "business_support": 0, "science": 1, "other": 0},
    )
    assert (second.total, second.by_kind["business_support"]) == (6, 4)
    assert (third.total, third.by_kind["other"], third.observers) == (1, 1, 5)
    assert (result.ballots, result.observer_ballots) == (4, 1)


def test_borda_count_with_ties_and_its_steps():
    # Three options: first place 3 points, second 2, third 1, unranked 0.
    votes = [
        vote("o:1", {"ranking": ["11", "12", "13"]}),
        vote("o:2", {"ranking": ["12", "11", "13"]}),
        vote("o:3", {"ranking": ["13"]}),
    ]
    result = tally(PollKind.RANKING, OPTIONS, votes)
    assert [(r.option, r.total, r.place) for r in result.options] == [(11, 5, 1), (12, 5, 1), (13, 5, 1)]
    votes.append(vote("o:4", {"ranking": ["12"]}))
    result = tally(PollKind.RANKING, OPTIONS, votes)
    assert [(r.option, r.total, r.place) for r in result.ranked()] == [(12, 8, 1), (11, 5, 2), (13, 5, 2)]
    steps = {s.option: s for s in borda_steps(OPTIONS, votes)}
    assert steps[12].at_place == (2, 1, 0) and steps[12].worth == (3, 2, 1) and steps[12].total == 8
    assert steps[13].at_place == (1, 0, 2) and steps[13].total == 5


def test_scores_and_choices_add_up():
    scores = tally(
        PollKind.SCORE,
        OPTIONS,
        [vote("o:1", {"scores": {"11": 0, "12": 5}}), vote("o:2", {"scores": {"12": 3}})],
    )
    assert [(r.total, r.voters) for r in scores.options] == [(0, 1), (8, 2), (0, 0)]
    choices = tally(
        PollKind.CHOICE, OPTIONS, [vote("o:1", {"choices": ["13"]}), vote("o:2", {"choices": ["13", "11"]})]
    )
    assert [r.total for r in choices.options] == [1, 0, 2]


def test_places_share_ties():
    assert places_of({1: 4, 2: 9, 3: 4, 4: 1}) == {1: 2, 2: 1, 3: 2, 4: 4}


@pytest.mark.parametrize(
    ("voted", "eligible", "expected"),
    [
        (["o:1", "o:2"], ["o:1", "o:2", "o:3"], (2, 3)),
        (["o:1", "o:9"], ["o:1", "o:2"], (1, 2)),  # a departed organisation is not turnout
        ([], [], (0, 0)),
    ],
)
def test_turnout(voted, eligible, expected):
    result = turnout(voted, eligible)
    assert (result.voted, result.eligible) == expected


ACTIONS = [
    {"id": "a1", "action": "Portal"},
    {"id": "a2", "action": "Targi"},
    {"id": "a3", "action": "Szkolenia"},
]
GOALS = [
    {"id": "g1", "title": "Eksport", "objectives": [{"id": "o1", "title": "A"}, {"id": "o2", "title": "B"}]},
    {"id": "g2", "title": "Innowacje", "objectives": []},
]


def test_section_items():
    assert section_items("action_plan", ACTIONS)[1] == ("a2", "Targi")
    assert [i for i, _ in section_items("goals", GOALS)] == ["g1", "o1", "o2", "g2"]
    swot = {"strengths": ["x"], "weaknesses": ["", "y"], "opportunities": [], "threats": []}
    assert section_items("swot", swot) == [("strengths:0", "x"), ("weaknesses:1", "y")]
    assert section_items("text", "anything") == []


def test_priorities_reorder_only():
    assert [a["id"] for a in prioritised("action_plan", ACTIONS, ["a3", "a1"])] == ["a3", "a1", "a2"]
    goals = prioritised("goals", GOALS, ["o2", "g2", "g1"])
    assert [g["id"] for g in goals] == ["g2", "g1"]
    assert [o["id"] for o in goals[1]["objectives"]] == ["o2", "o1"]
    assert prioritised("swot", {"strengths": []}, ["x"]) == {"strengths": []}


def test_ranked_items_follow_the_places():
    result = tally(PollKind.DOT, OPTIONS, [vote("o:1", {"dots": {"13": 3, "12": 1}})])
    assert ranked_items(result, {11: "a1", 12: "a2", 13: "a3"}) == ["a3", "a2", "a1"]


# --- property: the totals are the votes cast ---------------------------------------------

KINDS = ("enterprise", "business_support", "science", "other")


@st.composite
def dot_votes(draw):  # noqa: ANN001, ANN201
    n = draw(st.integers(min_value=2, max_value=6))
    options = tuple(range(100, 100 + n))
    dots = draw(st.integers(min_value=1, max_value=10))
    rules = Rules(PollKind.DOT, options, dots=dots)
    votes = []
    for i in range(draw(st.integers(min_value=0, max_value=12))):
        spread = draw(st.lists(st.sampled_from(options), min_size=1, max_size=dots))
        ballot = {"dots": {str(o): spread.count(o) for o in set(spread)}}
        key = f"o:{draw(st.integers(min_value=1, max_value=5))}"
        observer = draw(st.booleans())
        votes.append(vote(key, ballot, draw(st.sampled_from(KINDS)), minutes=i, observer=observer))
    return rules, votes


@settings(max_examples=150, deadline=None)
@given(dot_votes())
def test_totals_equal_the_votes_cast(case):
    rules, votes = case
    result = tally(rules.kind, rules.options, votes)
    counted_votes = counted(votes)
    members = [v for v in counted_votes if not v.observer]
    cast = sum(n for v in members for n in v.ballot["dots"].values())
    assert sum(r.total for r in result.options) == cast
    assert sum(r.observers for r in result.options) == sum(
        n for v in counted_votes if v.observer for n in v.ballot["dots"].values()
    )
    for r in result.options:
        assert sum(r.by_kind.values()) == r.total
    assert result.ballots == len(members) == len({v.key for v in members})
    for v in members:  # every counted ballot passes the rules it was cast under
        assert check_ballot(rules, v.ballot)[1] == []


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=2, max_value=6).flatmap(lambda n: st.lists(st.permutations(range(n)), max_size=10))
)
def test_borda_totals_equal_the_points_of_the_ballots(rankings):
    n = len(rankings[0]) if rankings else 2
    options = tuple(range(n))
    votes = [vote(f"p:{i}", {"ranking": [str(o) for o in r]}, minutes=i) for i, r in enumerate(rankings)]
    result = tally(PollKind.RANKING, options, votes)
    assert sum(r.total for r in result.options) == len(rankings) * n * (n + 1) // 2
    assert [s.total for s in borda_steps(options, votes)] == [r.total for r in result.options]
