"""Say in the person's language what the engine's codes mean."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from webapp.i18n_labels import ORGANISATION_KIND_LABELS
from workflows.completeness import Problem
from workflows.stages import Unmet


def _stage_titles(keys: object, titles: dict[str, str]) -> str:
    return ", ".join(titles.get(f"stage:{k}", titles.get(k, k)) for k in (keys or ()))


def _section_titles(keys: object, titles: dict[str, str]) -> str:
    return ", ".join(titles.get(k, k) for k in (keys or ()))


def unmet_message(unmet: Unmet, titles: dict[str, str] | None = None) -> str:
    """One sentence for one unmet condition; `titles` maps section keys and "stage:KEY"
    to titles (see webapp.workflow.panels.titles)."""
    titles = titles or {}
    p = unmet.param
    code = unmet.code
    if code == "role_forbidden":
        return _("Your role in this cluster does not allow this.")
    if code == "invalid_transition":
        return _("This is not possible in the stage's current state (someone may have just changed it).")
    if code == "previous_stage_not_approved":
        return _(
            "Earlier stages must be approved first: %(stages)s.",
            stages=_stage_titles(p("stages"), titles),
        )
    if code == "required_sections_empty":
        count = int(p("count", 0))
        return ngettext(
            "%(num)d required section is empty: %(sections)s.",
            "%(num)d required sections are empty: %(sections)s.",
            count,
            sections=_section_titles(p("sections"), titles),
        )
    if code == "open_objections":
        return ngettext("%(num)d open objection.", "%(num)d open objections.", int(p("count", 0)))
    if code == "incomplete":
        return ngettext(
            "%(num)d completeness problem must be fixed.",
            "%(num)d completeness problems must be fixed.",
            int(p("count", 0)),
        )
    if code == "reason_required":
        return _("Give a reason.")
    if code == "reason_too_long":
        return _("The reason may have at most %(max)s characters.", max=p("max"))
    if code == "quorum_not_met":
        missing = ", ".join(str(ORGANISATION_KIND_LABELS.get(k, k)) for k in (p("missing_kinds") or ()))
        text = _(
            "Sign-offs: %(signed)s of the %(needed)s needed.",
            signed=p("signed", 0),
            needed=p("needed", "?"),
        )
        if missing:
            text += " " + _("Still missing a signature from: %(kinds)s.", kinds=missing)
        return text
    if code == "strategy_adopted":
        return _("The strategy is adopted: reopen the approval stage first.")
    if code == "awaiting_moderator":
        return _("Waiting for a moderator's review.")
    if code == "stage_locked":
        return _("Waiting to be opened by a moderator.")
    if code == "not_member_organisation":
        return _("Only representatives of the cluster's member organisations sign the strategy.")
    if code == "signing_closed":
        return _("Signing opens when every earlier stage is approved.")
    if code == "already_signed":
        return _("Your organisation has already signed.")
    if code == "signing_adopted":
        return _("The strategy is adopted: signing is closed.")
    if code == "not_signed":
        return _("Your organisation has not signed, so there is nothing to withdraw.")
    if code == "own_submission":
        return _("You submitted this stage yourself: another moderator approves it (four eyes).")
    if code == "nothing_to_confirm":
        return _("Nothing to confirm: no earlier change asks for a review of this stage.")
    return code


def _numbered(problem: Problem) -> str | None:
    """The sentence naming the item by its row ("Działanie 7 nie ma wskaźnika (KPI)")."""
    number = ".".join(str(n) for n in problem.position)
    code = problem.code
    if code == "goal_without_objective":
        return _("Strategic goal %(number)s has no operational objective.", number=number)
    if code == "objective_without_action":
        return _("Operational objective %(number)s is served by no action.", number=number)
    if code == "action_without_owner":
        return _("Action %(number)s has no owner organisation.", number=number)
    if code == "action_without_dates":
        missing = tuple(problem.param("missing") or ())
        if missing == ("start",):
            return _("Action %(number)s has no start date.", number=number)
        if missing == ("end",):
            return _("Action %(number)s has no end date.", number=number)
        return _("Action %(number)s has no start or end date.", number=number)
    if code == "action_without_kpi":
        return _("Action %(number)s has no indicator (KPI).", number=number)
    if code == "action_unknown_objective":
        return _("Action %(number)s names an operational objective that does not exist.", number=number)
    if code == "action_end_before_start":
        return _("Action %(number)s ends before it starts.", number=number)
    return None


def problem_message(problem: Problem) -> str:
    """One sentence naming the item (by its row number) and what it lacks."""
    if problem.position:
        numbered = _numbered(problem)
        if numbered is not None:
            return numbered
    code = problem.code
    messages = {
        "goal_without_objective": _("A strategic goal has no operational objective."),
        "objective_without_action": _("An operational objective is served by no action."),
        "action_without_owner": _("An action has no owner organisation."),
        "action_without_dates": _("An action has no start or end date."),
        "action_without_kpi": _("An action has no indicator (KPI)."),
        "action_unknown_objective": _("An action names an objective that does not exist."),
        "action_end_before_start": _("An action ends before it starts."),
    }
    return messages.get(code, code)


def problem_json(problem: Problem, titles: dict[str, str] | None = None) -> dict:
    """A completeness problem for the API: which section, which item, and the sentence."""
    titles = titles or {}
    return {
        "code": problem.code,
        "section": problem.section_key,
        "section_title": titles.get(problem.section_key, problem.section_key),
        "item": problem.item_id,
        "number": ".".join(str(n) for n in problem.position) or None,
        "message": problem_message(problem),
    }


def unmet_json(
    unmets: tuple[Unmet, ...],
    titles: dict[str, str] | None = None,
    problems: tuple[Problem, ...] | list[Problem] = (),
) -> list[dict]:
    """`[{"code", "message"}]` (docs/api.md); the `incomplete` entry also lists each
    problem with its section and item, so a client can point at the row."""
    entries = []
    for u in unmets:
        entry: dict = {"code": u.code, "message": unmet_message(u, titles)}
        if u.code == "incomplete" and problems:
            entry["problems"] = [problem_json(p, titles) for p in problems]
        entries.append(entry)
    return entries
