"""Errors that operations raise for bad input; views turn them into 4xx answers."""

from __future__ import annotations


class Problem(ValueError):
    """A refusal naming the field at fault; `message` is already in the person's language."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Invalid(Problem):
    """Input that cannot be accepted (422)."""


class Duplicate(Problem):
    """Something that must be unique already exists (409)."""


class Stale(Problem):
    """What the person edited was changed by someone else meanwhile (409); nothing saved."""
