"""The account's own settings that are not credentials."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField

from workflows.grammar import PERSON_FORMS


def grammatical_form_choices() -> list[tuple[str, str]]:
    labels = {
        "": _l("not stated: wordings that need no form"),
        "feminine": _l("feminine (e.g. “she submitted”)"),
        "masculine": _l("masculine (e.g. “he submitted”)"),
    }
    return [(key, str(labels[key])) for key in ("", *PERSON_FORMS)]


class GrammaticalFormForm(FlaskForm):
    """How Polish texts about this person's actions agree with them ("przekazała")."""

    grammatical_form = SelectField(
        _l("How the Polish texts refer to you"), choices=grammatical_form_choices, default=""
    )
    submit = SubmitField(_l("Save"))
