"""Section content validation and normalisation (workflows.content), as tables per kind."""

from __future__ import annotations

import pickle
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.content import (
    ERROR_CODES,
    MAX_FIELD_CHARS,
    MAX_ITEMS,
    MAX_TEXT_CHARS,
    ContentError,
    change_size,
    clean_string,
    empty_content,
    is_filled,
    normalize_content,
)
from workflows.kinds import SECTION_KINDS

EMPTY_ACTION = {
    "id": "a1",
    "action": "",
    "objective_id": "",
    "owner": "",
    "start": "",
    "end": "",
    "budget_pln": "",
    "funding_source": "",
    "kpi": "",
    "baseline": "",
    "target": "",
}
EMPTY_KPI = {"id": "k1", "indicator": "", "unit": "", "baseline": "", "target": "", "year": ""}
SWOT = {"strengths": [], "weaknesses": [], "opportunities": [], "threats": []}


def action(**fields: object) -> dict:
    return {**EMPTY_ACTION, **fields}


def budget(value: object) -> str:
    return normalize_content("action_plan", [{"budget_pln": value}])[0]["budget_pln"]


# --- good input, normalised ------------------------------------------------------------

GOOD = [
    # text
    ("text", "# Wizja\n\nKlaster *rośnie*.\n", "# Wizja\n\nKlaster *rośnie*.\n"),
    ("text", "", ""),
    ("text", "a\r\nb\rc", "a\nb\nc"),
    ("text", "  indented code\n", "  indented code\n"),
    ("text", "bell\x07 nul\x00 esc\x1b del\x7f c1\x85 tab\tok", "bell nul esc del c1 tab\tok"),
    ("text", "lone \ud800surrogate", "lone surrogate"),
    ("text", "za\u0301z\u0307o\u0301\u0142c\u0301", "záżół\u0107"),  # NFC
    # swot
    ("swot", SWOT, SWOT),
    (
        "swot",
        {
            "strengths": ["  Silne zaplecze B+R  ", "", "   "],
            "weaknesses": ["Mało\x00 eksportu"],
            "opportunities": ["RIS3\r\nMazowsze"],
            "threats": [],
        },
        {
            "strengths": ["Silne zaplecze B+R"],
            "weaknesses": ["Mało eksportu"],
            "opportunities": ["RIS3\nMazowsze"],
            "threats": [],
        },
    ),
    # goals
    ("goals", [], []),
    (
        "goals",
        [{"title": " Eksport ", "objectives": [{"title": "Targi"}, {"id": "o7", "title": "B2B"}]}],
        [
            {
                "id": "g1",
                "title": "Eksport",
                "description": "",
                "objectives": [
                    {"id": "o8", "title": "Targi", "description": ""},
                    {"id": "o7", "title": "B2B", "description": ""},
                ],
            }
        ],
    ),
    (
        "goals",
        [{"id": "g2", "objectives": None}, {"description": "opis\n- a\n- b"}],
        [
            {"id": "g2", "title": "", "description": "", "objectives": []},
            {"id": "g3", "title": "", "description": "opis\n- a\n- b", "objectives": []},
        ],
    ),
    # action_plan
    ("action_plan", [{}], [EMPTY_ACTION]),
    (
        "action_plan",
        [
            {
                "id": "a3",
                "action": "Wspólne stoisko na targach",
                "objective_id": "o1",
                "owner": "ACME sp. z o.o.",
                "start": "2025-03-01",
                "end": "2025-03-01",
                "budget_pln": "125 000,00 zł",
                "funding_source": "FEM 2021-2027",
                "kpi": "Liczba kontraktów",
                "baseline": 0,
                "target": 12,
            },
            {"action": "Druga", "start": None, "end": "", "budget_pln": None},
        ],
        [
            action(
                id="a3",
                action="Wspólne stoisko na targach",
                objective_id="o1",
                owner="ACME sp. z o.o.",
                start="2025-03-01",
                end="2025-03-01",
                budget_pln="125000.00",
                funding_source="FEM 2021-2027",
                kpi="Liczba kontraktów",
                baseline="0",
                target="12",
            ),
            action(id="a4", action="Druga"),
        ],
    ),
    (
        "action_plan",
        [{"start": date(2025, 1, 2), "end": " 2026-12-31 "}],
        [action(start="2025-01-02", end="2026-12-31")],
    ),
    # kpi
    ("kpi", [{}], [EMPTY_KPI]),
    (
        "kpi",
        [
            {"id": "k9", "indicator": "Eksport", "unit": "%", "baseline": 12.5, "target": "20"},
            {"year": "2030"},
            {"year": 1990},
            {"year": 2100, "baseline": 3.0},
        ],
        [
            {**EMPTY_KPI, "id": "k9", "indicator": "Eksport", "unit": "%", "baseline": "12.5"}
            | {"target": "20"},
            {**EMPTY_KPI, "id": "k10", "year": 2030},
            {**EMPTY_KPI, "id": "k11", "year": 1990},
            {**EMPTY_KPI, "id": "k12", "year": 2100, "baseline": "3"},
        ],
    ),
]


