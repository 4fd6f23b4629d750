"""Forms of the section pages. The content itself is read by webapp.sections.editing."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf, InputRequired, NumberRange, Optional
from wtforms.widgets import HiddenInput

from webapp.form_fields import IntegerField
from workflows.merge import RESOLUTIONS


class SaveForm(FlaskForm):
    """A save names the revision it was based on; a conflict's choice names theirs too."""

    base_revision = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=0)])
    resolution = HiddenField(validators=[Optional(), AnyOf(RESOLUTIONS)])
    theirs_revision = IntegerField(widget=HiddenInput(), validators=[Optional(), NumberRange(min=0)])


class RestoreForm(FlaskForm):
    """Restoring an old revision: only the CSRF token."""
