"""Forms of the workflow: a transition (with a reason where needed), a sign-off."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from workflows.stages import MAX_REASON


class TransitionForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=MAX_REASON)])
    #: Set by the confirmation page: reopening is posted only after it said what it undoes.
    confirmed = HiddenField()


class SignOffForm(FlaskForm):
    submit = SubmitField(_l("Sign the strategy for my organisation"))
    #: The checksum of the version the confirmation page showed: that version is signed.
    digest = HiddenField(validators=[Optional(), Length(max=64)])


class WithdrawSignOffForm(FlaskForm):
    submit = SubmitField(_l("Withdraw my organisation's signature"))
