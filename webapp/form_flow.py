"""The flow of a page with a form: validate the POST, call an operation, then redirect or
show the form again.

The status says what happened, the same on every page: 200 for the form as first shown,
422 for input the form or a check refuses, the `Problem`'s own status (409 for a duplicate
or a stale edit, 422 for invalid input) for what the operation refuses. Any 4xx answer
rolls the request's transaction back (webapp.transaction), so a refusal writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash, redirect
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from webapp.problems import Problem

T = TypeVar("T")

#: Fields a person does not see (the meeting's version, the CSRF token): a refusal naming
#: one is shown as a message above the form instead.
HIDDEN_TYPES = frozenset({"HiddenField", "CSRFTokenField"})


def show_problem(form: FlaskForm, problem: Problem) -> int:
    """Put an operation's refusal at the field it names, or above the form when the form
    shows no such field; the status to answer with."""
    field = getattr(form, problem.field, None)
    if field is not None and field.type not in HIDDEN_TYPES:
        field.errors = [*field.errors, problem.message]
    else:
        flash(problem.message, "danger")
    return problem.status


def flash_redirect(message: str, url: str) -> Response:
    """The usual answer to a form that went through: say so on the next page."""
    flash(message, "success")
    return redirect(url)


def handle_form(
    form: FlaskForm,
    operation: Callable[[], T],
    *,
    done: Callable[[T], ResponseReturnValue],
    render: Callable[[int], ResponseReturnValue],
    checks: Callable[[], bool] | None = None,
) -> ResponseReturnValue:
    """Run `operation` for a valid submitted form and answer with `done(its result)`;
    otherwise answer with `render(status)`, the form carrying the reasons.

    `checks` run after the form validates and before the operation (the password asked
    again, a rule about the person's own account); one that says no has already put its
    reason on the form, and the answer is 422.
    """
    if not form.validate_on_submit():
        return render(422 if form.is_submitted() else 200)
    if checks is not None and not checks():
        return render(422)
    try:
        result = operation()
    except Problem as problem:
        return render(show_problem(form, problem))
    return done(result)
