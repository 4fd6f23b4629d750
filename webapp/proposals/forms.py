"""Forms of proposals on the section page (Flask-WTF: each carries its CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, NumberRange, Optional
from wtforms.widgets import HiddenInput

from webapp.form_fields import IntegerField
from workflows.merge import RESOLUTIONS


class ProposeForm(FlaskForm):
    """A new proposal: the text (text sections) or the content as JSON (the editor's script)."""

    base_revision = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=0)])
    text = TextAreaField(validators=[Optional()])
    content = HiddenField(validators=[Optional()])
    note = TextAreaField(validators=[Optional()])


class AcceptForm(FlaskForm):
    """Accept as proposed; after a conflict, the choice made and the revision it showed."""

    resolution = HiddenField(validators=[Optional(), AnyOf(RESOLUTIONS)])
    theirs_revision = IntegerField(widget=HiddenInput(), validators=[Optional(), NumberRange(min=0)])


class RejectForm(FlaskForm):
    reason = TextAreaField(validators=[Optional()])


class WithdrawForm(FlaskForm):
    """Only the CSRF token."""
