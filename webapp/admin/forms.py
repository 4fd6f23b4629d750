"""The agency's forms: organisations, people, clusters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from webapp.i18n_labels import kind_choices, sector_choices

#: What a drop-down shows before anything is chosen: nothing preselected that could be taken unread.
NOT_CHOSEN = ""


def _choose_first(choices):  # noqa: ANN001, ANN202
    return lambda: [(NOT_CHOSEN, str(_l("— choose —")))] + choices()


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(
        _l("Kind of organisation"), choices=_choose_first(kind_choices), validators=[DataRequired()]
    )
    nip = StringField(_l("NIP (optional)"), validators=[Optional(), Length(max=20)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Add organisation"))


class UserForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    #: Starts on "(none)", never on the first organisation of the list.
    organisation_id = SelectField(_l("Organisation"), coerce=int, default=0)
    is_admin = BooleanField(_l("Platform administrator"))
    #: The admin's own password; the view keeps the field only when it will be asked for.
    current = PasswordField(
        _l("Your password"),
        description=_l("Asked for when the new person is to be an administrator."),
        validators=[Optional(), Length(max=500)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Add person and send the invitation"))


class PersonForm(FlaskForm):
    """An admin's edit of an account; `password` appears when the change asks for it."""

    # InputRequired, not DataRequired: the form is filled from the account, so a post
    # without the fields would otherwise keep the old values and read the absent boxes
    # as "not admin, not active".
    name = StringField(_l("Full name"), validators=[InputRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[InputRequired(), Length(max=254)])
    organisation_id = SelectField(_l("Organisation"), coerce=int)
    is_admin = BooleanField(_l("Platform administrator"))
    active = BooleanField(_l("Account active (may sign in)"))
    password = PasswordField(_l("Your password"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Save"))


class ClusterForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Short name (in addresses)"), validators=[DataRequired(), Length(max=60)])
    sector = SelectField(_l("Sector"), choices=_choose_first(sector_choices), validators=[DataRequired()])
    goal = TextAreaField(_l("Goal"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Create cluster"))


class RevokeForm(FlaskForm):
    submit = SubmitField(_l("Revoke"))