@pytest.mark.parametrize(("kind", "given", "expected"), GOOD)
def test_good_content_is_normalised(kind: str, given: object, expected: object) -> None:
    assert normalize_content(kind, given) == expected


@pytest.mark.parametrize(("kind", "given", "expected"), GOOD)
def test_normalising_twice_changes_nothing(kind: str, given: object, expected: object) -> None:
    assert normalize_content(kind, normalize_content(kind, given)) == expected


def test_the_result_is_a_copy_and_the_input_is_untouched() -> None:
    given = [{"title": "A", "objectives": [{"title": "B"}]}]
    result = normalize_content("goals", given)
    result[0]["objectives"][0]["title"] = "changed"
    assert given == [{"title": "A", "objectives": [{"title": "B"}]}]


def test_generated_ids_are_deterministic_and_above_the_highest_used() -> None:
    given = [{"action": "x"}, {"id": "a12"}, {"action": "y"}, {"id": "a3"}]
    first = normalize_content("action_plan", given)
    assert [item["id"] for item in first] == ["a13", "a12", "a14", "a3"]
    assert normalize_content("action_plan", given) == first


def test_goal_and_objective_ids_are_unique_across_the_content() -> None:
    given = [{"id": "g1", "objectives": [{"id": "x"}]}, {"id": "g2", "objectives": [{"id": "x"}]}]
    with pytest.raises(ContentError) as err:
        normalize_content("goals", given)
    assert (err.value.field, err.value.code, err.value.params) == (
        "goals[1].objectives[0].id",
        "duplicate_id",
        {"id": "x"},
    )


# --- budgets -------------------------------------------------------------------------------

BUDGETS = [
    ("1 234,50", "1234.50"),
    ("1234.5", "1234.50"),
    ("125000", "125000.00"),
    ("125 000,00 zł", "125000.00"),
    ("125\u00a0000 PLN", "125000.00"),
    ("1\u202f000\u202f000", "1000000.00"),
    ("+7", "7.00"),
    ("0", "0.00"),
    ("-0,00", "0.00"),
    (" 99,9 ", "99.90"),
    (125000, "125000.00"),
    (0.1 + 0.2, "0.30"),
    (1234.005, "1234.01"),
    (Decimal("10.125"), "10.13"),
    ("", ""),
    ("   ", ""),
]


@pytest.mark.parametrize(("given", "expected"), BUDGETS)
def test_budget_is_a_plain_decimal_with_two_places(given: object, expected: str) -> None:
    assert budget(given) == expected


BAD_BUDGETS = [
    ("-5", "negative"),
    ("-1 000,00", "negative"),
    (-0.01, "negative"),
    ("1,234", "invalid_number"),  # 1234 or 1.234? refused rather than guessed
    ("1.234,50", "invalid_number"),
    ("1,234.50", "invalid_number"),
    ("12 34", "invalid_number"),
    ("1e5", "invalid_number"),
    ("abc", "invalid_number"),
    ("12 zł 50 gr", "invalid_number"),
    (True, "invalid_number"),
    (float("nan"), "invalid_number"),
    (float("inf"), "invalid_number"),
    ([100], "invalid_number"),
    ("1 000 000 000 000", "too_large"),
    (10**15, "too_large"),
]


