"""Completeness checks on a strategy's structured sections.

A strategy holds together when every goal has objectives, every objective an action and
every action an owner, dates and a KPI (docs/design.md). These checks find where it does not,
for the editor to show and, on sections whose definition says so, to keep a stage from
being submitted. Content is whatever was saved (docs/api.md, "Section content by
kind"); malformed content yields no problems here rather than an exception, since
validating it is the content module's job.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from workflows.definition import WorkflowDefinition
from workflows.kinds import SectionKind

#: Problem codes and where they are reported.
PROBLEM_CODES: dict[str, str] = {
    "goal_without_objective": "a goal (goals section) has no operational objective",
    "objective_without_action": "an objective is served by no action (action_plan section)",
    "action_without_owner": "an action names no owner organisation",
    "action_without_dates": "an action lacks a start or end date (params: missing)",
    "action_without_kpi": "an action names no KPI",
    "action_unknown_objective": "an action serves no known objective (params: objective_id)",
    "action_end_before_start": "an action ends before it starts (params: start, end)",
}


@dataclass(frozen=True)
class Problem:
    code: str
    section_key: str
    #: The goal, objective or action concerned (its "id"), None if it has none.
    item_id: str | None = None
    params: tuple[tuple[str, object], ...] = ()
    #: Where the item stands, counted from 1 as people count rows: (action,), (goal,) or
    #: (goal, objective) — "Działanie 7", "Cel operacyjny 2.1". Empty when unknown.
    #: Not part of equality: the same problem stays the same when rows move.
    position: tuple[int, ...] = field(default=(), compare=False)

    def param(self, name: str, default: object = None) -> object:
        return dict(self.params).get(name, default)


def _items(content: object) -> list[dict]:
    if not isinstance(content, list):
        return []
    return [item for item in content if isinstance(item, dict)]


def _id(item: Mapping) -> str | None:
    value = item.get("id")
    return None if _blank(value) else str(value)


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict):
        return not value
    return False


def _date(value: object) -> date | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


def _sections_of(sections: Mapping[str, tuple[str, object]], kind: str) -> list[tuple[str, object]]:
    found = []
    for key, value in sections.items():
        if isinstance(value, tuple | list) and len(value) == 2 and value[0] == kind:
            found.append((key, value[1]))
    return found


def _check_goals(
    key: str, content: object, objective_ids: list[str], positions: dict[str, tuple[int, ...]]
) -> list[Problem]:
    problems = []
    for number, goal in enumerate(_items(content), start=1):
        objectives = _items(goal.get("objectives"))
        if not objectives:
            title = goal.get("title") if isinstance(goal.get("title"), str) else ""
            problems.append(
                Problem("goal_without_objective", key, _id(goal), (("title", title),), position=(number,))
            )
        for sub, objective in enumerate(objectives, start=1):
            objective_id = _id(objective)
            if objective_id is not None:
                objective_ids.append(objective_id)
                positions.setdefault(objective_id, (number, sub))
    return problems


def _check_action(key: str, action: dict, objective_ids: set[str] | None, number: int) -> list[Problem]:
    item = _id(action)
    at = (number,)
    problems = []
    if _blank(action.get("owner")):
        problems.append(Problem("action_without_owner", key, item, position=at))
    start, end = _date(action.get("start")), _date(action.get("end"))
    missing = tuple(name for name, d in (("start", start), ("end", end)) if d is None)
    if missing:
        problems.append(Problem("action_without_dates", key, item, (("missing", missing),), at))
    if _blank(action.get("kpi")):
        problems.append(Problem("action_without_kpi", key, item, position=at))
    objective = action.get("objective_id")
    objective = None if _blank(objective) else str(objective)
    if objective_ids is not None and objective not in objective_ids:
        params = (("objective_id", objective),)
        problems.append(Problem("action_unknown_objective", key, item, params, at))
    if start is not None and end is not None and end < start:
        params = (("start", start.isoformat()), ("end", end.isoformat()))
        problems.append(Problem("action_end_before_start", key, item, params, at))
    return problems


def check_strategy(sections: Mapping[str, tuple[str, object]]) -> list[Problem]:
    """Every completeness problem of a strategy, given section key -> (kind, content).

    Objective links are checked only when the strategy has a goals section: without one
    there is nothing an action could be expected to serve.
    """
    problems: list[Problem] = []
    objective_ids: list[str] = []
    positions: dict[str, tuple[int, ...]] = {}
    goals_sections = _sections_of(sections, SectionKind.GOALS)
    for key, content in goals_sections:
        problems.extend(_check_goals(key, content, objective_ids, positions))
    known = set(objective_ids) if goals_sections else None
    served: set[str] = set()
    plans = _sections_of(sections, SectionKind.ACTION_PLAN)
    for key, content in plans:
        for number, action in enumerate(_items(content), start=1):
            problems.extend(_check_action(key, action, known, number))
            objective = action.get("objective_id")
            if not _blank(objective):
                served.add(str(objective))
    if plans:
        plan_key = plans[0][0]
        for objective in dict.fromkeys(objective_ids):
            if objective not in served:
                at = positions.get(objective, ())
                problems.append(Problem("objective_without_action", plan_key, objective, position=at))
    return problems


def blocking_problems(
    definition: WorkflowDefinition, stage_key: str, problems: Iterable[Problem]
) -> list[Problem]:
    """The problems that keep this stage from being submitted.

    Only sections of the stage whose definition sets ``checks_block_submit`` block: on
    other sections the problems are advice, shown but not enforced.
    """
    stage = definition.stage(stage_key)
    blocking = {sec.key for sec in stage.sections if sec.checks_block_submit}
    return [p for p in problems if p.section_key in blocking]
