"""Changes to a person's own account settings (credentials are in webapp/auth/operations.py)."""

from __future__ import annotations

from flask_babel import gettext as _

from webapp.extensions import db
from webapp.models import User
from webapp.problems import Invalid
from workflows.grammar import PERSON_FORMS


def set_grammatical_form(user: User, form: str | None) -> None:
    """The form Polish verbs about the person take; None or "" for not stated."""
    if form and form not in PERSON_FORMS:
        raise Invalid("grammatical_form", _("Choose one of the listed forms."))
    user.grammatical_form = form or None
    db.session.flush()