@pytest.mark.parametrize(("given", "code"), BAD_BUDGETS)
def test_bad_budget_is_refused(given: object, code: str) -> None:
    with pytest.raises(ContentError) as err:
        budget(given)
    assert (err.value.field, err.value.code) == ("action_plan[0].budget_pln", code)


# --- bad input ------------------------------------------------------------------------------

LONG_FIELD = "x" * (MAX_FIELD_CHARS + 1)

BAD = [
    # kind, content, field, code, params (None: not checked)
    ("nope", "", "", "unknown_kind", {"kind": "nope"}),
    # text
    ("text", None, "", "not_a_string", {}),
    ("text", ["a"], "", "not_a_string", {}),
    (
        "text",
        "x" * (MAX_TEXT_CHARS + 1),
        "",
        "too_long",
        {"max": MAX_TEXT_CHARS, "length": 100_001},
    ),
    ("text", "x" * 5_000_000, "", "too_long", {"max": MAX_TEXT_CHARS, "length": 5_000_000}),
    # swot
    ("swot", [], "", "not_an_object", {}),
    ("swot", {**SWOT, "risks": []}, "risks", "unknown_field", {"field": "risks"}),
    (
        "swot",
        {"strengths": ["a"]},
        "weaknesses",
        "missing_field",
        {"field": "weaknesses"},
    ),
    ("swot", {**SWOT, "threats": "war"}, "threats", "not_a_list", {}),
    ("swot", {**SWOT, "strengths": ["ok", 3]}, "strengths[1]", "not_a_string", {}),
    ("swot", {**SWOT, "strengths": [None]}, "strengths[0]", "not_a_string", {}),
    (
        "swot",
        {**SWOT, "opportunities": ["a", LONG_FIELD]},
        "opportunities[1]",
        "too_long",
        {"max": MAX_FIELD_CHARS, "length": MAX_FIELD_CHARS + 1},
    ),
    (
        "swot",
        {**SWOT, "strengths": ["s"] * (MAX_ITEMS + 1)},
        "strengths",
        "too_many_items",
        {"max": MAX_ITEMS, "count": MAX_ITEMS + 1},
    ),
    # goals
    ("goals", {}, "", "not_a_list", {}),
    ("goals", ["a goal"], "goals[0]", "not_an_object", {}),
    ("goals", [{"name": "x"}], "goals[0].name", "unknown_field", {"field": "name"}),
    ("goals", [{"title": 5}], "goals[0].title", "not_a_string", {}),
    ("goals", [{"objectives": "o1"}], "goals[0].objectives", "not_a_list", {}),
    (
        "goals",
        [{}, {"objectives": [{}, {"title": ["x"]}]}],
        "goals[1].objectives[1].title",
        "not_a_string",
        {},
    ),
    (
        "goals",
        [{"objectives": [{"kpi": "x"}]}],
        "goals[0].objectives[0].kpi",
        "unknown_field",
        {"field": "kpi"},
    ),
    ("goals", [{"id": "g1"}, {"id": "g1"}], "goals[1].id", "duplicate_id", {"id": "g1"}),
    ("goals", [{"id": 1}], "goals[0].id", "not_a_string", {}),
    ("goals", [{"id": "g 1"}], "goals[0].id", "invalid_id", {"value": "g 1"}),
    ("goals", [{"id": "x" * 65}], "goals[0].id", "invalid_id", None),
    (
        "goals",
        [{"description": LONG_FIELD}],
        "goals[0].description",
        "too_long",
        {"max": MAX_FIELD_CHARS, "length": MAX_FIELD_CHARS + 1},
    ),
    (
        "goals",
        [{}] * (MAX_ITEMS + 1),
        "",
        "too_many_items",
        {"max": MAX_ITEMS, "count": MAX_ITEMS + 1},
    ),
    (
        "goals",
        [{"objectives": [{}] * (MAX_ITEMS + 1)}],
        "goals[0].objectives",
        "too_many_items",
        {"max": MAX_ITEMS, "count": MAX_ITEMS + 1},
    ),
    # action_plan
    ("action_plan", "row", "", "not_a_list", {}),
    ("action_plan", [{}, [], {}], "action_plan[1]", "not_an_object", {}),
    (
        "action_plan",
        [{"budget": "5"}],
        "action_plan[0].budget",
        "unknown_field",
        {"field": "budget"},
    ),
    (
        "action_plan",
        [{}, {}, {}, {"budget_pln": "12,345"}],
        "action_plan[3].budget_pln",
        "invalid_number",
        {"value": "12,345"},
    ),
    ("action_plan", [{"owner": 7}], "action_plan[0].owner", "not_a_string", {}),
    ("action_plan", [{"start": "2025-13-01"}], "action_plan[0].start", "invalid_date", None),
    ("action_plan", [{"start": "2025-02-30"}], "action_plan[0].start", "invalid_date", None),
    ("action_plan", [{"end": "01.03.2025"}], "action_plan[0].end", "invalid_date", None),
    ("action_plan", [{"end": "20250301"}], "action_plan[0].end", "invalid_date", None),
    ("action_plan", [{"end": "2025-03-01T10:00"}], "action_plan[0].end", "invalid_date", None),
    ("action_plan", [{"start": 2025}], "action_plan[0].start", "invalid_date", {"value": "2025"}),
    ("action_plan", [{"end": "9999-12-31"}], "action_plan[0].end", "date_out_of_range", None),
    (
        "action_plan",
        [{"start": "1989-12-31"}],
        "action_plan[0].start",
        "date_out_of_range",
        {"value": "1989-12-31", "min": 1990, "max": 2100},
    ),
    (
        "action_plan",
        [{"start": "2025-06-01", "end": "2025-05-31"}],
        "action_plan[0].end",
        "end_before_start",
        {"start": "2025-06-01", "end": "2025-05-31"},
    ),
    (
        "action_plan",
        [{"objective_id": "o 1"}],
        "action_plan[0].objective_id",
        "invalid_id",
        {"value": "o 1"},
    ),
    ("action_plan", [{"baseline": True}], "action_plan[0].baseline", "not_a_string", {}),
    ("action_plan", [{"target": [1]}], "action_plan[0].target", "not_a_string", {}),
    # kpi
    ("kpi", [{"year": 1989}], "kpi[0].year", "invalid_year", {"value": "1989", "min": 1990}),
    ("kpi", [{"year": 2101}], "kpi[0].year", "invalid_year", None),
    ("kpi", [{"year": "2030r."}], "kpi[0].year", "invalid_year", None),
    ("kpi", [{"year": 2030.0}], "kpi[0].year", "invalid_year", None),
    ("kpi", [{"year": True}], "kpi[0].year", "invalid_year", None),
    ("kpi", [{"unit": None, "indicator": {}}], "kpi[0].indicator", "not_a_string", {}),
    ("kpi", [{"id": "k1"}, {"id": "k1"}], "kpi[1].id", "duplicate_id", {"id": "k1"}),
]


