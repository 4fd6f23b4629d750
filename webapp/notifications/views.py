"""The person's notifications, their delivery choices, and the admin's e-mail outbox."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from wtforms import SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from webapp.access import require_platform_right
from webapp.extensions import db
from webapp.models import Notification, OutboxEmail
from webapp.models.notifications import DELIVERY_MODES, NOTIFICATION_KINDS
from webapp.notifications.operations import (
    items_for,
    mark_read,
    preferences_of,
    set_preferences,
    unread_count,
)
from webapp.notifications.texts import kind_label, mode_label

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


class MarkReadForm(FlaskForm):
    submit = SubmitField(_l("Mark all as read"))


def preferences_form(current: dict[str, str]) -> FlaskForm:
    """One choice per kind of notification, built per request (labels in its language)."""

    class PreferencesForm(FlaskForm):
        submit = SubmitField(_l("Save"))

    choices = [SelectChoice(mode, mode_label(mode)) for mode in DELIVERY_MODES]
    for kind in NOTIFICATION_KINDS:
        setattr(PreferencesForm, kind, SelectField(kind_label(kind), choices=choices))
    form = PreferencesForm(data=current)
    form.kinds = [getattr(form, kind) for kind in NOTIFICATION_KINDS]
    return form


@bp.before_request
@login_required
def _signed_in() -> None:
    return None


@bp.get("")
def index():
    items = items_for(current_user, str(get_locale()))
    return render_template(
        "notifications/index.html",
        items=items,
        unread=sum(1 for i in items if not i.read),
        form=MarkReadForm(formdata=None),
    )


@bp.post("/read")
def read_all():
    if not MarkReadForm().validate_on_submit():
        abort(400)
    mark_read(current_user)
    flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))


def _safe_link(link: str) -> str:
    # Links are made by the app, but a redirect only ever goes to a path on this site.
    if link.startswith("/") and not link.startswith("//") and "\\" not in link:
        return link
    return url_for("notifications.index")


@bp.post("/<int:notification_id>/open")
def open_one(notification_id: int):
    """Mark one notification read and go where it points."""
    if not MarkReadForm().validate_on_submit():
        abort(400)
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    link = _safe_link(notification.link or "")
    mark_read(current_user, [notification_id])
    return redirect(link)


@bp.route("/preferences", methods=["GET", "POST"])
def preferences():
    form = preferences_form(preferences_of(current_user))
    if form.validate_on_submit():
        set_preferences(current_user, {kind: getattr(form, kind).data for kind in NOTIFICATION_KINDS})
        flash(_("Your choices are saved."), "success")
        return redirect(url_for("notifications.preferences"))
    status = 422 if form.is_submitted() else 200
    return render_template("notifications/preferences.html", form=form), status


@bp.get("/outbox")
def outbox():
    """E-mail the studio sent or keeps (no SMTP configured), for the agency's admins."""
    require_platform_right()
    rows = db.session.scalars(
        select(OutboxEmail).order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc()).limit(200)
    ).all()
    return render_template("notifications/outbox.html", rows=rows)


def _unread_notifications() -> dict:
    """``unread_notifications`` for the navbar's badge on every page."""
    if current_user and current_user.is_authenticated:
        try:
            return {"unread_notifications": unread_count(current_user)}
        except SQLAlchemyError:
            # An error page after a failed transaction still renders, without the count.
            return {"unread_notifications": 0}
    return {"unread_notifications": 0}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.context_processor(_unread_notifications)
