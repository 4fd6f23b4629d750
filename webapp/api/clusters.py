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
from webapp.timezone import local_iso
from webapp.workflow.facts import load_facts
from webapp.workflow.messages import unmet_json
from webapp.workflow.panels import status_for, titles
from workflows.reauth import SensitiveChange
from workflows.roles import Permission, Role, can_assign_role
from workflows.status import StageNote


def language() -> str:
    return str(get_locale() or "pl")


def _reason(note: StageNote | None) -> dict | None:
    if note is None:
        return None
    at = local_iso(note.at) if note.at is not None else None
    return {"action": note.action.value, "reason": note.reason, "by": note.by, "at": at}


def cluster_detail(cluster: Cluster, role: str) -> dict:
    """The cluster and its stages, with what each waits for and may do next: the same
    answer (workflows.status) the cluster page shows."""
    definition = definition_of(cluster)
    lang = language()
    facts = load_facts(cluster)
    status = status_for(facts, Role(role) if role else None)
    names = titles(facts)
    stages = []
    for stage, sections in stages_with_sections(cluster):
        told = status.stage(stage.key)
        stages.append(
            {
                "key": stage.key,
                "state": stage.state,
                "needs_review": told.needs_review,
                "waiting_for": unmet_json(told.waiting, names),
                "actions": [
                    {"action": d.action.value, "allowed": d.allowed, "unmet": unmet_json(d.unmet, names)}
                    for d in told.actions
                ],
                "reason": _reason(told.note),
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
        "adopted": status.adopted,
        "current_stage": status.current,
        "signing": {
            "adopted": status.signing.adopted,
            "can_sign": status.signing.can_sign,
            "can_withdraw": status.signing.can_withdraw,
            "missing_kinds": list(status.signing.missing_kinds),
        },
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