@pytest.mark.parametrize(("kind", "given", "field", "code", "params"), BAD)
def test_bad_content_is_refused(kind: str, given: object, field: str, code: str, params: dict | None) -> None:
    with pytest.raises(ContentError) as err:
        normalize_content(kind, given)
    assert (err.value.field, err.value.code) == (field, code)
    assert err.value.code in ERROR_CODES
    if params is not None:
        assert params.items() <= err.value.params.items()


def test_every_documented_code_is_exercised_by_the_tables() -> None:
    used = {row[3] for row in BAD} | {code for _, code in BAD_BUDGETS}
    assert used == set(ERROR_CODES)


def test_content_error_is_a_value_error_and_survives_pickling() -> None:
    error = ContentError("action_plan[3].budget_pln", "negative", {"value": "-5"})
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert isinstance(copy, ValueError)
    assert (copy.field, copy.code, copy.params) == error.args
    assert str(copy) == "action_plan[3].budget_pln: negative {'value': '-5'}"


def test_an_undocumented_code_is_a_programming_error() -> None:
    with pytest.raises(AssertionError):
        ContentError("", "no_such_code")


def test_control_characters_are_stripped_from_every_string_field() -> None:
    given = [{"action": "A\x00B", "owner": "\x1bACME\x7f", "kpi": "K\u0085PI\ud83d"}]
    result = normalize_content("action_plan", given)[0]
    assert (result["action"], result["owner"], result["kpi"]) == ("AB", "ACME", "KPI")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_clean_string_keeps_only_what_can_be_stored(text: str) -> None:
    cleaned = clean_string(text)
    assert "\r" not in cleaned
    assert all(ch in "\n\t" or not (ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F) for ch in cleaned)
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in cleaned)
    cleaned.encode("utf-8")  # storable, no lone surrogates
    assert clean_string(cleaned) == cleaned


