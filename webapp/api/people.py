"""Organisations and users (admin only)."""

from __future__ import annotations

from flask_login import current_user

from webapp.api.blueprint import ApiError, blp
from webapp.api.schemas import IdResponse, OrganisationRequest, UserRequest
from webapp.people.operations import create_organisation, create_user
from webapp.problems import Duplicate, Invalid


def require_admin() -> None:
    if not current_user.is_admin:
        raise ApiError(403, "forbidden")


def refuse(problem: Invalid | Duplicate) -> ApiError:
    """An operation's refusal as an API error naming the field, with the problem's own status."""
    return ApiError(problem.status, problem.code, problem.message, error_extra={"field": problem.field})


@blp.route("/organisations", methods=["POST"])
@blp.arguments(OrganisationRequest)
@blp.response(201, IdResponse)
def post_organisation(body: dict) -> dict:
    require_admin()
    try:
        org = create_organisation(body["name"], body["kind"], body["nip"], body["city"])
    except (Invalid, Duplicate) as problem:
        raise refuse(problem) from None
    return {"id": org.id}


@blp.route("/users", methods=["POST"])
@blp.arguments(UserRequest)
@blp.response(201, IdResponse)
def post_user(body: dict) -> dict:
    require_admin()
    try:
        user = create_user(body["email"], body["name"], body["password"], body["organisation_id"])
    except (Invalid, Duplicate) as problem:
        raise refuse(problem) from None
    return {"id": user.id}
