"""Errors that operations raise for bad input; views turn them into 4xx answers.

Each kind carries its HTTP status (and the API's error code), so that every page and
every API route answers the same refusal the same way: a clash 409, bad input 422.
"""

from __future__ import annotations


class Problem(ValueError):
    """A refusal naming the field at fault; `message` is already in the person's language."""

    status: int = 422
    code: str = "invalid"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Invalid(Problem):
    """Input that cannot be accepted."""

    status = 422
    code = "invalid"


def checked_text(field: str, value: object, maximum: int, *, required: bool) -> str:
    """A person's free text (a comment, a note, a reason), stripped, or `Invalid` at `field`."""
    from flask_babel import gettext as _  # problems.py stays importable without an app

    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(field, _("This must be text."))
    if "\x00" in value:
        # PostgreSQL's text cannot hold NUL; refuse it rather than fail on saving.
        raise Invalid(field, _("The text holds a character that is not allowed."))
    text = value.strip()
    if required and not text:
        raise Invalid(field, _("Write something first."))
    if len(text) > maximum:
        raise Invalid(field, _("At most %(max)s characters, please.", max=maximum))
    return text


class Duplicate(Problem):
    """Something that must be unique already exists."""

    status = 409
    code = "duplicate"


class Stale(Problem):
    """What the person edited was changed by someone else meanwhile; nothing saved."""

    status = 409
    code = "conflict"


class WrongState(Problem):
    """The object is not in a state that allows this now (a draft published); nothing done.

    `code` names the reason for API clients ("not_final", "not_ready")."""

    status = 409
    code = "wrong_state"

    def __init__(self, field: str, message: str, code: str | None = None) -> None:
        super().__init__(field, message)
        if code:
            self.code = code
