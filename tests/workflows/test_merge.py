"""Three-way merge of section content (workflows.merge): tables per kind, then laws."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.content import ContentError, normalize_content
from workflows.merge import Conflict, MergeResult, merge

SWOT = {"strengths": [], "weaknesses": [], "opportunities": [], "threats": []}


def swot(**lists: list[str]) -> dict[str, list[str]]:
    return {**SWOT, **lists}


def rows(*items: dict) -> list[dict]:
    return normalize_content("action_plan", list(items))  # type: ignore[return-value]


def goals(*items: dict) -> list[dict]:
    return normalize_content("goals", list(items))  # type: ignore[return-value]


def ok(content: object) -> MergeResult:
    return MergeResult(content, False, ())


def clash(*conflicts: Conflict) -> MergeResult:
    return MergeResult(None, True, conflicts)


# --- text ------------------------------------------------------------------------------------

TEXT = [
    pytest.param("a\nb\nc\n", "A\nb\nc\n", "a\nb\nC\n", ok("A\nb\nC\n"), id="disjoint edits"),
    pytest.param("a\nb\nc\n", "A\nb\nc\n", "A\nb\nc\n", ok("A\nb\nc\n"), id="same edit once"),
    pytest.param(
        "a\nb\nc\n",
        "a\nB\nc\n",
        "a\nc\n",
        clash(Conflict("lines[1:2]", "b\n", "B\n", "")),
        id="edit against delete",
    ),
    pytest.param(
        "a\nb\nc\n",
        "A\nb\nc\n",
        "Z\nb\nc\n",
        clash(Conflict("lines[0:1]", "a\n", "A\n", "Z\n")),
        id="overlapping edits",
    ),
    pytest.param(
        "a\nb\n",
        "a\nt\nb\n",
        "a\ny\nb\n",
        clash(Conflict("lines[1:1]", "", "t\n", "y\n")),
        id="insertions at one place",
    ),
    pytest.param("a\nb", "a\nb\nc", "x\nb", ok("x\nb\nc"), id="append after unterminated line"),
    pytest.param("a\nb", "a\nb\n", "x\nb", ok("x\nb\n"), id="one side adds the final newline"),
    pytest.param("a\nb\n", "a\nb", "x\nb\n", ok("x\nb"), id="one side drops the final newline"),
    pytest.param("", "Wizja\n", "", ok("Wizja\n"), id="theirs writes an empty section"),
    pytest.param("", "", "Misja", ok("Misja"), id="yours writes an empty section"),
    pytest.param(
        "",
        "Wizja\n",
        "Misja\n",
        clash(Conflict("lines[0:0]", "", "Wizja\n", "Misja\n")),
        id="both write an empty section",
    ),
    pytest.param(
        "# Wizja\n\nKlaster rośnie.\n\n# Misja\n\nWspieramy firmy.\n",
        "# Wizja\n\nKlaster rośnie szybko.\n\n# Misja\n\nWspieramy firmy.\n",
        "# Wizja\n\nKlaster rośnie.\n\n# Misja\n\nWspieramy firmy i uczelnie.\n\n# Cele\n",
        ok("# Wizja\n\nKlaster rośnie szybko.\n\n# Misja\n\nWspieramy firmy i uczelnie.\n\n# Cele\n"),
        id="markdown paragraphs",
    ),
    pytest.param("a\nb\nc\n", "", "a\nb\nc\n", ok(""), id="theirs cleared it"),
]


@pytest.mark.parametrize(("base", "theirs", "yours", "expected"), TEXT)
def test_text_merge(base: str, theirs: str, yours: str, expected: MergeResult) -> None:
    assert merge("text", base, theirs, yours) == expected


def test_text_conflicts_are_all_reported() -> None:
    result = merge("text", "a\nb\nc\nd\ne\n", "A\nb\nc\nd\nE\n", "Z\nb\nc\nd\nY\n")
    assert result.conflict and result.content is None
    assert [c.path for c in result.conflicts] == ["lines[0:1]", "lines[4:5]"]
    assert result.conflicts[1].as_dict() == {
        "path": "lines[4:5]",
        "base": "e\n",
        "theirs": "E\n",
        "yours": "Y\n",
    }


def test_long_text_with_blank_lines_merges_disjoint_paragraphs() -> None:
    paragraphs = [f"Akapit {i}: klaster i jego członkowie.\n" for i in range(400)]
    base = "\n".join(paragraphs)
    theirs = base.replace("Akapit 10:", "Akapit dziesiąty:")
    yours = base.replace("Akapit 390:", "Akapit 390 (poprawiony):")
    result = merge("text", base, theirs, yours)
    assert not result.conflict
    assert result.content == theirs.replace("Akapit 390:", "Akapit 390 (poprawiony):")


# --- swot ------------------------------------------------------------------------------------

SWOTS = [
    pytest.param(
        swot(strengths=["a"]),
        swot(strengths=["a", "t"]),
        swot(strengths=["a", "y"]),
        ok(swot(strengths=["a", "t", "y"])),
        id="both add at the end: both kept, theirs first",
    ),
    pytest.param(
        swot(strengths=["a"]),
        swot(strengths=["a", "n"]),
        swot(strengths=["a", "n"]),
        ok(swot(strengths=["a", "n"])),
        id="same addition once",
    ),
    pytest.param(
        swot(threats=["a", "b", "c"]),
        swot(threats=["A", "b", "c"]),
        swot(threats=["a", "b", "C"]),
        ok(swot(threats=["A", "b", "C"])),
        id="disjoint edits",
    ),
    pytest.param(
        swot(threats=["a", "b"]),
        swot(threats=["A", "b"]),
        swot(threats=["a", "B"]),
        ok(swot(threats=["A", "B"])),
        id="neighbouring items edited in place",
    ),
    pytest.param(
        swot(weaknesses=["a", "b"]),
        swot(weaknesses=["a", "B1"]),
        swot(weaknesses=["a", "B2"]),
        clash(Conflict("weaknesses[1:2]", ["b"], ["B1"], ["B2"])),
        id="one item edited differently",
    ),
    pytest.param(
        swot(opportunities=["a", "b", "c"]),
        swot(opportunities=["a", "c"]),
        swot(opportunities=["a", "b!", "c"]),
        clash(Conflict("opportunities[1:2]", ["b"], [], ["b!"])),
        id="deleted against edited",
    ),
    pytest.param(
        swot(strengths=["s"], threats=["t"]),
        swot(strengths=["s", "s2"], threats=["t"]),
        swot(strengths=["s"], threats=[]),
        ok(swot(strengths=["s", "s2"], threats=[])),
        id="different lists",
    ),
]


@pytest.mark.parametrize(("base", "theirs", "yours", "expected"), SWOTS)
def test_swot_merge(base: dict, theirs: dict, yours: dict, expected: MergeResult) -> None:
    assert merge("swot", base, theirs, yours) == expected


# --- action plan, kpi ----------------------------------------------------------------------

BASE_ROWS = rows(
    {"id": "a1", "action": "Targi", "budget_pln": "10000", "start": "2025-03-01"},
    {"id": "a2", "action": "Szkolenia", "owner": "ACME"},
)
A1, A2 = BASE_ROWS
NEW_A3 = {**A2, "id": "a3", "action": "Misja gospodarcza", "owner": ""}


def test_fields_changed_on_different_sides_are_both_kept() -> None:
    theirs = [{**A1, "budget_pln": "12000.00"}, A2]
    yours = [{**A1, "owner": "Uczelnia"}, {**A2, "kpi": "Liczba szkoleń"}]
    expected = [
        {**A1, "budget_pln": "12000.00", "owner": "Uczelnia"},
        {**A2, "kpi": "Liczba szkoleń"},
    ]
    assert merge("action_plan", BASE_ROWS, theirs, yours) == ok(expected)


def test_one_field_changed_differently_is_a_conflict_at_its_path() -> None:
    theirs = [{**A1, "budget_pln": "12000.00"}, A2]
    yours = [{**A1, "budget_pln": "15000.00", "owner": "Uczelnia"}, A2]
    assert merge("action_plan", BASE_ROWS, theirs, yours) == clash(
        Conflict("action_plan[a1].budget_pln", "10000.00", "12000.00", "15000.00")
    )


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    both = [{**A1, "budget_pln": "12000.00"}, A2]
    assert merge("action_plan", BASE_ROWS, both, copy.deepcopy(both)) == ok(both)


def test_deleted_and_unchanged_is_deleted() -> None:
    assert merge("action_plan", BASE_ROWS, [A1], BASE_ROWS) == ok([A1])
    assert merge("action_plan", BASE_ROWS, BASE_ROWS, [A2]) == ok([A2])


def test_deleted_on_one_side_and_changed_on_the_other_is_a_conflict() -> None:
    changed = {**A2, "owner": "Nowy"}
    assert merge("action_plan", BASE_ROWS, [A1], [A1, changed]) == clash(
        Conflict("action_plan[a2]", A2, None, changed)
    )
    assert merge("action_plan", BASE_ROWS, [A1, changed], [A1]) == clash(
        Conflict("action_plan[a2]", A2, changed, None)
    )


def test_rows_added_on_both_sides_are_both_kept_theirs_first() -> None:
    # Both editors' new rows were numbered "a3"; yours is renumbered, not lost.
    mine = {**NEW_A3, "action": "Hackathon"}
    result = merge("action_plan", BASE_ROWS, [*BASE_ROWS, NEW_A3], [*BASE_ROWS, mine])
    assert result == ok([*BASE_ROWS, NEW_A3, {**mine, "id": "a4"}])


def test_an_identical_row_added_on_both_sides_is_kept_once() -> None:
    result = merge("action_plan", BASE_ROWS, [*BASE_ROWS, NEW_A3], [*BASE_ROWS, NEW_A3])
    assert result == ok([*BASE_ROWS, NEW_A3])


def test_your_addition_stays_where_you_put_it() -> None:
    theirs = [{**A1, "owner": "X"}, A2]
    yours = [A1, NEW_A3, A2]
    assert merge("action_plan", BASE_ROWS, theirs, yours) == ok([theirs[0], NEW_A3, A2])


def test_order_follows_the_side_that_reordered() -> None:
    edited = {**A1, "owner": "Y"}
    assert merge("action_plan", BASE_ROWS, [A2, A1], [edited, A2]) == ok([A2, edited])
    assert merge("action_plan", BASE_ROWS, [edited, A2, NEW_A3], [A2, A1]) == ok([A2, edited, NEW_A3])


def test_merged_dates_that_end_before_they_start_are_a_conflict() -> None:
    base = rows({"id": "a1", "start": "2025-01-01", "end": "2025-06-30"})
    theirs = [{**base[0], "start": "2025-05-01"}]
    yours = [{**base[0], "end": "2025-03-31"}]
    assert merge("action_plan", base, theirs, yours) == clash(
        Conflict("action_plan[a1].end", "2025-06-30", "2025-06-30", "2025-03-31")
    )


def test_kpi_merge_by_field() -> None:
    base = normalize_content("kpi", [{"id": "k1", "indicator": "Eksport", "year": 2030}])
    theirs = [{**base[0], "year": 2028}]
    yours = [{**base[0], "year": 2029, "unit": "%"}]
    assert merge("kpi", base, theirs, yours) == clash(Conflict("kpi[k1].year", 2030, 2028, 2029))
    assert merge("kpi", base, theirs, [{**base[0], "unit": "%"}]) == ok(
        [{**base[0], "year": 2028, "unit": "%"}]
    )


# --- goals -----------------------------------------------------------------------------------

BASE_GOALS = goals(
    {
        "id": "g1",
        "title": "Eksport",
        "objectives": [{"id": "o1", "title": "Targi"}, {"id": "o2", "title": "B2B"}],
    },
    {"id": "g2", "title": "Kadry", "objectives": [{"id": "o3", "title": "Staże"}]},
)
G1, G2 = BASE_GOALS
O1, O2 = G1["objectives"]
O3 = G2["objectives"][0]


def goal(base: dict, *objectives: dict, **fields: object) -> dict:
    return {**base, **fields, "objectives": list(objectives)}


def test_objectives_merge_inside_their_goal() -> None:
    theirs = [goal(G1, O1, O2, {"id": "o4", "title": "Misje", "description": ""}), G2]
    yours = [goal(G1, {**O1, "description": "co roku"}, O2, title="Eksport i marka"), G2]
    expected = [
        goal(
            G1,
            {**O1, "description": "co roku"},
            O2,
            {"id": "o4", "title": "Misje", "description": ""},
            title="Eksport i marka",
        ),
        G2,
    ]
    assert merge("goals", BASE_GOALS, theirs, yours) == ok(expected)


def test_objective_field_conflict_has_the_nested_path() -> None:
    theirs = [goal(G1, O1, {**O2, "title": "B2B online"}), G2]
    yours = [goal(G1, O1, {**O2, "title": "Kojarzenie B2B"}), G2]
    assert merge("goals", BASE_GOALS, theirs, yours) == clash(
        Conflict("goals[g1].objectives[o2].title", "B2B", "B2B online", "Kojarzenie B2B")
    )


def test_goal_deleted_while_an_objective_was_added_is_a_conflict() -> None:
    grown = goal(G2, O3, {"id": "o4", "title": "Doktoraty", "description": ""})
    assert merge("goals", BASE_GOALS, [G1], [G1, grown]) == clash(Conflict("goals[g2]", G2, None, grown))


def test_objective_moved_on_one_side_is_moved() -> None:
    theirs = [goal(G1, O1), goal(G2, O3, O2)]
    yours = [goal(G1, O1, O2, title="Eksport!"), G2]
    assert merge("goals", BASE_GOALS, theirs, yours) == ok([goal(G1, O1, title="Eksport!"), goal(G2, O3, O2)])


def test_objective_moved_into_different_goals_is_a_conflict() -> None:
    g3 = {"id": "g3", "title": "Marka", "description": "", "objectives": []}
    base = [*BASE_GOALS, g3]
    theirs = [goal(G1, O1), G2, goal(g3, O2)]
    yours = [goal(G1, O1), goal(G2, O3, O2), g3]
    assert merge("goals", base, theirs, yours) == clash(Conflict("goals[g3].objectives[o2]", O2, O2, O2))


def test_goals_added_on_both_sides_renumber_yours_with_their_objectives() -> None:
    new_theirs = {"id": "g3", "title": "Marka", "description": "", "objectives": []}
    new_theirs["objectives"] = [{"id": "o4", "title": "Logo", "description": ""}]
    new_yours = {"id": "g3", "title": "Cyfryzacja", "description": "", "objectives": []}
    new_yours["objectives"] = [{"id": "o4", "title": "ERP", "description": ""}]
    result = merge("goals", BASE_GOALS, [*BASE_GOALS, new_theirs], [*BASE_GOALS, new_yours])
    renumbered = goal(new_yours, {"id": "o5", "title": "ERP", "description": ""}, id="g4")
    assert result == ok([*BASE_GOALS, new_theirs, renumbered])
    assert normalize_content("goals", result.content) == result.content


# --- errors and the result -------------------------------------------------------------------


def test_merge_refuses_what_it_cannot_merge() -> None:
    with pytest.raises(ContentError) as err:
        merge("poem", "", "", "")
    assert err.value.code == "unknown_kind"
    with pytest.raises(ContentError) as err:
        merge("text", "", None, "")
    assert err.value.code == "not_a_string"
    with pytest.raises(ContentError) as err:
        merge("kpi", [], [{"unit": "%"}], [])
    assert (err.value.field, err.value.code) == ("[0].id", "missing_field")
    with pytest.raises(ContentError) as err:
        merge("swot", SWOT, SWOT, {**SWOT, "threats": "none"})
    assert (err.value.field, err.value.code) == ("threats", "not_a_list")


def test_the_merged_content_shares_nothing_with_the_inputs() -> None:
    theirs = [{**A1, "owner": "X"}, A2]
    result = merge("action_plan", BASE_ROWS, theirs, BASE_ROWS)
    result.content[0]["owner"] = "changed"  # type: ignore[index]
    assert theirs[0]["owner"] == "X" and A1["owner"] == ""


# --- laws ------------------------------------------------------------------------------------

LINE = st.sampled_from(["a\n", "b\n", "c\n", "\n", "# T\n", "- x\n"])
TEXTS = st.lists(LINE, max_size=12).map("".join) | st.text(alphabet="ab\n", max_size=12)


@settings(max_examples=300, deadline=None)
@given(TEXTS, TEXTS)
def test_text_laws(base: str, other: str) -> None:
    assert merge("text", base, base, other) == ok(other)
    assert merge("text", base, other, base) == ok(other)
    assert merge("text", base, other, other) == ok(other)


@st.composite
def disjoint_text_edits(draw: st.DrawFn) -> tuple[list[str], list[str], list[str], list[str]]:
    """A base of distinct lines, two replacements of line ranges with a line between.

    New lines never repeat a base line: "line 0" inserted after "line 0" could as well
    have been inserted before it, and then it touches the other side's range (as in
    every version control system, repeated lines make the alignment ambiguous).
    """
    size = draw(st.integers(3, 12))
    base = [f"line {i}\n" for i in range(size)]
    i1 = draw(st.integers(0, size - 2))
    j1 = draw(st.integers(i1, size - 2))
    i2 = draw(st.integers(j1 + 1, size - 1))
    j2 = draw(st.integers(i2, size))
    new_lines = st.lists(st.sampled_from(["\n", "nowy\n", "- x\n"]), max_size=3)
    theirs_part, yours_part = draw(new_lines), draw(new_lines)
    if draw(st.booleans()):  # the first range may be either side's
        theirs = base[:i1] + theirs_part + base[j1:]
        yours = base[:i2] + yours_part + base[j2:]
        expected = base[:i1] + theirs_part + base[j1:i2] + yours_part + base[j2:]
    else:
        yours = base[:i1] + yours_part + base[j1:]
        theirs = base[:i2] + theirs_part + base[j2:]
        expected = base[:i1] + yours_part + base[j1:i2] + theirs_part + base[j2:]
    return base, theirs, yours, expected


@settings(max_examples=300, deadline=None)
@given(disjoint_text_edits())
def test_text_edits_to_separate_line_ranges_are_both_kept(
    case: tuple[list[str], list[str], list[str], list[str]],
) -> None:
    base, theirs, yours, expected = ("".join(lines) for lines in case)
    assert merge("text", base, theirs, yours) == ok(expected)


SWOT_LISTS = st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=5)
SWOTS_ANY = st.fixed_dictionaries({key: SWOT_LISTS for key in SWOT})


@settings(max_examples=200, deadline=None)
@given(SWOTS_ANY, SWOTS_ANY)
def test_swot_laws(base: dict, other: dict) -> None:
    assert merge("swot", base, base, other) == ok(other)
    assert merge("swot", base, other, base) == ok(other)
    assert merge("swot", base, other, other) == ok(other)


def _field_text() -> st.SearchStrategy[str]:
    return st.sampled_from(["", "x", "y", "Targi", "ACME"])


@st.composite
def action_plans(draw: st.DrawFn) -> list[dict]:
    ids = draw(st.lists(st.sampled_from([f"a{i}" for i in range(1, 7)]), unique=True, max_size=5))
    items = [
        {
            "id": item_id,
            "action": draw(_field_text()),
            "owner": draw(_field_text()),
            "budget_pln": draw(st.sampled_from(["", "10.00", "20.00"])),
        }
        for item_id in ids
    ]
    return normalize_content("action_plan", items)  # type: ignore[return-value]


@st.composite
def goal_lists(draw: st.DrawFn) -> list[dict]:
    goal_ids = draw(st.lists(st.sampled_from(["g1", "g2", "g3", "g4"]), unique=True, max_size=3))
    objective_ids = draw(st.permutations([f"o{i}" for i in range(1, 7)]))
    items = []
    for goal_id in goal_ids:
        count = draw(st.integers(0, 2))
        owned, objective_ids = objective_ids[:count], objective_ids[count:]
        items.append(
            {
                "id": goal_id,
                "title": draw(_field_text()),
                "objectives": [{"id": o, "title": draw(_field_text())} for o in owned],
            }
        )
    return normalize_content("goals", items)  # type: ignore[return-value]


@settings(max_examples=200, deadline=None)
@given(action_plans(), action_plans())
def test_action_plan_laws(base: list[dict], other: list[dict]) -> None:
    assert merge("action_plan", base, base, other) == ok(other)
    assert merge("action_plan", base, other, base) == ok(other)
    assert merge("action_plan", base, other, other) == ok(other)


@settings(max_examples=200, deadline=None)
@given(goal_lists(), goal_lists())
def test_goals_laws(base: list[dict], other: list[dict]) -> None:
    assert merge("goals", base, base, other) == ok(other)
    assert merge("goals", base, other, base) == ok(other)
    assert merge("goals", base, other, other) == ok(other)


@settings(max_examples=200, deadline=None)
@given(action_plans(), st.data())
def test_edits_to_different_rows_are_both_kept(base: list[dict], data: st.DataObject) -> None:
    """Theirs edits some rows and adds one, yours edits the others and adds one."""
    ids = [row["id"] for row in base]
    mine = set(data.draw(st.lists(st.sampled_from(ids), unique=True)) if ids else [])
    theirs = [{**row, "owner": "T"} if row["id"] not in mine else row for row in base]
    yours = [{**row, "action": "Y"} if row["id"] in mine else row for row in base]
    theirs += normalize_content("action_plan", [*theirs, {"kpi": "theirs"}])[-1:]
    yours += normalize_content("action_plan", [*yours, {"kpi": "yours"}])[-1:]
    result = merge("action_plan", base, theirs, yours)
    assert not result.conflict
    merged = {row["id"]: row for row in result.content}  # type: ignore[union-attr]
    for row in base:
        expected = {**row, "action": "Y"} if row["id"] in mine else {**row, "owner": "T"}
        assert merged[row["id"]] == expected
    assert [row["kpi"] for row in result.content][-2:] == ["theirs", "yours"]  # type: ignore[union-attr]
    assert normalize_content("action_plan", result.content) == result.content


@settings(max_examples=200, deadline=None)
@given(goal_lists(), goal_lists(), goal_lists())
def test_a_result_is_either_merged_valid_content_or_conflicts(
    base: list[dict], theirs: list[dict], yours: list[dict]
) -> None:
    result = merge("goals", base, theirs, yours)
    assert result.conflict == bool(result.conflicts)
    if result.conflict:
        assert result.content is None
    else:
        assert normalize_content("goals", result.content) == result.content
