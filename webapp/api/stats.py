"""`GET /api/v1/stats`: the statistics over the clusters the caller may see."""

from __future__ import annotations

from flask_login import current_user
from marshmallow import Schema, fields

from webapp.api.blueprint import blp
from webapp.stats.queries import visible_to


class KindCounts(Schema):
    enterprise = fields.Integer()
    business_support = fields.Integer()
    science = fields.Integer()
    other = fields.Integer()


class ClusterStats(Schema):
    slug = fields.String()
    name = fields.String()
    organisations = fields.Integer()
    organisations_by_kind = fields.Nested(KindCounts)
    participants = fields.Integer()
    workshops_held = fields.Integer()
    workshops_planned = fields.Integer()
    stages = fields.Dict(keys=fields.String(), values=fields.String())


class WeekActivity(Schema):
    week = fields.String()
    revisions = fields.Integer()
    comments = fields.Integer()


class StatsResponse(Schema):
    clusters = fields.Integer()
    conference_participants = fields.Integer()
    organisations = fields.Nested(KindCounts)
    memberships = fields.Integer()
    avg_organisations_per_cluster = fields.Float()
    workshops_held = fields.Integer()
    workshops_planned = fields.Integer()
    per_cluster = fields.List(fields.Nested(ClusterStats))
    activity = fields.List(fields.Nested(WeekActivity))


@blp.route("/stats", methods=["GET"])
@blp.response(200, StatsResponse)
def get_stats() -> dict:
    """Admins: all clusters. Anyone else: only the clusters they are in, figures over those."""
    _scope, stats = visible_to(current_user)
    return stats.as_api()
