"""Sign-in and account forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from webapp.auth.passwords import MIN_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=500)])
    remember = BooleanField(_l("Remember me on this device (30 days)"))
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=MIN_LENGTH, max=500)])
    repeat = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))


class EmailChangeForm(FlaskForm):
    email = EmailField(_l("New email address"), validators=[DataRequired(), Length(max=254)])
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    submit = SubmitField(_l("Change email"))


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=500)])
    next = HiddenField()
    submit = SubmitField(_l("Confirm"))


class InvitationForm(FlaskForm):
    """An invited person sets their name and password (webapp.people.invitations)."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=MIN_LENGTH, max=500)])
    repeat = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Set the password and sign in"))
