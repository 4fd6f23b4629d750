"""The kinds of section a strategy is made of (docs/api.md, "Section content by kind")."""

from __future__ import annotations

from enum import StrEnum


class SectionKind(StrEnum):
    TEXT = "text"
    SWOT = "swot"
    GOALS = "goals"
    ACTION_PLAN = "action_plan"
    KPI = "kpi"


SECTION_KINDS: tuple[str, ...] = tuple(k.value for k in SectionKind)

#: Organisation kinds, in the order the source document counts them.
ORGANISATION_KINDS: tuple[str, ...] = ("enterprise", "business_support", "science", "other")
