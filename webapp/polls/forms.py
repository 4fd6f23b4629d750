"""Forms of the poll pages (Flask-WTF: every one carries its CSRF token).

The vote form's fields depend on the poll (one per option), so the page writes them and
`views.ballot_from_form` reads them; the form object carries the CSRF token only.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields import DateTimeLocalField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.form_fields import IntegerField
from webapp.polls import POLL_KIND_LABELS, VOTER_LABELS
from workflows.polls import MAX_DOTS, MAX_QUESTION_CHARS


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ConfirmForm(FlaskForm):
    """A button that changes something (vote, close, apply): the CSRF token only."""


class PollForm(FlaskForm):
    question = StringField(_l("Question"), validators=[DataRequired(), Length(max=MAX_QUESTION_CHARS)])
    kind = SelectField(
        _l("Kind of poll"),
        choices=lambda: [(k, str(v)) for k, v in POLL_KIND_LABELS.items()],
        default="dot",
    )
    voter = SelectField(
        _l("Who votes"),
        choices=lambda: [(k, str(v)) for k, v in VOTER_LABELS.items()],
        default="organisation",
    )
    dots = IntegerField(
        _l("Dots per voter"),
        validators=[Optional(), NumberRange(min=1, max=MAX_DOTS)],
        default=5,
        description=_l("Dot vote only."),
    )
    max_per_option = IntegerField(
        _l("Most dots on one option"),
        validators=[Optional(), NumberRange(min=1, max=MAX_DOTS)],
        description=_l("Dot vote only; leave empty for no limit."),
    )
    multiple = BooleanField(_l("Several options may be chosen"), description=_l("Choice only."))
    items = CheckboxList(_l("Options from the strategy"), choices=[], validate_choice=False)
    typed = TextAreaField(
        _l("Options typed here"),
        validators=[Optional(), Length(max=30_000)],
        description=_l("One option per line."),
    )
    meeting_id = SelectField(_l("Run at the meeting"), choices=[], default="", validate_choice=False)
    closes_at = DateTimeLocalField(_l("Closes at"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    anonymous = BooleanField(_l("Anonymous: other participants do not see who voted"))
    hide_results = BooleanField(_l("Show the results only to those who have voted, until the poll closes"))
    invite_observers = BooleanField(_l("Observers may vote too (counted apart)"))
