"""Workflow definitions as data: the stages of a strategy and the sections of each stage.

A definition is a YAML file under ``workflows/definitions/`` so an agency can add its own
without touching code. Everything in it is validated when it is loaded; a broken file is
refused with a :class:`DefinitionError` naming the file, the place and the field, because
a half-valid definition would only fail later, in front of a cluster's members.

A cluster keeps the definition it started with (as JSON, see :func:`definition_to_dict`),
so editing a YAML file never changes a strategy already under way.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import yaml

from workflows.grammar import GENDERS, NUMBERS, agreement
from workflows.kinds import ORGANISATION_KINDS, SECTION_KINDS

DEFINITIONS_DIR = Path(__file__).parent / "definitions"
DEFAULT_KEY = "default"
MAX_KEY_LENGTH = 64

_KEY_RE = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Localized:
    """A text the user reads, in Polish (the default) and English."""

    pl: str
    en: str

    def get(self, lang: str) -> str:
        """The text in ``lang`` ("en", "en_GB", ...); Polish for anything else or if empty."""
        if lang and lang.lower().startswith("en") and self.en:
            return self.en
        return self.pl


_EMPTY = Localized("", "")


@dataclass(frozen=True)
class SectionDef:
    key: str
    kind: str
    title: Localized
    guidance: Localized = _EMPTY
    required: bool = False
    #: Completeness problems on this section keep its stage from being submitted.
    checks_block_submit: bool = False
    #: Grammatical gender and number of the Polish title, so states agree with it
    #: ("Analiza SWOT zatwierdzona"); None: not given, the texts then need no agreement.
    gender: str | None = None
    number: str = "singular"

    @property
    def agreement(self) -> str:
        """The agreement class of the Polish title (`workflows.grammar`)."""
        return agreement(self.gender, self.number)


@dataclass(frozen=True)
class StageDef:
    key: str
    title: Localized
    description: Localized = _EMPTY
    sections: tuple[SectionDef, ...] = ()
    #: The approval stage: member organisations sign the strategy off there.
    signoff: bool = False
    #: Grammatical gender and number of the Polish title ("Działania": neuter, plural).
    gender: str | None = None
    number: str = "singular"

    @property
    def agreement(self) -> str:
        """The agreement class of the Polish title (`workflows.grammar`)."""
        return agreement(self.gender, self.number)


@dataclass(frozen=True)
class QuorumRule:
    """When the sign-offs adopt the strategy.

    More than ``min_share`` of the member organisations (strictly; 1.0 means all of
    them) must sign, with at least one of each required kind present in the cluster.
    """

    min_share: float = 0.5
    required_kinds: tuple[str, ...] = ("enterprise", "business_support", "science")


@dataclass(frozen=True)
class WorkflowDefinition:
    key: str
    version: int
    title: Localized
    stages: tuple[StageDef, ...]
    quorum: QuorumRule = QuorumRule()
    #: Where it was read from, for error messages; not part of equality.
    source: str = field(default="", compare=False)

    @property
    def stage_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.stages)

    @property
    def signoff_stage(self) -> StageDef | None:
        """The stage that collects sign-offs, if the definition has one (always the last)."""
        last = self.stages[-1] if self.stages else None
        return last if last is not None and last.signoff else None

    def stage(self, key: str) -> StageDef:
        """The stage with this key; KeyError if there is none."""
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise KeyError(key)

    def stage_index(self, key: str) -> int:
        """Position of the stage, so callers can tell earlier stages from later ones."""
        return self.stage_keys.index(self.stage(key).key)

    def section(self, key: str) -> tuple[StageDef, SectionDef]:
        """The section with this key and the stage holding it; KeyError if there is none."""
        for stage in self.stages:
            for section in stage.sections:
                if section.key == key:
                    return stage, section
        raise KeyError(key)

    def stage_of_section(self, key: str) -> StageDef:
        return self.section(key)[0]

    def all_sections(self) -> tuple[SectionDef, ...]:
        """Every section, in document order."""
        return tuple(sec for stage in self.stages for sec in stage.sections)


class DefinitionError(ValueError):
    """A definition that cannot be used, with the file, place and field to fix."""

    def __init__(self, source: str, where: str, field: str | None, message: str) -> None:
        self.source = source
        self.where = where
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [self.source or "<definition>"]
        if self.where:
            parts.append(self.where)
        if self.field:
            parts.append(f"field '{self.field}'")
        parts.append(self.message)
        return ": ".join(parts)


def _type_name(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


class _Parser:
    """Walks the raw data, remembering the file so every error can name it."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, field: str | None, message: str) -> NoReturn:
        raise DefinitionError(self.source, where, field, message)

    def mapping(
        self,
        value: object,
        where: str,
        prefix: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
    ) -> Mapping:
        if not isinstance(value, Mapping):
            self.fail(where, prefix or None, f"expected a mapping, got {_type_name(value)}")
        known = (*required, *optional)
        for name in value:
            if name not in known:
                path = f"{prefix}.{name}" if prefix else str(name)
                self.fail(where, path, f"unknown field (expected one of {', '.join(known)})")
        for name in required:
            if name not in value:
                self.fail(where, f"{prefix}.{name}" if prefix else name, "is required")
        return value

    def text(self, value: object, where: str, field: str, non_empty: bool) -> str:
        if not isinstance(value, str):
            self.fail(where, field, f"expected text, got {_type_name(value)}")
        if non_empty and not value.strip():
            self.fail(where, field, "must not be empty")
        return value

    def localized(self, value: object, where: str, field: str, non_empty: bool) -> Localized:
        data = self.mapping(value, where, field, ("pl", "en"))
        return Localized(
            pl=self.text(data["pl"], where, f"{field}.pl", non_empty),
            en=self.text(data["en"], where, f"{field}.en", non_empty),
        )

    def boolean(self, data: Mapping, where: str, field: str) -> bool:
        value = data.get(field, False)
        if not isinstance(value, bool):
            self.fail(where, field, f"expected true or false, got {_type_name(value)}")
        return value

    def grammar(self, data: Mapping, where: str) -> tuple[str | None, str]:
        """The Polish title's gender (optional: None) and number (singular by default)."""
        gender = data.get("gender")
        if gender is not None and (not isinstance(gender, str) or gender not in GENDERS):
            self.fail(where, "gender", f"{gender!r} is not one of {', '.join(GENDERS)}")
        number = data.get("number", "singular")
        if not isinstance(number, str) or number not in NUMBERS:
            self.fail(where, "number", f"{number!r} is not one of {', '.join(NUMBERS)}")
        return gender, number

    def key(self, value: object, where: str) -> str:
        if not isinstance(value, str):
            self.fail(where, "key", f"expected text, got {_type_name(value)}")
        if not _KEY_RE.fullmatch(value) or len(value) > MAX_KEY_LENGTH:
            self.fail(
                where,
                "key",
                f"{value!r} must be lowercase letters, digits and _, starting with a letter "
                f"(at most {MAX_KEY_LENGTH})",
            )
        return value

    def definition(self, value: object) -> WorkflowDefinition:
        data = self.mapping(value, "", "", ("key", "version", "title", "stages"), ("quorum",))
        key = self.key(data["key"], "")
        version = data["version"]
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.fail("", "version", f"must be a positive whole number, got {version!r}")
        title = self.localized(data["title"], "", "title", non_empty=True)
        stages = self.stages(data["stages"])
        quorum = self.quorum(data.get("quorum", {}))
        return WorkflowDefinition(key, version, title, stages, quorum, self.source)

    def stages(self, value: object) -> tuple[StageDef, ...]:
        if not isinstance(value, list) or not value:
            self.fail("", "stages", f"expected a non-empty list, got {_type_name(value)}")
        stage_seen: dict[str, str] = {}
        section_seen: dict[str, str] = {}
        stages = []
        for i, raw in enumerate(value):
            raw_key = raw.get("key") if isinstance(raw, Mapping) else None
            where = f"stages[{i}]" + (f" '{raw_key}'" if isinstance(raw_key, str) else "")
            stage = self.stage(raw, where, section_seen)
            if stage.key in stage_seen:
                self.fail(where, "key", f"'{stage.key}' is already used by {stage_seen[stage.key]}")
            stage_seen[stage.key] = where
            if stage.signoff and i != len(value) - 1:
                self.fail(where, "signoff", "only the last stage may collect sign-offs")
            stages.append(stage)
        return tuple(stages)

    def stage(self, value: object, where: str, section_seen: dict[str, str]) -> StageDef:
        data = self.mapping(
            value, where, "", ("key", "title", "sections"), ("description", "signoff", "gender", "number")
        )
        key = self.key(data["key"], where)
        title = self.localized(data["title"], where, "title", non_empty=True)
        description = _EMPTY
        if "description" in data:
            description = self.localized(data["description"], where, "description", False)
        raw_sections = data["sections"]
        if not isinstance(raw_sections, list):
            self.fail(where, "sections", f"expected a list, got {_type_name(raw_sections)}")
        sections = []
        for j, raw in enumerate(raw_sections):
            raw_key = raw.get("key") if isinstance(raw, Mapping) else None
            sec_where = f"{where} / sections[{j}]"
            sec_where += f" '{raw_key}'" if isinstance(raw_key, str) else ""
            section = self.section(raw, sec_where)
            if section.key in section_seen:
                first = section_seen[section.key]
                self.fail(sec_where, "key", f"'{section.key}' is already used by {first}")
            section_seen[section.key] = sec_where
            sections.append(section)
        signoff = self.boolean(data, where, "signoff")
        gender, number = self.grammar(data, where)
        return StageDef(key, title, description, tuple(sections), signoff, gender, number)

    def section(self, value: object, where: str) -> SectionDef:
        data = self.mapping(
            value,
            where,
            "",
            ("key", "kind", "title"),
            ("guidance", "required", "checks_block_submit", "gender", "number"),
        )
        key = self.key(data["key"], where)
        kind = data["kind"]
        if not isinstance(kind, str) or kind not in SECTION_KINDS:
            self.fail(where, "kind", f"{kind!r} is not one of {', '.join(SECTION_KINDS)}")
        title = self.localized(data["title"], where, "title", non_empty=True)
        guidance = _EMPTY
        if "guidance" in data:
            guidance = self.localized(data["guidance"], where, "guidance", non_empty=False)
        required = self.boolean(data, where, "required")
        blocks = self.boolean(data, where, "checks_block_submit")
        gender, number = self.grammar(data, where)
        return SectionDef(key, kind, title, guidance, required, blocks, gender, number)

    def quorum(self, value: object) -> QuorumRule:
        data = self.mapping(value, "quorum", "", (), ("min_share", "required_kinds"))
        default = QuorumRule()
        share = data.get("min_share", default.min_share)
        if (
            isinstance(share, bool)
            or not isinstance(share, int | float)
            or not math.isfinite(share)
            or not 0 < share <= 1
        ):
            self.fail("quorum", "min_share", f"must be a number in (0, 1], got {share!r}")
        kinds = data.get("required_kinds", list(default.required_kinds))
        if not isinstance(kinds, list):
            self.fail("quorum", "required_kinds", f"expected a list, got {_type_name(kinds)}")
        for kind in kinds:
            if not isinstance(kind, str) or kind not in ORGANISATION_KINDS:
                self.fail(
                    "quorum",
                    "required_kinds",
                    f"{kind!r} is not one of {', '.join(ORGANISATION_KINDS)}",
                )
        if len(set(kinds)) != len(kinds):
            self.fail("quorum", "required_kinds", "lists a kind twice")
        return QuorumRule(float(share), tuple(kinds))


