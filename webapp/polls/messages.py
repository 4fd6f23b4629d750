"""The problems of `workflows.polls`, worded for people in their language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_babel import gettext as _
from flask_babel import ngettext

from webapp.models import Poll
from workflows import polls as rules
from workflows.polls import Problem


def problem_message(problem: Problem, labels: Mapping[int, str] | None = None) -> str:
    """One sentence per problem; an option is named by its label where it is known."""
    params = dict(problem.params)
    option = params.get("option")
    if labels is not None and isinstance(option, int) and option in labels:
        params["option"] = f"„{labels[option]}”"
    code = problem.code
    if code == "wrong_shape":
        return _("This vote does not have the form this poll takes (expected: %(expected)s).", **params)
    if code == "unknown_option":
        return _("%(option)s is not one of this poll's options.", option=params["option"])
    if code == "empty":
        return _("Nothing was chosen: the vote was not counted.")
    if code == "too_many_dots":
        return ngettext(
            "You placed %(given)d dots, but only %(num)d dot may be placed.",
            "You placed %(given)d dots, but only %(num)d dots may be placed.",
            int(params["allowed"]),
            given=params["given"],
        )
    if code == "too_many_on_option":
        return ngettext(
            "At most %(num)d dot may go to one option (%(option)s has %(given)d).",
            "At most %(num)d dots may go to one option (%(option)s has %(given)d).",
            int(params["allowed"]),
            option=params["option"],
            given=params["given"],
        )
    if code == "negative":
        return _("The number of dots for %(option)s cannot be negative.", option=params["option"])
    if code == "ranking_repeat":
        return _("%(option)s is ranked more than once.", option=params["option"])
    if code == "choice_repeat":
        return _("%(option)s is chosen more than once.", option=params["option"])
    if code == "score_out_of_range":
        return _("A score is a whole number from 0 to 5 (%(option)s has %(given)s).", **params)
    if code == "too_many_choices":
        return _("Only one option may be chosen in this poll.")
    if code == "too_few_options":
        return _("A poll needs at least %(min)d options.", **params)
    if code == "too_many_options":
        return _("A poll may have at most %(max)d options.", **params)
    if code == "duplicate_option":
        return _("The option „%(label)s” is given twice.", **params)
    if code == "dots_needed":
        return _("Give each voter between 1 and %(max)d dots.", **params)
    if code == "max_per_option_range":
        return _("The most dots on one option is between 1 and the number of dots (%(max)d).", **params)
    if code == "closes_before_opens":
        return _("The poll must close after it opens.")
    return code


def problems_message(problems: Iterable[Problem], labels: Mapping[int, str] | None = None) -> str:
    return " ".join(problem_message(p, labels) for p in problems)


def rule_text(poll: Poll) -> str:
    """The counting rule in one sentence, as the page and the document show it."""
    n = len(poll.options)
    if poll.kind == rules.PollKind.DOT:
        if poll.max_per_option:
            return _(
                "Dot vote: each voter spreads up to %(dots)d dots, at most %(max)d on one option; "
                "an option's total is its dots.",
                dots=poll.dots or 0,
                max=poll.max_per_option,
            )
        return _(
            "Dot vote: each voter spreads up to %(dots)d dots; an option's total is its dots.",
            dots=poll.dots or 0,
        )
    if poll.kind == rules.PollKind.RANKING:
        return _(
            "Ranking, Borda count: first place earns %(n)d points, each next place one point fewer, "
            "an option left unranked 0.",
            n=n,
        )
    if poll.kind == rules.PollKind.SCORE:
        return _("Score: each voter gives an option 0 to 5 points; an option's total is the sum.")
    if poll.multiple:
        return _("Choice: each voter chooses one or more options; an option's total is the number of voters.")
    return _("Choice: each voter chooses one option; an option's total is the number of voters.")
