"""Reading proposals: a section's, one by id (within what the person may see), a stage's open ones."""

from __future__ import annotations

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from webapp.access import cluster_for
from webapp.extensions import db
from webapp.models import Cluster, Proposal, Section
from workflows.proposals import ProposalState
from workflows.roles import Role

#: Proposals a section page lists (each is merged and diffed to be shown); the API lists them all.
OPEN_SHOWN = 100
CLOSED_SHOWN = 50


def proposals_of(section: Section, open_only: bool | None = None, limit: int | None = None) -> list[Proposal]:
    """Open ones oldest first (the order they wait in), closed ones newest first."""
    query = (
        select(Proposal)
        .where(Proposal.section_id == section.id)
        .options(joinedload(Proposal.author), joinedload(Proposal.decided_by))
    )
    if open_only is True:
        query = query.where(Proposal.status == ProposalState.OPEN.value).order_by(Proposal.id)
    elif open_only is False:
        query = query.where(Proposal.status != ProposalState.OPEN.value).order_by(Proposal.id.desc())
    else:
        query = query.order_by(Proposal.id)
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def proposal_for(proposal_id: int) -> tuple[Proposal, Cluster, Role]:
    """The proposal, its cluster and the person's role there; 404 for one they may not see
    (the same answer as for none: nothing is learnt about other clusters)."""
    proposal = db.session.scalar(
        select(Proposal)
        .where(Proposal.id == proposal_id)
        .options(joinedload(Proposal.section), joinedload(Proposal.author), joinedload(Proposal.cluster))
    )
    if proposal is None:
        abort(404)
    cluster, role = cluster_for(proposal.cluster.slug)
    return proposal, cluster, role


def open_by_stage(cluster: Cluster) -> dict[int, list[tuple[str, int]]]:
    """Stage id -> [(section key, open proposals)], for what a stage waits for."""
    rows = db.session.execute(
        select(Section.stage_id, Section.key, func.count(Proposal.id))
        .join(Proposal, Proposal.section_id == Section.id)
        .where(Section.cluster_id == cluster.id, Proposal.status == ProposalState.OPEN.value)
        .group_by(Section.stage_id, Section.key, Section.position)
        .order_by(Section.position)
    ).all()
    found: dict[int, list[tuple[str, int]]] = {}
    for stage_id, key, count in rows:
        found.setdefault(stage_id, []).append((key, count))
    return found


def open_count(section: Section) -> int:
    return db.session.scalar(
        select(func.count(Proposal.id)).where(
            Proposal.section_id == section.id, Proposal.status == ProposalState.OPEN.value
        )
    )
