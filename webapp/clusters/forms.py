"""Forms of the cluster pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from webapp.i18n_labels import role_choices


class MemberForm(FlaskForm):
    user_id = SelectField(_l("Person"), coerce=int, validators=[DataRequired()])
    role = SelectField(_l("Role"), choices=role_choices, validators=[DataRequired()])
    #: Shown only when the session has not confirmed the password lately (workflows.reauth).
    password = PasswordField(_l("Your password"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Save"))


class RemoveMemberForm(FlaskForm):
    submit = SubmitField(_l("Remove"))
