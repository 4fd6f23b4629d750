"""Forms of the meeting pages (Flask-WTF: every one carries its CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.form_fields import DateField, IntegerField
from webapp.i18n_labels import ORGANISATION_KIND_SINGULAR
from webapp.meetings import MEETING_KIND_LABELS, WORKSHOP_SERIES


def meeting_kind_choices() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label in MEETING_KIND_LABELS.items()]


def guest_kind_choices() -> list[tuple[str, str]]:
    return [("", str(_l("not known")))] + [(k, str(v)) for k, v in ORGANISATION_KIND_SINGULAR.items()]


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MeetingForm(FlaskForm):
    kind = SelectField(
        _l("Kind"), choices=meeting_kind_choices, default="workshop", validators=[DataRequired()]
    )
    number = IntegerField(
        _l("Number in the series"),
        validators=[Optional()],
        description=_l("Workshops only: 1 to %(series)d.", series=WORKSHOP_SERIES),
    )
    title = StringField(
        _l("Title"),
        validators=[Optional(), Length(max=200)],
        description=_l("Leave empty for “Workshop 3” and the like."),
    )
    date = DateField(_l("Date"), validators=[InputRequired()])
    start_time = TimeField(_l("Starts at"), validators=[InputRequired()])
    end_time = TimeField(_l("Ends at"), validators=[Optional()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    agenda = TextAreaField(_l("Agenda"), validators=[Optional(), Length(max=100_000)])
    minutes = TextAreaField(
        _l("Minutes"), validators=[Optional(), Length(max=100_000)], description=_l("Markdown.")
    )
    section_keys = CheckboxList(_l("Sections worked on"), choices=[], validate_choice=True)
    held = BooleanField(_l("The meeting took place"))
    head_count = IntegerField(
        _l("Head count"),
        validators=[Optional(), NumberRange(min=0, max=100_000)],
        description=_l("Where only the number of participants is known (conferences)."),
    )
    #: The meeting's version the form was filled from (edits only): see update_meeting.
    version = HiddenField(validators=[Optional()])
    submit = SubmitField(_l("Save"))


class PersonAttendanceForm(FlaskForm):
    user_id = SelectField(_l("Person with an account"), coerce=int, validators=[DataRequired()])
    submit = SubmitField(_l("Add"))


class GuestAttendanceForm(FlaskForm):
    name = StringField(_l("Guest's name"), validators=[DataRequired(), Length(max=200)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind of organisation"), choices=guest_kind_choices, validate_choice=True)
    submit = SubmitField(_l("Add the guest"))


class SheetUploadForm(FlaskForm):
    file = FileField(_l("Sign-in sheet (CSV)"), validators=[FileRequired()])
    submit = SubmitField(_l("Show the preview"))


class SheetConfirmForm(FlaskForm):
    #: The checked file itself, compressed: re-read and re-checked on confirmation.
    payload = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Import all rows"))


class ConfirmForm(FlaskForm):
    """A button that changes something (remove, delete): only the CSRF token."""

    submit = SubmitField(_l("Remove"))
