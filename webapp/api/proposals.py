"""Proposals through the API: propose a change to a section, list and read them, accept,
reject or withdraw one (docs/api.md, "Proposals")."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from webapp.access import cluster_for
from webapp.api.blueprint import ApiError, blp
from webapp.api.people import refuse
from webapp.api.schemas import (
    AcceptRequest,
    AcceptResponse,
    ProposalBody,
    ProposalCreated,
    ProposalList,
    ProposalRequest,
    ProposalStatus,
    RejectRequest,
)
from webapp.extensions import db
from webapp.models import Proposal
from webapp.problems import Problem
from webapp.proposals import operations
from webapp.proposals.operations import Outdated
from webapp.proposals.queries import proposal_for, proposals_of
from webapp.sections.operations import SaveConflict
from webapp.sections.queries import section_of
from webapp.transaction import keep_when_refused


def _item(proposal: Proposal) -> dict:
    return {
        "id": proposal.id,
        "author": proposal.author.name if proposal.author else None,
        "status": proposal.status,
        "base_revision": proposal.base_revision,
        "note": proposal.note,
        "created_at": proposal.created_at,
        "reason": proposal.reason,
        "revision": proposal.revision,
        "source": proposal.source,
    }


@blp.route("/clusters/<slug>/sections/<key>/proposals", methods=["POST"])
@blp.arguments(ProposalRequest)
@blp.response(201, ProposalCreated)
def post_proposal(body: dict, slug: str, key: str) -> dict:
    cluster, _role = cluster_for(slug)
    section_of(cluster, key)  # 404 for a section the cluster does not have
    try:
        proposal = operations.propose(
            cluster,
            key,
            current_user._get_current_object(),
            body["content"],
            body["base_revision"],
            note=body.get("note"),
        )
    except Problem as problem:
        raise refuse(problem) from None
    return {"id": proposal.id, "status": proposal.status}


@blp.route("/clusters/<slug>/sections/<key>/proposals", methods=["GET"])
@blp.response(200, ProposalList)
def get_proposals(slug: str, key: str) -> dict:
    cluster, _role = cluster_for(slug)
    section, _stage = section_of(cluster, key)
    return {"proposals": [_item(p) for p in proposals_of(section)]}


@blp.route("/proposals/<int:proposal_id>", methods=["GET"])
@blp.response(200, ProposalBody)
def get_proposal(proposal_id: int) -> dict:
    proposal, _cluster, _role = proposal_for(proposal_id)
    return {
        **_item(proposal),
        "section": proposal.section.key,
        "content": proposal.content,
        "decided_by": proposal.decided_by.name if proposal.decided_by else None,
        "decided_at": proposal.decided_at,
    }


@blp.route("/proposals/<int:proposal_id>/accept", methods=["POST"])
@blp.arguments(AcceptRequest, required=False)
@blp.response(200, AcceptResponse)
def accept_proposal(body: dict, proposal_id: int) -> dict:
    proposal, _cluster, role = proposal_for(proposal_id)
    body = body or {}
    try:
        result = operations.accept(
            proposal,
            current_user._get_current_object(),
            role,
            resolution=body.get("resolution"),
            theirs_revision=body.get("theirs_revision"),
        )
    except Outdated as problem:
        keep_when_refused()  # the proposal is closed as outdated although the answer is 409
        raise refuse(problem) from None
    except Problem as problem:
        raise refuse(problem) from None
    except SaveConflict as conflict:
        db.session.rollback()
        raise ApiError(
            409,
            "conflict",
            _("The proposal overlaps with changes saved since it was made."),
            base=conflict.base,
            theirs=conflict.theirs,
            yours=conflict.yours,
            revision=conflict.revision,
            conflicts=[c.path for c in conflict.conflicts],
        ) from None
    return {"revision": result.revision, "merged": result.merged, "merged_with": result.merged_authors}


@blp.route("/proposals/<int:proposal_id>/reject", methods=["POST"])
@blp.arguments(RejectRequest, required=False)
@blp.response(200, ProposalStatus)
def reject_proposal(body: dict, proposal_id: int) -> dict:
    proposal, _cluster, role = proposal_for(proposal_id)
    try:
        operations.reject(proposal, current_user._get_current_object(), role, (body or {}).get("reason"))
    except Problem as problem:
        raise refuse(problem) from None
    return {"id": proposal.id, "status": proposal.status}


@blp.route("/proposals/<int:proposal_id>/withdraw", methods=["POST"])
@blp.response(200, ProposalStatus)
def withdraw_proposal(proposal_id: int) -> dict:
    proposal, _cluster, _role = proposal_for(proposal_id)
    try:
        operations.withdraw(proposal, current_user._get_current_object())
    except Problem as problem:
        raise refuse(problem) from None
    return {"id": proposal.id, "status": proposal.status}