def parse_definition(data: object, source: str) -> WorkflowDefinition:
    """Validate raw data (from YAML or stored JSON) into a definition, or refuse it whole."""
    return _Parser(source).definition(data)


class _StrictLoader(yaml.SafeLoader):
    """The safe loader, refusing a key given twice (YAML would silently keep the last)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict:
    loader.flatten_mapping(node)
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        try:
            duplicate = key in seen
            seen.add(key)
        except TypeError:  # an unhashable key: construct_mapping reports it
            continue
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} is given twice", key_node.start_mark
            )
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _load_yaml(text: str) -> object:
    loader = _StrictLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_definition(path: str | Path) -> WorkflowDefinition:
    """Read one YAML definition file; any problem becomes a DefinitionError naming it."""
    path = Path(path)
    try:
        data = _load_yaml(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise DefinitionError(path.name, "", None, f"is not UTF-8 text ({exc.reason})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise DefinitionError(path.name, where, None, f"is not valid YAML: {problem}") from exc
    return parse_definition(data, path.name)


def load_definitions(directory: Path = DEFINITIONS_DIR) -> dict[str, WorkflowDefinition]:
    """Every ``*.yaml`` in ``directory``, keyed by definition key (the newest version wins).

    The same key and version in two files is refused: which one a cluster got would
    otherwise depend on file names.
    """
    seen: dict[tuple[str, int], str] = {}
    result: dict[str, WorkflowDefinition] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        defn = load_definition(path)
        ident = (defn.key, defn.version)
        if ident in seen:
            raise DefinitionError(
                path.name,
                "",
                "version",
                f"'{defn.key}' version {defn.version} is already defined in {seen[ident]}",
            )
        seen[ident] = path.name
        if defn.key not in result or result[defn.key].version < defn.version:
            result[defn.key] = defn
    return result


@functools.cache
def default_definition() -> WorkflowDefinition:
    """The definition new clusters start with (read once per process)."""
    return load_definitions()[DEFAULT_KEY]


#: A stored definition differs from the one offered under the same key and version.
VERSION_REUSED = "definition_version_reused"


def stored_version_problem(stored_body: object, definition: WorkflowDefinition) -> str | None:
    """May a cluster start with `definition`, given the body already stored under its key
    and version (None when there is none)? A version is stored once and kept (clusters use
    the stored copy), so a file edited without a new version number is refused rather than
    silently standing for what was stored: ``VERSION_REUSED``, or None.

    Compared as definitions, not as JSON: a body stored before an optional field existed
    still equals the same definition read today.
    """
    if stored_body is None:
        return None
    try:
        stored = parse_definition(stored_body, f"stored {definition.key} v{definition.version}")
    except DefinitionError:
        return VERSION_REUSED  # unreadable now: certainly not what is offered
    return None if stored == definition else VERSION_REUSED


def _localized_dict(text: Localized) -> dict[str, str]:
    return {"pl": text.pl, "en": text.en}


def _grammar_dict(item: StageDef | SectionDef) -> dict[str, str]:
    # Left out when not given, so a body stored before these fields existed reads the same.
    given = {"gender": item.gender} if item.gender else {}
    return given | ({"number": item.number} if item.number != "singular" else {})


def definition_to_dict(defn: WorkflowDefinition) -> dict:
    """Plain JSON-able data; ``parse_definition`` turns it back into an equal definition."""
    return {
        "key": defn.key,
        "version": defn.version,
        "title": _localized_dict(defn.title),
        "quorum": {
            "min_share": defn.quorum.min_share,
            "required_kinds": list(defn.quorum.required_kinds),
        },
        "stages": [
            {
                "key": stage.key,
                "title": _localized_dict(stage.title),
                "description": _localized_dict(stage.description),
                "signoff": stage.signoff,
                **_grammar_dict(stage),
                "sections": [
                    {
                        "key": sec.key,
                        "kind": sec.kind,
                        "title": _localized_dict(sec.title),
                        "guidance": _localized_dict(sec.guidance),
                        "required": sec.required,
                        "checks_block_submit": sec.checks_block_submit,
                        **_grammar_dict(sec),
                    }
                    for sec in stage.sections
                ],
            }
            for stage in defn.stages
        ],
    }
