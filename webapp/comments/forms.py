"""Forms of the comments panel (CSRF through Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from webapp.form_fields import IntegerField
from workflows.visibility import MAX_BODY, MAX_QUOTE, MAX_REASON

VISIBILITY_LABELS = {"all": _l("everyone in the cluster"), "moderators": _l("moderators only")}
KIND_LABELS = {"remark": _l("remark"), "suggestion": _l("suggestion"), "objection": _l("objection")}


def _visibility_choices() -> list[SelectChoice]:
    # Empty for a reply: it then keeps its parent's visibility.
    return [SelectChoice("", ""), *(SelectChoice(k, str(v)) for k, v in VISIBILITY_LABELS.items())]


def _kind_choices() -> list[SelectChoice]:
    return [SelectChoice(k, str(v)) for k, v in KIND_LABELS.items()]


_BODY_REQUIRED = _l("Write something first.")
_TOO_LONG = _l("At most %(max)d characters, please.")


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Comment (Markdown; @Name mentions a person)"),
        validators=[DataRequired(message=_BODY_REQUIRED), Length(max=MAX_BODY, message=_TOO_LONG)],
    )
    quote = TextAreaField(
        _l("Quoted passage (optional: select text in the section to fill it)"),
        validators=[Optional(), Length(max=MAX_QUOTE, message=_TOO_LONG)],
    )
    kind = SelectField(_l("Kind"), choices=_kind_choices, default="remark")
    visibility = SelectField(_l("Who sees it"), choices=_visibility_choices, default="")
    parent_id = IntegerField(validators=[Optional()])
    submit = SubmitField(_l("Post comment"))


class EditForm(FlaskForm):
    body = TextAreaField(
        _l("Comment"),
        validators=[DataRequired(message=_BODY_REQUIRED), Length(max=MAX_BODY, message=_TOO_LONG)],
    )
    submit = SubmitField(_l("Save"))


class HideForm(FlaskForm):
    reason = StringField(
        _l("Why is it hidden?"),
        validators=[
            DataRequired(message=_l("Give the reason.")),
            Length(max=MAX_REASON, message=_TOO_LONG),
        ],
    )
    submit = SubmitField(_l("Hide"))


class ResolveForm(FlaskForm):
    resolution = StringField(
        _l("Closing word (optional)"),
        validators=[Optional(), Length(max=MAX_REASON, message=_TOO_LONG)],
    )
    submit = SubmitField(_l("Resolve"))


class ActionForm(FlaskForm):
    """Delete, reopen: nothing to fill in but the CSRF token."""

    submit = SubmitField(_l("Confirm"))