_field_text = st.text(max_size=30) | st.none()


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "id": st.sampled_from(["", "a1", "a2", "x-9"]) | st.none(),
                "action": _field_text,
                "owner": _field_text,
                "budget_pln": st.integers(0, 10**9) | st.sampled_from(["", "1 234,50", "7"]),
            },
        ),
        max_size=6,
        unique_by=lambda item: item.get("id") or object(),
    )
)
def test_normalising_is_idempotent_and_ids_are_unique(items: list[dict]) -> None:
    once = normalize_content("action_plan", items)
    assert normalize_content("action_plan", once) == once
    ids = [item["id"] for item in once]
    assert len(set(ids)) == len(ids) and all(ids)


# --- empty, filled, change size ----------------------------------------------------------


@pytest.mark.parametrize("kind", SECTION_KINDS)
def test_empty_content_is_valid_and_not_filled(kind: str) -> None:
    empty = empty_content(kind)
    assert normalize_content(kind, empty) == empty
    assert not is_filled(kind, empty)


def test_empty_content_per_kind() -> None:
    assert empty_content("text") == ""
    assert empty_content("swot") == SWOT
    assert empty_content("goals") == empty_content("action_plan") == empty_content("kpi") == []
    assert empty_content("swot") is not empty_content("swot")


FILLED = [
    ("text", "Wizja", True),
    ("text", " \n\t ", False),
    ("text", None, False),
    ("swot", {**SWOT, "threats": ["Konkurencja"]}, True),
    ("swot", {**SWOT, "threats": ["  "]}, False),
    ("swot", "strengths", False),
    ("goals", [{"id": "g1"}], True),
    ("action_plan", [], False),
    ("kpi", [{"id": "k1"}], True),
    ("kpi", {"id": "k1"}, False),
]


@pytest.mark.parametrize(("kind", "content", "filled"), FILLED)
def test_is_filled(kind: str, content: object, filled: bool) -> None:
    assert is_filled(kind, content) is filled


def test_unknown_kind_is_refused_everywhere() -> None:
    for call in (
        lambda: empty_content("essay"),
        lambda: is_filled("essay", ""),
        lambda: change_size("essay", "", ""),
    ):
        with pytest.raises(ContentError) as err:
            call()
        assert (err.value.code, err.value.params) == ("unknown_kind", {"kind": "essay"})


def test_change_size_of_text_counts_inserted_and_deleted_characters() -> None:
    assert change_size("text", "Ala ma kota.", "Ala ma kota.") == 0
    assert change_size("text", "Ala ma kota.", "Ala ma kota i psa.") == len(" i psa")
    assert change_size("text", "Ala ma kota.", "Ala ma psa.") == len("kota") + len("psa")
    assert change_size("text", None, "abc") == 3


def test_change_size_of_structured_content() -> None:
    old = normalize_content("action_plan", [{"id": "a1", "action": "Targi", "budget_pln": "10"}])
    new = [{**old[0], "budget_pln": "20.00"}, {**EMPTY_ACTION, "id": "a2", "owner": "ACME"}]
    # "10.00" -> "20.00": the token "10" out, "20" in; the new row holds "a2" and "ACME".
    assert change_size("action_plan", old, new) == 4 + 6
    assert change_size("action_plan", new, old) == 10
    swapped = normalize_content("action_plan", [{"id": "a2"}, {"id": "a1"}])
    assert change_size("action_plan", swapped[::-1], swapped) == 0
    swot_old = {**SWOT, "strengths": ["B+R"]}
    swot_new = {**SWOT, "strengths": ["B+R", "Kadry"], "threats": ["Wojna"]}
    assert change_size("swot", swot_old, swot_new) == len("Kadry") + len("Wojna")
    kpi_old = [{**EMPTY_KPI, "year": 2030}]
    assert change_size("kpi", kpi_old, [{**EMPTY_KPI, "year": 2031}]) == 8
    assert change_size("kpi", None, kpi_old) == len("k1") + len("2030")
