"""What a section of an uploaded file proposes (webapp/uploads/reconcile.py), as a table:
edits land on the version's own content, ids and untouched fields kept."""

from __future__ import annotations

import copy

import pytest

from webapp.uploads.reconcile import amount, iso_date, proposed_content
from worker.renderer.document import build_document
from worker.renderer.reader import marked_sections, read_blocks

GOALS = [
    {
        "id": "g1",
        "title": "Eksport",
        "description": "Więcej sprzedaży za granicą.",
        "objectives": [{"id": "g1o1", "title": "Targi", "description": "Udział w targach."}],
    }
]
KPI = [
    {"id": "k1", "indicator": "Liczba firm", "unit": "szt.", "baseline": "10", "target": "20", "year": 2030},
    {"id": "k2", "indicator": "Eksport", "unit": "mln zł", "baseline": "5", "target": "8", "year": 2029},
]
PLAN = [
    {
        "id": "a1",
        "action": "Misja do Niemiec",
        "objective_id": "g1o1",
        "owner": "Biuro",
        "start": "2027-03-01",
        "end": "2027-06-30",
        "budget_pln": "125000.50",
        "funding_source": "FEnIKS",
        "kpi": "Liczba firm",
        "baseline": "0",
        "target": "12",
    }
]


def _sections(kind: str, content: object, key: str = "s") -> dict:
    snapshot = {
        "language": "pl",
        "stages": [
            {
                "key": "x",
                "sections": [
                    {"key": "goals", "kind": "goals", "content": GOALS, "revision": 1},
                    {"key": key, "kind": kind, "content": content, "revision": 3},
                ],
            }
        ],
    }
    return marked_sections(read_blocks(build_document(snapshot, charts=False)))


def _propose(kind: str, before: object, after: object) -> object:
    old, new = _sections(kind, before), _sections(kind, after)
    return proposed_content(kind, before, old["s"].blocks, new["s"].blocks, goals=GOALS)


def test_unchanged_sections_propose_nothing():
    for kind, content in (("kpi", KPI), ("action_plan", PLAN), ("goals", GOALS), ("text", "A *b*.")):
        assert _propose(kind, content, content) is None, kind


def test_a_changed_kpi_keeps_its_id_and_untouched_fields():
    edited = copy.deepcopy(KPI)
    edited[1]["target"] = "9,5"
    edited.append({"indicator": "Nowy", "unit": "%", "baseline": "1", "target": "2", "year": 2028})
    made = _propose("kpi", KPI, edited)
    assert made[0] == KPI[0]
    assert made[1] == {**KPI[1], "target": "9,5"}
    assert made[2] == {"indicator": "Nowy", "unit": "%", "baseline": "1", "target": "2", "year": 2028}


def test_action_fields_read_back_from_how_they_are_printed():
    edited = copy.deepcopy(PLAN)
    edited[0]["owner"] = "Zarząd"
    edited.append({**PLAN[0], "id": "a2", "action": "Misja do Francji", "budget_pln": "99.99"})
    made = _propose("action_plan", PLAN, edited)
    assert made[0] == {**PLAN[0], "owner": "Zarząd"}
    new = made[1]
    assert "id" not in new
    assert (new["start"], new["end"], new["budget_pln"], new["objective_id"]) == (
        "2027-03-01",
        "2027-06-30",
        "99.99",
        "g1o1",
    )


def test_a_goal_and_its_objective_keep_their_ids():
    edited = copy.deepcopy(GOALS)
    edited[0]["objectives"][0]["title"] = "Targi branżowe"
    edited[0]["objectives"].append({"id": "zz", "title": "Misje", "description": ""})
    made = _propose("goals", GOALS, edited)
    assert made[0]["id"] == "g1" and made[0]["title"] == "Eksport"
    assert made[0]["objectives"][0] == {**GOALS[0]["objectives"][0], "title": "Targi branżowe"}
    assert made[0]["objectives"][1] == {"title": "Misje", "description": ""}


def test_text_edits_land_on_the_source_markdown():
    source = "Pierwszy akapit z snake_case.\n\nDrugi akapit."
    new = "Pierwszy akapit z snake_case.\n\nDrugi akapit, poprawiony."
    assert _propose("text", source, new) == "Pierwszy akapit z snake_case.\n\nDrugi akapit, poprawiony."


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("1 234,50 zł", "pl", "1234.50"),
        ("1\xa0234\xa0567,00\xa0zł", "pl", "1234567.00"),
        ("PLN 1,234.50", "en", "1234.50"),
        ("nie wiadomo", "pl", "nie wiadomo"),
    ],
)
def test_amounts(text, language, expected):
    assert amount(text, language) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01.04.2027", "2027-04-01"),
        ("1/4/2027", "2027-04-01"),
        ("2027-04-01", "2027-04-01"),
        ("wiosna", "wiosna"),
    ],
)
def test_dates(text, expected):
    assert iso_date(text) == expected
