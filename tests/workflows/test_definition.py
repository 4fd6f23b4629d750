"""Workflow definitions: the default one matches docs/design.md, broken ones are refused by name."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from workflows.definition import (
    DEFINITIONS_DIR,
    VERSION_REUSED,
    DefinitionError,
    Localized,
    QuorumRule,
    WorkflowDefinition,
    default_definition,
    definition_to_dict,
    load_definition,
    load_definitions,
    parse_definition,
    stored_version_problem,
)

#: docs/design.md, "The strategy and its workflow": the default definition's table.
DESIGN_TABLE = [
    ("diagnosis", "profile", "text", "Profil klastra", "Cluster profile"),
    ("diagnosis", "members", "text", "Członkowie i łańcuch wartości", "Members and value chain"),
    (
        "diagnosis",
        "context",
        "text",
        "Otoczenie, specjalizacje regionu, konkurencja",
        "Context, regional specialisations, competitors",
    ),
    ("diagnosis", "swot", "swot", "Analiza SWOT", "SWOT analysis"),
    ("goals", "vision", "text", "Wizja", "Vision"),
    ("goals", "mission", "text", "Misja", "Mission"),
    (
        "goals",
        "goals",
        "goals",
        "Cele strategiczne i operacyjne",
        "Strategic and operational goals",
    ),
    ("actions", "action_plan", "action_plan", "Plan działań", "Action plan"),
    ("actions", "financing", "text", "Finansowanie", "Financing"),
    ("actions", "governance", "text", "Zarządzanie klastrem", "Governance"),
    ("actions", "risks", "text", "Ryzyka", "Risks"),
    ("actions", "kpi", "kpi", "Monitorowanie i wskaźniki", "Monitoring and indicators"),
    ("approval", "summary", "text", "Podsumowanie i rekomendacje", "Summary and recommendations"),
]
REQUIRED = {"profile", "members", "swot", "vision", "mission", "goals", "action_plan", "kpi"}
REQUIRED |= {"summary"}


def test_default_matches_the_design_table() -> None:
    defn = default_definition()
    assert defn.key == "default"
    assert defn.version == 2
    assert defn.source == "default.yaml"
    assert defn.stage_keys == ("diagnosis", "goals", "actions", "approval")
    rows = [
        (stage.key, sec.key, sec.kind, sec.title.pl, sec.title.en)
        for stage in defn.stages
        for sec in stage.sections
    ]
    assert rows == DESIGN_TABLE
    assert {s.key for s in defn.all_sections() if s.required} == REQUIRED
    assert {s.key for s in defn.all_sections() if s.checks_block_submit} == {"goals", "action_plan"}
    assert [s.key for s in defn.stages if s.signoff] == ["approval"]
    assert defn.signoff_stage == defn.stage("approval")
    assert defn.title == Localized("Strategia rozwoju klastra", "Cluster development strategy")
    assert defn.quorum == QuorumRule(0.5, ("enterprise", "business_support", "science"))


def test_default_speaks_both_languages() -> None:
    defn = default_definition()
    texts = [defn.title]
    for stage in defn.stages:
        texts += [stage.title, stage.description]
        for sec in stage.sections:
            texts += [sec.title, sec.guidance]
            assert sec.guidance.pl != sec.guidance.en
            assert 1 <= sec.guidance.en.count(". ") + 1 <= 3, sec.key
    for text in texts:
        assert text.pl.strip() and text.en.strip()


def test_localized_get_falls_back_to_polish() -> None:
    text = Localized("Wizja", "Vision")
    assert text.get("pl") == "Wizja"
    assert text.get("en") == "Vision"
    assert text.get("en_GB") == "Vision"
    assert text.get("de") == "Wizja"
    assert text.get("") == "Wizja"
    assert Localized("Wizja", "").get("en") == "Wizja"


def test_lookup_helpers() -> None:
    defn = default_definition()
    stage, section = defn.section("swot")
    assert (stage.key, section.kind) == ("diagnosis", "swot")
    assert defn.stage_of_section("kpi").key == "actions"
    assert defn.stage("goals").sections[2].key == "goals"
    assert defn.stage_index("actions") == 2
    assert len(defn.all_sections()) == 13
    with pytest.raises(KeyError):
        defn.stage("nope")
    with pytest.raises(KeyError):
        defn.section("nope")
    assert default_definition() is defn


def test_round_trip_through_json_is_exact() -> None:
    defn = default_definition()
    data = json.loads(json.dumps(definition_to_dict(defn)))
    again = parse_definition(data, "stored")
    assert again == defn
    assert definition_to_dict(again) == definition_to_dict(defn)
    assert again.source == "stored"


def test_optional_fields_take_defaults_and_round_trip() -> None:
    data = {
        "key": "mini",
        "version": 3,
        "title": {"pl": "Mini", "en": "Mini"},
        "stages": [{"key": "only", "title": {"pl": "Jedyny", "en": "Only"}, "sections": []}],
    }
    defn = parse_definition(data, "mini.yaml")
    assert defn.quorum == QuorumRule()
    assert defn.signoff_stage is None
    assert defn.stages[0].description == Localized("", "")
    assert parse_definition(definition_to_dict(defn), "x") == defn
    data["quorum"] = {"min_share": 1}
    assert parse_definition(data, "mini.yaml").quorum.min_share == 1.0


def _default_data() -> dict:
    return copy.deepcopy(definition_to_dict(default_definition()))


def _set(path: tuple, value: object):
    def mutate(data: dict) -> None:
        target = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return mutate


def _delete(path: tuple):
    def mutate(data: dict) -> None:
        target = data
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return mutate


VISION = "stages[1] 'goals' / sections[0] 'vision'"
MEMBERS = "stages[0] 'diagnosis' / sections[1] 'members'"
S = "stages"
BROKEN = [
    ("kind", _set((S, 1, "sections", 0, "kind"), "essay"), VISION, "kind"),
    ("kind_none", _set((S, 1, "sections", 0, "kind"), None), VISION, "kind"),
    ("unknown_top", _set(("author",), "me"), "", "author"),
    ("unknown_section", _set((S, 0, "sections", 1, "requried"), True), MEMBERS, "requried"),
    ("unknown_lang", _set((S, 0, "title", "de"), "Diagnose"), "stages[0] 'diagnosis'", "title.de"),
    ("no_stage_title", _delete((S, 0, "title")), "stages[0] 'diagnosis'", "title"),
    ("empty_en_title", _set((S, 1, "sections", 0, "title", "en"), " "), VISION, "title.en"),
    ("no_pl_title", _delete((S, 1, "sections", 0, "title", "pl")), VISION, "title.pl"),
    ("empty_top_title", _set(("title", "pl"), ""), "", "title.pl"),
    ("guidance_number", _set((S, 1, "sections", 0, "guidance", "pl"), 7), VISION, "guidance.pl"),
    ("bad_stage_key", _set((S, 1, "key"), "Goals"), "stages[1] 'Goals'", "key"),
    ("stage_key_hyphen", _set((S, 1, "key"), "go-als"), "stages[1] 'go-als'", "key"),
    ("stage_key_number", _set((S, 1, "key"), 5), "stages[1]", "key"),
    ("dup_stage", _set((S, 2, "key"), "goals"), "stages[2] 'goals'", "key"),
    (
        "dup_section",
        _set((S, 2, "sections", 0, "key"), "swot"),
        "stages[2] 'actions' / sections[0] 'swot'",
        "key",
    ),
    (
        "no_section_key",
        _delete((S, 1, "sections", 0, "key")),
        "stages[1] 'goals' / sections[0]",
        "key",
    ),
    ("no_stages", _set((S,), []), "", "stages"),
    ("stages_mapping", _set((S,), {"a": 1}), "", "stages"),
    ("stage_not_mapping", _set((S, 1), "goals"), "stages[1]", None),
    ("sections_not_list", _set((S, 0, "sections"), "profile"), "stages[0] 'diagnosis'", "sections"),
    ("version_zero", _set(("version",), 0), "", "version"),
    ("version_text", _set(("version",), "1"), "", "version"),
    ("version_bool", _set(("version",), True), "", "version"),
    ("no_version", _delete(("version",)), "", "version"),
    ("no_key", _delete(("key",)), "", "key"),
    ("signoff_early", _set((S, 0, "signoff"), True), "stages[0] 'diagnosis'", "signoff"),
    ("required_text", _set((S, 0, "sections", 1, "required"), "yes"), MEMBERS, "required"),
    (
        "blocks_number",
        _set((S, 0, "sections", 1, "checks_block_submit"), 1),
        MEMBERS,
        "checks_block_submit",
    ),
    ("share_zero", _set(("quorum", "min_share"), 0), "quorum", "min_share"),
    ("share_above_one", _set(("quorum", "min_share"), 1.5), "quorum", "min_share"),
    ("share_text", _set(("quorum", "min_share"), "half"), "quorum", "min_share"),
    ("share_nan", _set(("quorum", "min_share"), float("nan")), "quorum", "min_share"),
    (
        "kind_unknown",
        _set(("quorum", "required_kinds"), ["university"]),
        "quorum",
        "required_kinds",
    ),
    (
        "kind_twice",
        _set(("quorum", "required_kinds"), ["science", "science"]),
        "quorum",
        "required_kinds",
    ),
    ("kinds_text", _set(("quorum", "required_kinds"), "science"), "quorum", "required_kinds"),
    ("quorum_unknown", _set(("quorum", "majority"), True), "quorum", "majority"),
    ("gender_unknown", _set((S, 0, "gender"), "female"), "stages[0] 'diagnosis'", "gender"),
    ("gender_number", _set((S, 1, "sections", 0, "gender"), 2), VISION, "gender"),
    ("number_unknown", _set((S, 0, "sections", 1, "number"), "dual"), MEMBERS, "number"),
    ("number_none", _set((S, 0, "number"), None), "stages[0] 'diagnosis'", "number"),
]


@pytest.mark.parametrize(
    ("mutate", "where", "field"), [case[1:] for case in BROKEN], ids=[c[0] for c in BROKEN]
)
def test_broken_definition_is_refused_naming_file_place_and_field(
    tmp_path: Path, mutate, where: str, field: str | None
) -> None:
    data = _default_data()
    mutate(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_definition(path)
    error = info.value
    assert (error.source, error.where, error.field) == ("broken.yaml", where, field)
    assert str(error).startswith("broken.yaml: ")
    assert where in str(error)
    if field:
        assert f"field '{field}'" in str(error)
    assert isinstance(error, ValueError)


def test_error_message_reads_as_documented(tmp_path: Path) -> None:
    data = _default_data()
    data["stages"][1]["sections"][0]["kind"] = "essay"
    path = tmp_path / "default.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_definition(path)
    assert str(info.value) == (
        "default.yaml: stages[1] 'goals' / sections[0] 'vision': field 'kind': "
        "'essay' is not one of text, swot, goals, action_plan, kpi"
    )


def test_top_level_not_a_mapping() -> None:
    with pytest.raises(DefinitionError) as info:
        parse_definition(["a"], "cluster 7")
    assert (info.value.source, info.value.where, info.value.field) == ("cluster 7", "", None)
    assert str(info.value) == "cluster 7: expected a mapping, got a list"


@pytest.mark.parametrize(
    ("text", "needle"),
    [("key: [unclosed\n", "not valid YAML"), ("key: a\nkey: b\n", "given twice")],
)
def test_yaml_problems_name_the_file(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_definition(path)
    assert info.value.source == "bad.yaml"
    assert info.value.where.startswith("line ")
    assert needle in str(info.value)


def _write(directory: Path, name: str, data: dict) -> None:
    (directory / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_load_definitions_keys_by_key_newest_version_wins(tmp_path: Path) -> None:
    data = _default_data()
    _write(tmp_path, "a.yaml", data)
    _write(tmp_path, "b.yaml", {**data, "key": "agency", "version": 2})
    _write(tmp_path, "c.yaml", {**data, "key": "agency", "version": 1})
    (tmp_path / "notes.txt").write_text("not a definition", encoding="utf-8")
    found = load_definitions(tmp_path)
    assert sorted(found) == ["agency", "default"]
    assert found["agency"].version == 2
    assert found["agency"].source == "b.yaml"
    assert load_definitions(tmp_path / "empty") == {}


def test_load_definitions_refuses_the_same_key_and_version(tmp_path: Path) -> None:
    data = _default_data()
    _write(tmp_path, "a.yaml", data)
    _write(tmp_path, "b.yaml", data)
    with pytest.raises(DefinitionError) as info:
        load_definitions(tmp_path)
    assert (info.value.source, info.value.field) == ("b.yaml", "version")
    assert "a.yaml" in str(info.value)


def test_shipped_definitions_all_load() -> None:
    found = load_definitions(DEFINITIONS_DIR)
    assert "default" in found
    assert all(isinstance(d, WorkflowDefinition) for d in found.values())


def _strip_optional_fields(data: dict) -> None:
    """The default's body as a version written before the optional fields existed."""
    del data["quorum"]
    for stage in data["stages"]:
        del stage["description"], stage["signoff"]
        for section in stage["sections"]:
            del section["guidance"], section["required"], section["checks_block_submit"]


