"""The one commit point: every request, task and CLI verb commits or rolls back here.

Operations are verbs that flush; nothing else in the app commits. A request commits when
its view answers without an error and rolls back otherwise (an exception, or a 4xx/5xx
answer), so a refused form never leaves half a record behind. Two needs go beyond that:

- `keep_when_refused()`: a write that must stand although the answer is a refusal (a
  failed password counts towards the sign-in limit even though the answer is 401).
- `after_commit(fn)`: a side effect outside the database (a task for the worker) that
  must only happen once the data it refers to is visible to other processes.

`hand_off()` ends the unit of work early, for the rare view whose answer depends on
what happened after the commit (the document request says whether the worker was told).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, Response, g, has_app_context
from werkzeug.exceptions import HTTPException

from webapp.extensions import db

_AFTER_COMMIT = "_after_commit"
_KEEP_REFUSED = "_keep_when_refused"


def after_commit(callback: Callable[[], object]) -> None:
    """Run `callback` once the current unit of work is committed (never if it rolls back)."""
    g.setdefault(_AFTER_COMMIT, []).append(callback)


def keep_when_refused() -> None:
    """Commit the current request's writes even if its answer is a refusal."""
    g.setdefault(_KEEP_REFUSED, True)


def _complete() -> None:
    db.session.commit()
    callbacks = g.pop(_AFTER_COMMIT, []) if has_app_context() else []
    for callback in callbacks:
        callback()


def _rollback() -> None:
    db.session.rollback()
    if has_app_context():
        g.pop(_AFTER_COMMIT, None)


def hand_off() -> None:
    """Commit what is done so far and run its after-commit callbacks, now."""
    _complete()


@contextmanager
def unit_of_work() -> Iterator[None]:
    """One transaction: committed when the block ends, rolled back when it raises.

    Tasks and CLI verbs use it (a task may run several in a row, e.g. to show progress).
    """
    try:
        yield
    except BaseException:
        _rollback()
        raise
    _complete()


def _refusal_kept() -> bool:
    return bool(g.pop(_KEEP_REFUSED, False))


def dispatch_in_transaction(app: Flask, dispatch: Callable[[], Any]) -> Response:
    """Run a view and settle its transaction from the outcome (see the module's docstring).

    Inside dispatch, so that an error while committing (a full disk, a conflict found at
    COMMIT) reaches the error handlers like any other error of the view.
    """
    try:
        response = app.make_response(dispatch())
    except HTTPException:
        if _refusal_kept():
            _complete()
        else:
            _rollback()
        raise
    except BaseException:
        _rollback()
        raise
    if response.status_code < 400 or _refusal_kept():
        _complete()
    else:
        _rollback()
    return response
