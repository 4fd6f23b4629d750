"""Organisations and users (admin only)."""

from __future__ import annotations

from webapp.access import require_platform_right
from webapp.api.blueprint import ApiError, blp
from webapp.api.schemas import IdResponse, OrganisationRequest, UserRequest
from webapp.people.operations import create_organisation, create_user
from webapp.problems import Problem


def refuse(problem: Problem) -> ApiError:
    """An operation's refusal as an API error naming the field, with the problem's own status."""
    return ApiError(problem.status, problem.code, problem.message, error_extra={"field": problem.field})


@blp.route("/organisations", methods=["POST"])
@blp.arguments(OrganisationRequest)
@blp.response(201, IdResponse)
def post_organisation(body: dict) -> dict:
    require_platform_right()
    try:
        org = create_organisation(body["name"], body["kind"], body["nip"], body["city"])
    except Problem as problem:
        raise refuse(problem) from None
    return {"id": org.id}


@blp.route("/users", methods=["POST"])
@blp.arguments(UserRequest)
@blp.response(201, IdResponse)
def post_user(body: dict) -> dict:
    require_platform_right()
    try:
        user = create_user(body["email"], body["name"], body["password"], body["organisation_id"])
    except Problem as problem:
        raise refuse(problem) from None
    return {"id": user.id}
