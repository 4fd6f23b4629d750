"""The caller's notifications: list them (texts in the caller's language), mark them read."""

from __future__ import annotations

from dataclasses import asdict

from flask_babel import get_locale
from flask_login import current_user
from marshmallow import Schema, fields, validate

from webapp.api.blueprint import blp
from webapp.api.schemas import Strict
from webapp.notifications.operations import items_for, mark_read, unread_count


class NotificationQuery(Strict):
    unread = fields.Boolean(load_default=False)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class NotificationOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    cluster = fields.String(allow_none=True)
    text = fields.String()
    link = fields.String()
    created_at = fields.DateTime()
    read = fields.Boolean()


class NotificationList(Schema):
    notifications = fields.List(fields.Nested(NotificationOut))
    unread = fields.Integer()


class ReadRequest(Strict):
    #: Which to mark read; none given: all of them.
    ids = fields.List(fields.Integer(strict=True), load_default=None, allow_none=True,
                      validate=validate.Length(max=1000))  # fmt: skip


class UnreadCount(Schema):
    unread = fields.Integer()


@blp.route("/notifications", methods=["GET"])
@blp.arguments(NotificationQuery, location="query")
@blp.response(200, NotificationList)
def notification_list(query: dict) -> dict:
    items = items_for(current_user, str(get_locale()), query["unread"], query["limit"])
    return {
        "notifications": [asdict(item) for item in items],
        "unread": unread_count(current_user),
    }


@blp.route("/notifications/read", methods=["POST"])
@blp.arguments(ReadRequest, required=False)
@blp.response(200, UnreadCount)
def notification_read(body: dict) -> dict:
    mark_read(current_user, (body or {}).get("ids"))
    return {"unread": unread_count(current_user)}