def _add_section(data: dict) -> None:
    data["stages"][0]["sections"].append(
        {"key": "extra", "kind": "text", "title": {"pl": "Dodatkowa", "en": "Extra"}}
    )


def _unchanged(data: dict) -> None:
    pass


def _stored_as(change) -> object:  # noqa: ANN001
    def stored(data: dict) -> dict:
        change(data)
        return data

    return stored


#: (case, the body stored under the key and version from the default's, the change made to
#: the default's body before it is offered under the same key and version, the answer).
STORED_VERSION_TABLE = [
    ("nothing stored yet", lambda d: None, _unchanged, None),
    ("the same body", _stored_as(_unchanged), _unchanged, None),
    ("the same body through JSON", lambda d: json.loads(json.dumps(d)), _unchanged, None),
    ("an old body, read today", _stored_as(_strip_optional_fields), _strip_optional_fields, None),
    ("a title changed", _stored_as(_unchanged), _set(("title", "en"), "Another title"), VERSION_REUSED),
    ("a section added", _stored_as(_unchanged), _add_section, VERSION_REUSED),
    (
        "a section made optional",
        _stored_as(_unchanged),
        _set(("stages", 0, "sections", 0, "required"), False),
        VERSION_REUSED,
    ),
    ("the quorum changed", _stored_as(_unchanged), _set(("quorum", "min_share"), 1.0), VERSION_REUSED),
    ("the optional fields differ", _stored_as(_strip_optional_fields), _unchanged, VERSION_REUSED),
    ("the stored body no longer reads", lambda d: {"key": d["key"]}, _unchanged, VERSION_REUSED),
]


