"""Resolving a conflict (workflows.merge.resolve): base/theirs/mine/choice -> content, per kind."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.content import normalize_content
from workflows.merge import RESOLUTIONS, merge, resolve

SWOT = {"strengths": [], "weaknesses": [], "opportunities": [], "threats": []}


def swot(**lists: list[str]) -> dict[str, list[str]]:
    return {**SWOT, **lists}


def choices(
    name: str, kind: str, base: object, theirs: object, mine: object, /, **expected: object
) -> list[pytest.param]:
    """One row per choice: the same three sides, what each choice gives."""
    assert sorted(expected) == sorted(RESOLUTIONS), name
    return [
        pytest.param(kind, base, theirs, mine, choice, expected[choice], id=f"{kind}: {name} -> {choice}")
        for choice in RESOLUTIONS
    ]


def same_for_all(name: str, kind: str, base: object, theirs: object, mine: object, result: object) -> list:
    return choices(name, kind, base, theirs, mine, theirs=result, mine=result, both=result)


# --- text ------------------------------------------------------------------------------------

TEXT = [
    *choices(
        "one line edited on both sides",
        "text",
        "a\nb\nc\n",
        "A\nb\nc\n",
        "Z\nb\nc\n",
        theirs="A\nb\nc\n",
        mine="Z\nb\nc\n",
        both="A\nZ\nb\nc\n",
    ),
    *choices(
        "what does not overlap is kept whatever the choice",
        "text",
        "a\n\nb\n\nc\n",
        "a\n\nB-ich\n\nc-ich\n",
        "a-moje\n\nB-moje\n\nc\n",
        theirs="a-moje\n\nB-ich\n\nc-ich\n",
        mine="a-moje\n\nB-moje\n\nc-ich\n",
        both="a-moje\n\nB-ich\nB-moje\n\nc-ich\n",
    ),
    *choices(
        "lines inserted at one place",
        "text",
        "a\nb\n",
        "a\nt\nb\n",
        "a\ny\nb\n",
        theirs="a\nt\nb\n",
        mine="a\ny\nb\n",
        both="a\nt\ny\nb\n",
    ),
    *choices(
        "edit against delete",
        "text",
        "a\nb\nc\n",
        "a\nB\nc\n",
        "a\nc\n",
        theirs="a\nB\nc\n",
        mine="a\nc\n",
        both="a\nB\nc\n",
    ),
    *choices(
        "unterminated last line edited on both sides",
        "text",
        "a\nb",
        "a\nB",
        "a\nC",
        theirs="a\nB",
        mine="a\nC",
        both="a\nB\nC",
    ),
    *choices(
        "theirs drops the final newline, both edit the first line",
        "text",
        "a\nb\n",
        "A\nb",
        "Z\nb\n",
        theirs="A\nb",
        mine="Z\nb",
        both="A\nZ\nb",
    ),
    *choices(
        "both write an empty section",
        "text",
        "",
        "Wizja\n",
        "Misja\n",
        theirs="Wizja\n",
        mine="Misja\n",
        both="Wizja\nMisja\n",
    ),
    *choices(
        "no base revision counts as empty",
        "text",
        None,
        "Wizja\n",
        "Misja\n",
        theirs="Wizja\n",
        mine="Misja\n",
        both="Wizja\nMisja\n",
    ),
    *same_for_all("disjoint edits merge", "text", "a\nb\nc\n", "A\nb\nc\n", "a\nb\nC\n", "A\nb\nC\n"),
]

# --- swot ------------------------------------------------------------------------------------

SWOTS = [
    *choices(
        "one item edited on both sides",
        "swot",
        swot(strengths=["x"]),
        swot(strengths=["x-ich"]),
        swot(strengths=["x-moje"], threats=["nowe"]),
        theirs=swot(strengths=["x-ich"], threats=["nowe"]),
        mine=swot(strengths=["x-moje"], threats=["nowe"]),
        both=swot(strengths=["x-ich", "x-moje"], threats=["nowe"]),
    ),
    *choices(
        "a run edited in place: decided item by item",
        "swot",
        swot(weaknesses=["a", "b"]),
        swot(weaknesses=["A", "b2"]),
        swot(weaknesses=["a", "B"]),
        theirs=swot(weaknesses=["A", "b2"]),
        mine=swot(weaknesses=["A", "B"]),
        both=swot(weaknesses=["A", "b2", "B"]),
    ),
    *choices(
        "runs of different lengths: both keeps mine's items not in theirs",
        "swot",
        swot(opportunities=["a", "b", "z"]),
        swot(opportunities=["A", "c", "z"]),
        swot(opportunities=["c", "d", "e", "z"]),
        theirs=swot(opportunities=["A", "c", "z"]),
        mine=swot(opportunities=["c", "d", "e", "z"]),
        both=swot(opportunities=["A", "c", "d", "e", "z"]),
    ),
    *choices(
        "deleted against edited",
        "swot",
        swot(threats=["a", "b", "c"]),
        swot(threats=["a", "c"]),
        swot(threats=["a", "b!", "c"]),
        theirs=swot(threats=["a", "c"]),
        mine=swot(threats=["a", "b!", "c"]),
        both=swot(threats=["a", "b!", "c"]),
    ),
    *same_for_all(
        "items added at one place are all kept, theirs first",
        "swot",
        swot(strengths=["a"]),
        swot(strengths=["a", "t"]),
        swot(strengths=["a", "m"]),
        swot(strengths=["a", "t", "m"]),
    ),
    *same_for_all(
        "no base revision counts as empty",
        "swot",
        None,
        swot(strengths=["t"]),
        swot(threats=["m"]),
        swot(strengths=["t"], threats=["m"]),
    ),
]

# --- items with ids --------------------------------------------------------------------------

KPI = normalize_content(
    "kpi", [{"id": "k1", "indicator": "Firmy", "baseline": "1", "target": "5", "year": 2020}]
)
K1 = KPI[0]
ACTIONS = normalize_content(
    "action_plan",
    [{"id": "a1", "action": "Targi", "budget_pln": "10000"}, {"id": "a2", "action": "Szkolenia"}],
)
A1, A2 = ACTIONS
GOALS = normalize_content(
    "goals",
    [
        {
            "id": "g1",
            "title": "Eksport",
            "objectives": [{"id": "o1", "title": "Targi"}, {"id": "o2", "title": "Kursy"}],
        }
    ],
)
G1 = GOALS[0]
O1, O2 = G1["objectives"]

ITEMS = [
    *choices(
        "one field changed on both sides, other fields kept",
        "kpi",
        KPI,
        [{**K1, "target": "6", "unit": "szt."}],
        [{**K1, "target": "7", "year": 2021}],
        theirs=[{**K1, "target": "6", "unit": "szt.", "year": 2021}],
        mine=[{**K1, "target": "7", "unit": "szt.", "year": 2021}],
        # "both": the merged item with theirs' value, then mine's item again, without its id.
        both=[
            {**K1, "target": "6", "unit": "szt.", "year": 2021},
            {**K1, "id": "", "target": "7", "year": 2021},
        ],
    ),
    *choices(
        "deleted by theirs, changed by mine",
        "action_plan",
        ACTIONS,
        [A2],
        [{**A1, "budget_pln": "15000.00"}, {**A2, "owner": "ACME"}],
        theirs=[{**A2, "owner": "ACME"}],
        mine=[{**A2, "owner": "ACME"}, {**A1, "budget_pln": "15000.00"}],
        both=[{**A2, "owner": "ACME"}, {**A1, "id": "", "budget_pln": "15000.00"}],
    ),
    *choices(
        "an objective's title changed on both sides",
        "goals",
        GOALS,
        [{**G1, "description": "Opis", "objectives": [{**O1, "title": "Targi branżowe"}, O2]}],
        [{**G1, "objectives": [{**O1, "title": "Targi zagraniczne"}, {**O2, "description": "x"}]}],
        theirs=[
            {
                **G1,
                "description": "Opis",
                "objectives": [{**O1, "title": "Targi branżowe"}, {**O2, "description": "x"}],
            }
        ],
        mine=[
            {
                **G1,
                "description": "Opis",
                "objectives": [{**O1, "title": "Targi zagraniczne"}, {**O2, "description": "x"}],
            }
        ],
        # The second copy is mine's whole goal (top-level item), every id cleared.
        both=[
            {
                **G1,
                "description": "Opis",
                "objectives": [{**O1, "title": "Targi branżowe"}, {**O2, "description": "x"}],
            },
            {
                **G1,
                "id": "",
                "objectives": [
                    {**O1, "id": "", "title": "Targi zagraniczne"},
                    {**O2, "id": "", "description": "x"},
                ],
            },
        ],
    ),
    *same_for_all(
        "both add a row with the same new id: two rows, mine renumbered",
        "kpi",
        KPI,
        [K1, {**K1, "id": "k2", "indicator": "Patenty"}],
        [K1, {**K1, "id": "k2", "indicator": "Start-upy"}],
        [K1, {**K1, "id": "k2", "indicator": "Patenty"}, {**K1, "id": "k3", "indicator": "Start-upy"}],
    ),
]


@pytest.mark.parametrize(("kind", "base", "theirs", "mine", "choice", "expected"), TEXT + SWOTS + ITEMS)
def test_resolve(
    kind: str, base: object, theirs: object, mine: object, choice: str, expected: object
) -> None:
    sides = copy.deepcopy((base, theirs, mine))
    assert resolve(kind, base, theirs, mine, choice) == expected  # type: ignore[arg-type]
    assert (base, theirs, mine) == sides  # the inputs are not changed


def test_an_unknown_choice_is_refused() -> None:
    with pytest.raises(ValueError):
        resolve("text", "a\n", "b\n", "c\n", "neither")  # type: ignore[arg-type]


# --- the plain merge and the resolution walk the same way -------------------------------------
# Where nothing overlaps, every choice gives exactly what the plain merge gives.

LINES = st.lists(st.sampled_from(["a\n", "b\n", "c\n", "\n", "d"]), max_size=6).map("".join)
ITEMS_OF = st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=5)


@settings(max_examples=300, deadline=None)
@given(base=LINES, theirs=LINES, mine=LINES, choice=st.sampled_from(RESOLUTIONS))
def test_text_without_conflict_resolves_to_the_merge(base: str, theirs: str, mine: str, choice: str) -> None:
    result = merge("text", base, theirs, mine)
    resolved = resolve("text", base, theirs, mine, choice)  # type: ignore[arg-type]
    if not result.conflict:
        assert resolved == result.content


@settings(max_examples=300, deadline=None)
@given(base=ITEMS_OF, theirs=ITEMS_OF, mine=ITEMS_OF, choice=st.sampled_from(RESOLUTIONS))
def test_swot_without_conflict_resolves_to_the_merge(
    base: list[str], theirs: list[str], mine: list[str], choice: str
) -> None:
    result = merge("swot", swot(strengths=base), swot(strengths=theirs), swot(strengths=mine))
    resolved = resolve("swot", swot(strengths=base), swot(strengths=theirs), swot(strengths=mine), choice)  # type: ignore[arg-type]
    if not result.conflict:
        assert resolved == result.content
