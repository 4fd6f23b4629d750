"""`GET /api/v1/clusters/SLUG/meetings`: a cluster's meetings, for anyone who sees it."""

from __future__ import annotations

from marshmallow import Schema, fields

from webapp.access import cluster_for
from webapp.api.blueprint import blp
from webapp.meetings.queries import meetings_of


class MeetingSummary(Schema):
    id = fields.Integer()
    kind = fields.String()
    number = fields.Integer(allow_none=True)
    title = fields.String()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime(allow_none=True)
    place = fields.String()
    held = fields.Boolean()
    head_count = fields.Integer(allow_none=True)
    participants = fields.Integer()
    section_keys = fields.List(fields.String())


class MeetingList(Schema):
    meetings = fields.List(fields.Nested(MeetingSummary))


@blp.route("/clusters/<slug>/meetings", methods=["GET"])
@blp.response(200, MeetingList)
def list_meetings(slug: str) -> dict:
    cluster, _role = cluster_for(slug)
    return {
        "meetings": [
            {
                "id": row.meeting.id,
                "kind": row.meeting.kind,
                "number": row.meeting.number,
                "title": row.meeting.title,
                "starts_at": row.meeting.starts_at,
                "ends_at": row.meeting.ends_at,
                "place": row.meeting.place,
                "held": row.meeting.held,
                "head_count": row.meeting.head_count,
                "participants": row.participants,
                "section_keys": list(row.meeting.section_keys or []),
            }
            for row in meetings_of(cluster)
        ]
    }
