"""Clusters, their members and their detail."""

from __future__ import annotations

from flask import abort
from flask_babel import get_locale
from flask_login import current_user

from webapp.access import cluster_for, require_platform_right, visible_clusters
from webapp.api.blueprint import ApiError, blp
from webapp.api.people import refuse
from webapp.api.schemas import ClusterDetail, ClusterList, ClusterRequest, IdResponse, MemberRequest
from webapp.auth import reauth
from webapp.clusters.operations import create_cluster, set_member
from webapp.clusters.queries import definition_of, stages_with_sections
from webapp.extensions import db
from webapp.models import Cluster, User
from webapp.problems import Duplicate, Invalid
from workflows.reauth import SensitiveChange
from workflows.roles import Permission, can_assign_role


def language() -> str:
    return str(get_locale() or "pl")


def cluster_detail(cluster: Cluster, role: str) -> dict:
    definition = definition_of(cluster)
    lang = language()
    stages = []
    for stage, sections in stages_with_sections(cluster):
        stages.append(
            {
                "key": stage.key,
                "state": stage.state,
                "needs_review": stage.needs_review,
                "sections": [
                    {
                        "key": s.key,
                        "title": definition.section(s.key)[1].title.get(lang),
                        "kind": s.kind,
                        "revision": s.revision,
                    }
                    for s in sections
                ],
            }
        )
    return {
        "slug": cluster.slug,
        "name": cluster.name,
        "sector": cluster.sector,
        "goal": cluster.goal,
        "my_role": str(role),
        "stages": stages,
    }


@blp.route("/clusters", methods=["GET"])
@blp.response(200, ClusterList)
def list_clusters() -> dict:
    return {
        "clusters": [
            {"slug": c.slug, "name": c.name, "sector": c.sector, "my_role": str(role)}
            for c, role in visible_clusters(current_user)
        ]
    }


@blp.route("/clusters", methods=["POST"])
@blp.arguments(ClusterRequest)
@blp.response(201, ClusterDetail)
def post_cluster(body: dict) -> dict:
    require_platform_right()
    try:
        cluster = create_cluster(body["slug"], body["name"], body["sector"], body["goal"])
    except (Invalid, Duplicate) as problem:
        raise refuse(problem) from None
    return cluster_detail(cluster, "admin")


@blp.route("/clusters/<slug>", methods=["GET"])
@blp.response(200, ClusterDetail)
def get_cluster(slug: str) -> dict:
    cluster, role = cluster_for(slug)
    return cluster_detail(cluster, role)


@blp.route("/clusters/<slug>/members", methods=["POST"])
@blp.arguments(MemberRequest)
@blp.response(201, IdResponse)
def post_member(body: dict, slug: str) -> dict:
    cluster, role = cluster_for(slug, Permission.MANAGE_MEMBERS)
    if not can_assign_role(role, body["role"]):
        abort(403)
    reauth.require_for_api(SensitiveChange.MEMBER_ROLE)
    user = db.session.get(User, body["user_id"])
    if user is None:
        raise ApiError(422, "invalid", error_extra={"field": "user_id"})
    try:
        membership = set_member(cluster, user, body["role"])
    except Invalid as problem:  # a disabled account is not added
        raise ApiError(422, "invalid", problem.message, error_extra={"field": "user_id"}) from None
    return {"id": membership.id}
