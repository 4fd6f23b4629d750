"""Completeness checks: goals need objectives, objectives actions, actions owners/dates/KPIs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows.completeness import PROBLEM_CODES, Problem, blocking_problems, check_strategy
from workflows.definition import default_definition


def goal(gid: str, *objectives: str) -> dict:
    return {
        "id": gid,
        "title": f"Cel {gid}",
        "description": "",
        "objectives": [{"id": o, "title": f"Cel operacyjny {o}", "description": ""} for o in objectives],
    }


def action(aid: str, objective: str | None = "o1", **fields: object) -> dict:
    row = {
        "id": aid,
        "action": "Warsztaty",
        "objective_id": objective,
        "owner": "Klaster MAKROS",
        "start": "2014-01-01",
        "end": "2014-06-30",
        "budget_pln": "12000.00",
        "funding_source": "RPO",
        "kpi": "liczba warsztatów",
        "baseline": "0",
        "target": "6",
    }
    row.update(fields)
    return row


def strategy(goals: object, plan: object = None, with_plan: bool = True) -> dict:
    sections: dict = {"vision": ("text", "Wizja"), "goals": ("goals", goals)}
    if with_plan:
        sections["action_plan"] = ("action_plan", plan)
    return sections


def codes(problems: list[Problem]) -> list[tuple[str, str, str | None]]:
    return [(p.code, p.section_key, p.item_id) for p in problems]


def test_a_complete_strategy_has_no_problems() -> None:
    goals = [goal("g1", "o1", "o2"), goal("g2", "o3")]
    plan = [action("a1", "o1"), action("a2", "o2"), action("a3", "o3")]
    assert check_strategy(strategy(goals, plan)) == []


def test_goal_without_objective() -> None:
    goals = [goal("g1", "o1"), goal("g2"), {"id": "g3", "title": "Bez listy"}]
    problems = check_strategy(strategy(goals, [action("a1", "o1")]))
    assert problems == [
        Problem("goal_without_objective", "goals", "g2", (("title", "Cel g2"),)),
        Problem("goal_without_objective", "goals", "g3", (("title", "Bez listy"),)),
    ]


def test_objective_without_action_is_reported_on_the_action_plan() -> None:
    goals = [goal("g1", "o1", "o2")]
    assert codes(check_strategy(strategy(goals, [action("a1", "o1")]))) == [
        ("objective_without_action", "action_plan", "o2")
    ]
    assert codes(check_strategy(strategy(goals, []))) == [
        ("objective_without_action", "action_plan", "o1"),
        ("objective_without_action", "action_plan", "o2"),
    ]
    assert check_strategy(strategy(goals, with_plan=False)) == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"owner": ""}, [("action_without_owner", ())]),
        ({"owner": "  "}, [("action_without_owner", ())]),
        ({"owner": None}, [("action_without_owner", ())]),
        ({"start": ""}, [("action_without_dates", (("missing", ("start",)),))]),
        ({"end": None}, [("action_without_dates", (("missing", ("end",)),))]),
        ({"start": None, "end": ""}, [("action_without_dates", (("missing", ("start", "end")),))]),
        ({"start": "2014-13-45"}, [("action_without_dates", (("missing", ("start",)),))]),
        ({"kpi": ""}, [("action_without_kpi", ())]),
        ({"objective_id": "o9"}, [("action_unknown_objective", (("objective_id", "o9"),))]),
        ({"objective_id": ""}, [("action_unknown_objective", (("objective_id", None),))]),
        (
            {"start": "2014-06-30", "end": "2014-01-01"},
            [("action_end_before_start", (("start", "2014-06-30"), ("end", "2014-01-01")))],
        ),
        ({"start": "2014-03-01", "end": "2014-03-01"}, []),
        ({"start": "2014-03-01T10:00:00", "end": "2014-03-02"}, []),
        (
            {"owner": "", "kpi": None, "end": "2013-12-31"},
            [
                ("action_without_owner", ()),
                ("action_without_kpi", ()),
                ("action_end_before_start", (("start", "2014-01-01"), ("end", "2013-12-31"))),
            ],
        ),
    ],
)
def test_action_problems(fields: dict, expected: list) -> None:
    goals = [goal("g1", "o1")]
    plan = [action("a1", "o1"), action("a2", **fields)]
    problems = check_strategy(strategy(goals, plan))
    assert [(p.code, p.params) for p in problems] == expected
    assert all((p.section_key, p.item_id) == ("action_plan", "a2") for p in problems)


def test_objective_links_are_checked_only_when_there_are_goals() -> None:
    sections = {"action_plan": ("action_plan", [action("a1", "anything")])}
    assert check_strategy(sections) == []


def test_numeric_ids_link_as_text() -> None:
    goals = [{"id": 1, "title": "G", "objectives": [{"id": 7, "title": "O"}]}]
    assert check_strategy(strategy(goals, [action(3, 7)])) == []


@pytest.mark.parametrize(
    "content",
    [None, "text", 5, {"id": "g1"}, [None, "x", 3], [{"objectives": "o1"}], [{"objectives": [1]}]],
)
def test_malformed_content_never_raises(content: object) -> None:
    problems = check_strategy(
        {
            "goals": ("goals", content),
            "action_plan": ("action_plan", content),
            "odd": "not a pair",
            "odder": ("kpi",),
        }
    )
    assert all(p.code in PROBLEM_CODES for p in problems)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
FIELDS = st.sampled_from(["id", "objectives", "objective_id", "owner", "start", "end", "kpi"])
ITEMS = st.lists(st.dictionaries(FIELDS, JSON), max_size=4)


@given(goals=JSON | ITEMS, plan=JSON | ITEMS)
def test_any_content_is_checked_without_raising(goals: object, plan: object) -> None:
    problems = check_strategy(strategy(goals, plan))
    assert all(p.code in PROBLEM_CODES for p in problems)
    assert all(p.section_key in ("goals", "action_plan") for p in problems)


def test_blocking_problems_are_those_on_blocking_sections_of_the_stage() -> None:
    defn = default_definition()
    on_goals = Problem("goal_without_objective", "goals", "g1")
    on_plan = Problem("action_without_owner", "action_plan", "a1")
    on_kpi = Problem("action_without_kpi", "kpi", "k1")  # kpi does not block
    problems = [on_goals, on_plan, on_kpi, Problem("x", "no_such_section")]
    assert blocking_problems(defn, "goals", problems) == [on_goals]
    assert blocking_problems(defn, "actions", problems) == [on_plan]
    assert blocking_problems(defn, "diagnosis", problems) == []
    with pytest.raises(KeyError):
        blocking_problems(defn, "nope", problems)


def test_problems_say_where_the_item_stands() -> None:
    """'Działanie 7 nie ma wskaźnika': actions by their row, objectives as goal.objective."""
    goals = [goal("g1", "o1"), goal("g2", "o2", "o3"), goal("g3")]
    actions = [action("a1", "o1"), action("a2", "o2"), {**action("a3", "o2"), "kpi": ""}]
    problems = check_strategy(strategy(goals, actions))
    where = {(p.code, p.item_id): p.position for p in problems}
    assert where[("goal_without_objective", "g3")] == (3,)
    assert where[("action_without_kpi", "a3")] == (3,)
    assert where[("objective_without_action", "o3")] == (2, 2)
