"""Polls through the API (docs/api.md, "Polls"): create, list, read, vote, close, results."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from webapp.access import cluster_for
from webapp.api.blueprint import ApiError, blp
from webapp.api.people import refuse
from webapp.api.schemas import (
    IdResponse,
    PollBody,
    PollList,
    PollRequest,
    PollResults,
    PollVoteRequest,
    StateResponse,
)
from webapp.extensions import db
from webapp.models import Cluster, Poll
from webapp.polls.operations import OptionInput, PollInput, cast_vote, close_poll, create_poll
from webapp.polls.queries import poll_by_id, polls_of, results, results_json, state_of, vote_of
from webapp.problems import Problem
from workflows import polls as rules
from workflows.roles import Permission, Role


def _summary(poll: Poll) -> dict:
    return {
        "id": poll.id,
        "question": poll.question,
        "kind": poll.kind,
        "status": state_of(poll).value,
        "closes_at": poll.closes_at,
    }


def _poll_for(poll_id: int, permission: Permission = Permission.VIEW_CLUSTER) -> tuple[Poll, Cluster, Role]:
    """The poll, and the caller's role in its cluster: 404 for a cluster they may not see."""
    poll = poll_by_id(poll_id)
    slug = db.session.get(Cluster, poll.cluster_id).slug
    cluster, role = cluster_for(slug, permission)
    return poll, cluster, role


@blp.route("/clusters/<slug>/polls", methods=["POST"])
@blp.arguments(PollRequest)
@blp.response(201, IdResponse)
def post_poll(body: dict, slug: str) -> dict:
    cluster, _role = cluster_for(slug, Permission.MANAGE_POLLS)
    data = PollInput(
        question=body["question"],
        kind=body["kind"],
        options=[
            OptionInput(label=o.get("label", ""), section=o.get("section", ""), item_id=o.get("item_id", ""))
            for o in body["options"]
        ],
        voter=body["voter"],
        dots=body["dots"],
        max_per_option=body["max_per_option"],
        multiple=body["multiple"],
        anonymous=body["anonymous"],
        hide_results=body["hide_results"],
        invite_observers=body["invite_observers"],
        closes_at=body["closes_at"],
        meeting_id=body["meeting_id"],
    )
    try:
        poll = create_poll(cluster, data, current_user)
    except Problem as problem:
        raise refuse(problem) from None
    return {"id": poll.id}


@blp.route("/clusters/<slug>/polls", methods=["GET"])
@blp.response(200, PollList)
def list_polls(slug: str) -> dict:
    cluster, _role = cluster_for(slug)
    return {"polls": [_summary(p) for p in polls_of(cluster)]}


@blp.route("/polls/<int:poll_id>", methods=["GET"])
@blp.response(200, PollBody)
def get_poll(poll_id: int) -> dict:
    poll, cluster, role = _poll_for(poll_id)
    key = rules.voter_key(poll.voter, role, current_user.id, current_user.organisation_id)
    mine = vote_of(poll, key)
    return {
        **_summary(poll),
        "voter": poll.voter,
        "cluster": cluster.slug,
        "dots": poll.dots,
        "max_per_option": poll.max_per_option,
        "multiple": poll.multiple,
        "anonymous": poll.anonymous,
        "hide_results": poll.hide_results,
        "meeting_id": poll.meeting_id,
        "options": [
            {"id": o.id, "label": o.label, "section": o.section_key or None, "item_id": o.item_id or None}
            for o in poll.options
        ],
        "my_vote": mine.ballot if mine is not None else None,
        "may_vote": rules.may_vote(role, poll.invite_observers),
    }


@blp.route("/polls/<int:poll_id>/vote", methods=["PUT"])
@blp.arguments(PollVoteRequest)
@blp.response(200, StateResponse)
def put_vote(body: dict, poll_id: int) -> dict:
    poll, cluster, role = _poll_for(poll_id)
    if not rules.may_vote(role, poll.invite_observers):
        raise ApiError(403, "forbidden", _("You may not vote in this poll."))
    try:
        cast_vote(cluster, poll, current_user, role, body)
    except Problem as problem:
        raise refuse(problem) from None
    return {"state": "counted"}


@blp.route("/polls/<int:poll_id>/close", methods=["POST"])
@blp.response(200, StateResponse)
def post_close(poll_id: int) -> dict:
    poll, cluster, _role = _poll_for(poll_id, Permission.MANAGE_POLLS)
    try:
        close_poll(cluster, poll, current_user)
    except Problem as problem:
        raise refuse(problem) from None
    return {"state": "closed"}


@blp.route("/polls/<int:poll_id>/results", methods=["GET"])
@blp.response(200, PollResults)
def get_results(poll_id: int) -> dict:
    poll, cluster, role = _poll_for(poll_id)
    key = rules.voter_key(poll.voter, role, current_user.id, current_user.organisation_id)
    closed = state_of(poll) is rules.PollState.CLOSED
    if not rules.results_visible(
        poll.hide_results, vote_of(poll, key) is not None, closed, rules.may_manage(role)
    ):
        raise ApiError(
            409, "results_hidden", _("The results are shown once you have voted or the poll has closed.")
        )
    return results_json(results(cluster, poll))
