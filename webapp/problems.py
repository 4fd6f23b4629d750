"""Errors that operations raise for bad input; views turn them into 4xx answers."""

from __future__ import annotations


class Invalid(ValueError):
    """Input that cannot be accepted (422). `message` is already in the person's language."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Duplicate(ValueError):
    """Something that must be unique already exists (409)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
