"""Differences between revisions for the history page (workflows.diff)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.content import normalize_content
from workflows.diff import Change, diff_structured, diff_text

SWOT = {"strengths": [], "weaknesses": [], "opportunities": [], "threats": []}

# --- text ------------------------------------------------------------------------------------

TEXT = [
    pytest.param("", "", [], id="nothing"),
    pytest.param("Ala ma kota.", "Ala ma kota.", [("equal", "Ala ma kota.")], id="same"),
    pytest.param("", "Nowy akapit.\n", [("insert", "Nowy akapit.\n")], id="from empty"),
    pytest.param("Stary.\n", "", [("delete", "Stary.\n")], id="to empty"),
    pytest.param(
        "Ala ma kota.",
        "Ala ma psa.",
        [("equal", "Ala ma "), ("delete", "kota"), ("insert", "psa"), ("equal", ".")],
        id="one word",
    ),
    pytest.param(
        "Klaster rośnie.",
        "Klaster rośnie szybko.",
        [("equal", "Klaster rośnie"), ("insert", " szybko"), ("equal", ".")],
        id="inserted word with its space",
    ),
    pytest.param(
        "Cel: eksport, marka.",
        "Cel: eksport; marka.",
        [("equal", "Cel: eksport"), ("delete", ","), ("insert", ";"), ("equal", " marka.")],
        id="punctuation is its own token",
    ),
    pytest.param(
        "# Wizja\n\nKlaster rośnie.\n\n# Misja\n",
        "# Wizja\n\nKlaster rośnie szybko.\n\n# Misja\n\nNowa.\n",
        [
            ("equal", "# Wizja\n\nKlaster rośnie"),
            ("insert", " szybko"),
            ("equal", ".\n\n# Misja\n"),
            ("insert", "\nNowa.\n"),
        ],
        id="lines, then words inside the changed ones",
    ),
    pytest.param(
        "zażółć gęślą",
        "zażółć jaźń",
        [("equal", "zażółć "), ("delete", "gęślą"), ("insert", "jaźń")],
        id="polish words are words",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), TEXT)
def test_diff_text(old: str, new: str, expected: list[tuple[str, str]]) -> None:
    assert diff_text(old, new) == expected


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="ab ,.\n", max_size=40) | st.text(max_size=20),
    st.text(alphabet="ab ,.\n", max_size=40) | st.text(max_size=20),
)
def test_diff_text_rebuilds_both_sides(old: str, new: str) -> None:
    ops = diff_text(old, new)
    assert "".join(text for op, text in ops if op != "insert") == old
    assert "".join(text for op, text in ops if op != "delete") == new
    assert all(text for _, text in ops)
    assert all(a[0] != b[0] for a, b in zip(ops, ops[1:], strict=False))
    if old == new:
        assert all(op == "equal" for op, _ in ops)


def test_diff_text_stays_fast_and_right_on_repetitive_long_text() -> None:
    old = "- brak\n" * 14_000  # ~100,000 characters of one repeated line
    new = old[:49_000] + "- jest\n" + old[49_000:]
    ops = diff_text(old, new)
    assert "".join(text for op, text in ops if op != "insert") == old
    assert "".join(text for op, text in ops if op != "delete") == new
    assert sum(len(text) for op, text in ops if op != "equal") < 200


# --- structured ------------------------------------------------------------------------------


def test_text_sections_are_one_change() -> None:
    assert diff_structured("text", "a", "a") == []
    assert diff_structured("text", "a", "b") == [Change("", "changed", "a", "b")]


def test_swot_changes_per_item() -> None:
    old = {**SWOT, "strengths": ["B+R", "Kadry", "Sieć"], "threats": ["Wojna"]}
    new = {**SWOT, "strengths": ["B+R", "Kadry i uczelnie"], "weaknesses": ["Eksport"]}
    assert diff_structured("swot", old, new) == [
        Change("strengths[1]", "changed", "Kadry", "Kadry i uczelnie"),
        Change("strengths[2]", "removed", "Sieć", None),
        Change("weaknesses[0]", "added", None, "Eksport"),
        Change("threats[0]", "removed", "Wojna", None),
    ]


def test_swot_insertion_is_an_addition_not_a_cascade_of_changes() -> None:
    old = {**SWOT, "opportunities": ["a", "b", "c"]}
    new = {**SWOT, "opportunities": ["new", "a", "b", "c"]}
    assert diff_structured("swot", old, new) == [Change("opportunities[0]", "added", None, "new")]


OLD_PLAN = normalize_content(
    "action_plan",
    [
        {"id": "a1", "action": "Targi", "budget_pln": "10000"},
        {"id": "a2", "action": "Szkolenia"},
        {"id": "a3", "action": "Misja"},
    ],
)


def test_action_plan_changes_by_item_and_field() -> None:
    a1, a2, a3 = OLD_PLAN
    a4 = {**a2, "id": "a4", "action": "Hackathon"}
    new = [{**a1, "budget_pln": "12000.00", "owner": "ACME"}, a3, a4]
    assert diff_structured("action_plan", OLD_PLAN, new) == [
        Change("action_plan[a2]", "removed", a2, None),
        Change("action_plan[a1].owner", "changed", "", "ACME"),
        Change("action_plan[a1].budget_pln", "changed", "10000.00", "12000.00"),
        Change("action_plan[a4]", "added", None, a4),
    ]


def test_reordering_is_a_change_of_the_list() -> None:
    a1, a2, a3 = OLD_PLAN
    assert diff_structured("action_plan", OLD_PLAN, [a3, a1, a2]) == [
        Change("action_plan", "changed", ["a1", "a2", "a3"], ["a3", "a1", "a2"])
    ]
    # Removing an item is not a reordering of the others.
    assert diff_structured("action_plan", OLD_PLAN, [a1, a3]) == [
        Change("action_plan[a2]", "removed", a2, None)
    ]


def test_goals_changes_reach_into_objectives() -> None:
    old = normalize_content(
        "goals",
        [{"id": "g1", "title": "Eksport", "objectives": [{"id": "o1", "title": "Targi"}]}],
    )
    o2 = {"id": "o2", "title": "B2B", "description": ""}
    new = [
        {
            "id": "g1",
            "title": "Eksport i marka",
            "description": "",
            "objectives": [{"id": "o1", "title": "Targi branżowe", "description": ""}, o2],
        }
    ]
    assert diff_structured("goals", old, new) == [
        Change("goals[g1].title", "changed", "Eksport", "Eksport i marka"),
        Change("goals[g1].objectives[o1].title", "changed", "Targi", "Targi branżowe"),
        Change("goals[g1].objectives[o2]", "added", None, o2),
    ]


def test_kpi_year_change() -> None:
    old = normalize_content("kpi", [{"id": "k1", "indicator": "Eksport", "year": 2030}])
    new = [{**old[0], "year": ""}]
    assert diff_structured("kpi", old, new) == [Change("kpi[k1].year", "changed", 2030, "")]


def test_first_revision_against_empty_content() -> None:
    new = normalize_content("kpi", [{"id": "k1"}])
    assert diff_structured("kpi", [], new) == [Change("kpi[k1]", "added", None, new[0])]


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="essay"):
        diff_structured("essay", "", "x")
