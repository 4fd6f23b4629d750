"""Content errors and read-only reasons, in the person's language."""

from __future__ import annotations

from flask_babel import gettext as _

from workflows.content import ContentError


def content_error_message(error: ContentError, where: str | None = None) -> str:
    """The refusal in words; ``where`` names the field for people ("Działanie 11 · Koniec"),
    else the API's path is used (``action_plan[10].end``), which programs read."""
    field = where or error.field or _("the content")
    limit = error.params.get("max", "?")
    messages = {
        "not_a_string": _("%(field)s must be text.", field=field),
        "not_a_list": _("%(field)s must be a list.", field=field),
        "not_an_object": _("%(field)s must be a set of fields.", field=field),
        "missing_field": _("%(field)s is missing.", field=field),
        "unknown_field": _("%(field)s is not a field of this section.", field=field),
        "too_long": _("%(field)s is too long (at most %(max)s characters).", field=field, max=limit),
        "too_many_items": _("%(field)s has too many items (at most %(max)s).", field=field, max=limit),
        "invalid_date": _("%(field)s is not a valid date (use YYYY-MM-DD).", field=field),
        "date_out_of_range": _(
            "%(field)s: give a date between the years %(min)s and %(max)s.",
            field=field,
            min=error.params.get("min", "?"),
            max=limit,
        ),
        "end_before_start": _("%(field)s: the end date is before the start date.", field=field),
        "invalid_number": _("%(field)s is not a valid amount.", field=field),
        "negative": _("%(field)s may not be negative.", field=field),
        "invalid_year": _("%(field)s is not a valid year.", field=field),
        "duplicate_id": _("%(field)s repeats an identifier used elsewhere.", field=field),
        "unknown_kind": _("This kind of section is not known."),
    }
    return messages.get(error.code, _("%(field)s is not valid.", field=field))


def read_only_message(reason: str) -> str:
    return {
        "role_forbidden": _("Your role lets you read and comment, not edit."),
        "stage_locked": _("This stage is not open yet."),
        "stage_in_review": _("This stage is in review: it can be changed after a moderator returns it."),
        "stage_approved": _("This stage is approved: a moderator must reopen it before it changes."),
    }.get(reason, reason)
