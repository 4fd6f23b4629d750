"""Read-only views of clusters, shaped for pages and the API (few queries, no N+1)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from webapp.collation import polish, polish_key
from webapp.extensions import db
from webapp.models import (
    Cluster,
    Membership,
    Organisation,
    Section,
    Stage,
    User,
    WorkflowDefinitionRecord,
)
from workflows.definition import WorkflowDefinition, parse_definition
from workflows.kinds import ORGANISATION_KINDS
from workflows.roles import MEMBER_ORGANISATION_ROLES


@lru_cache(maxsize=64)
def _parse_record(record_id: int, key: str, version: int, body_json: str) -> WorkflowDefinition:
    import json

    return parse_definition(json.loads(body_json), f"{key} v{version}")


def definition_of(cluster: Cluster) -> WorkflowDefinition:
    """The definition the cluster started with (records never change, so parse once)."""
    import json

    record: WorkflowDefinitionRecord = cluster.definition_record
    return _parse_record(record.id, record.key, record.version, json.dumps(record.body, sort_keys=True))


def stages_with_sections(cluster: Cluster) -> list[tuple[Stage, list[Section]]]:
    """Stages in order with their sections in order: two queries whatever the size."""
    stages = db.session.scalars(
        select(Stage).where(Stage.cluster_id == cluster.id).order_by(Stage.position)
    ).all()
    sections = db.session.scalars(
        select(Section).where(Section.cluster_id == cluster.id).order_by(Section.position)
    ).all()
    by_stage: dict[int, list[Section]] = defaultdict(list)
    for section in sections:
        by_stage[section.stage_id].append(section)
    return [(stage, by_stage[stage.id]) for stage in stages]


def stage_states(cluster_ids: list[int]) -> dict[int, list[Stage]]:
    """Stages of several clusters in one query (for the cards of "my clusters")."""
    rows = db.session.scalars(
        select(Stage).where(Stage.cluster_id.in_(cluster_ids)).order_by(Stage.position)
    ).all()
    result: dict[int, list[Stage]] = defaultdict(list)
    for stage in rows:
        result[stage.cluster_id].append(stage)
    return result


@dataclass
class MemberRow:
    membership: Membership
    user: User
    organisation: Organisation | None


def members_by_kind(cluster: Cluster) -> dict[str, list[MemberRow]]:
    """The cluster's people grouped by their organisation's kind, in the deck's order."""
    memberships = db.session.scalars(
        select(Membership)
        .where(Membership.cluster_id == cluster.id)
        .options(joinedload(Membership.user).joinedload(User.organisation))
    ).all()
    groups: dict[str, list[MemberRow]] = {kind: [] for kind in ORGANISATION_KINDS}
    for m in memberships:
        org = m.user.organisation
        groups[org.kind if org else "other"].append(MemberRow(m, m.user, org))
    for rows in groups.values():
        rows.sort(
            key=lambda r: (polish_key(r.organisation.name if r.organisation else ""), polish_key(r.user.name))
        )
    return groups


def member_organisations(cluster: Cluster) -> dict[int, str]:
    """Organisations that are members of the cluster (through members and moderators;
    observers are guests): id -> kind. Used for quorum and statistics."""
    rows = db.session.execute(
        select(Organisation.id, Organisation.kind)
        .join(User, User.organisation_id == Organisation.id)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.cluster_id == cluster.id, Membership.role.in_(MEMBER_ORGANISATION_ROLES))
        .distinct()
    ).all()
    return dict(rows)


def organisations_of(cluster: Cluster) -> list[Organisation]:
    """The organisations in the cluster (through members and moderators), by name."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.id.in_(_member_organisation_ids(cluster)))
            .order_by(polish(Organisation.name))
        )
    )


def _member_organisation_ids(cluster: Cluster):  # noqa: ANN202 (a subquery)
    return (
        select(User.organisation_id)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.cluster_id == cluster.id,
            Membership.role.in_(MEMBER_ORGANISATION_ROLES),
            User.organisation_id.is_not(None),
        )
    )


def colleagues(cluster: Cluster) -> list[User]:
    """Whom a moderator may pick without typing an address: the cluster's people and the
    active people of its organisations. Never the platform's whole directory (people of
    other clusters, disabled accounts)."""
    in_cluster = select(Membership.user_id).where(Membership.cluster_id == cluster.id)
    return list(
        db.session.scalars(
            select(User)
            .options(joinedload(User.organisation))
            .where(
                User.active.is_(True),
                or_(User.id.in_(in_cluster), User.organisation_id.in_(_member_organisation_ids(cluster))),
            )
            .order_by(polish(User.name), User.id)
        )
    )