@pytest.mark.parametrize(
    ("stored", "change", "expected"),
    [row[1:] for row in STORED_VERSION_TABLE],
    ids=[row[0] for row in STORED_VERSION_TABLE],
)
def test_a_stored_version_is_never_offered_with_another_body(stored, change, expected) -> None:
    offered = _default_data()
    change(offered)
    definition = parse_definition(offered, "offered.yaml")
    assert stored_version_problem(stored(_default_data()), definition) == expected


#: docs/design.md's titles with the agreement class their Polish takes ("Diagnoza
#: zatwierdzona", "Działania zatwierdzone", "Członkowie … zatwierdzeni").
AGREEMENT_TABLE = [
    ("stage", "diagnosis", "feminine"),
    ("stage", "goals", "plural"),
    ("stage", "actions", "plural"),
    ("stage", "approval", "neuter"),
    ("section", "profile", "masculine"),
    ("section", "members", "virile plural"),
    ("section", "context", "neuter"),
    ("section", "swot", "feminine"),
    ("section", "kpi", "plural"),
]


@pytest.mark.parametrize(("place", "key", "expected"), AGREEMENT_TABLE)
def test_default_titles_carry_their_grammar(place: str, key: str, expected: str) -> None:
    defn = default_definition()
    item = defn.stage(key) if place == "stage" else defn.section(key)[1]
    assert item.agreement == expected


def test_every_default_title_has_a_gender() -> None:
    defn = default_definition()
    assert all(item.gender for item in (*defn.stages, *defn.all_sections()))


def test_grammar_is_optional_and_kept_through_storage() -> None:
    data = _default_data()
    stage = data["stages"][0]
    del stage["gender"]
    stage["number"] = "plural"
    defn = parse_definition(data, "agency.yaml")
    assert (defn.stages[0].gender, defn.stages[0].number, defn.stages[0].agreement) == (
        None,
        "plural",
        "unknown",
    )
    assert parse_definition(json.loads(json.dumps(definition_to_dict(defn))), "x") == defn


def test_a_body_stored_without_grammar_is_not_the_version_with_it() -> None:
    """Version 1 was stored without the titles' grammar: the default with it is a new
    version, and a stored body must not be reused for it."""
    old = _default_data()
    for stage in old["stages"]:
        stage.pop("gender"), stage.pop("number", None)
        for section in stage["sections"]:
            section.pop("gender"), section.pop("number", None)
    assert stored_version_problem(old, default_definition()) == VERSION_REUSED
