"""Forms of the cluster pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from webapp.i18n_labels import role_choices

#: The "nobody chosen" entry of the person and organisation lists.
NONE = 0


class MemberForm(FlaskForm):
    """Add a person by e-mail address (inviting one without an account), or pick one of
    the cluster's people and its organisations' (queries.colleagues): never the
    platform's whole directory."""

    email = EmailField(_l("E-mail address"), validators=[Optional(), Length(max=254)])
    user_id = SelectField(_l("or a person of this cluster's organisations"), coerce=int, default=NONE)
    #: Used only when the address has no account yet: the invitation makes one.
    name = StringField(
        _l("Full name (of a person without an account)"), validators=[Optional(), Length(max=200)]
    )
    organisation_id = SelectField(
        _l("Organisation (of a person without an account)"), coerce=int, default=NONE
    )
    role = SelectField(_l("Role"), choices=role_choices, validators=[DataRequired()])
    #: Shown only when the session has not confirmed the password lately (workflows.reauth).
    password = PasswordField(_l("Your password"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Save"))


class RemoveMemberForm(FlaskForm):
    submit = SubmitField(_l("Remove"))
