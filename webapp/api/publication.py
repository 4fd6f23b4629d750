"""Publishing through the API: publish an adopted version, read or withdraw the publication."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema, fields

from webapp.access import cluster_for, require_platform_right
from webapp.api.blueprint import ApiError, blp
from webapp.api.people import refuse
from webapp.api.schemas import Strict
from webapp.extensions import db
from webapp.links import public_url
from webapp.models import Cluster, Document, Publication
from webapp.problems import Problem
from webapp.publication.operations import current, publish, withdraw
from workflows.roles import PlatformRight


class PublicationRequest(Strict):
    document_id = fields.Integer(required=True, strict=True)


class PublicationBody(Schema):
    cluster = fields.String()
    document_id = fields.Integer()
    version = fields.Integer()
    sha256 = fields.String()
    published_at = fields.DateTime()
    url = fields.String()


def publication_json(cluster: Cluster, publication: Publication, document: Document) -> dict:
    return {
        "cluster": cluster.slug,
        "document_id": document.id,
        "version": document.version,
        "sha256": document.sha256,
        "published_at": publication.published_at,
        "url": public_url("publication.strategy", slug=cluster.slug),
    }


def _cluster(slug: str) -> Cluster:
    # The agency's call: 403 for anyone else before the cluster is even looked up.
    require_platform_right(PlatformRight.PUBLISH)
    cluster, _role = cluster_for(slug)
    return cluster


@blp.route("/clusters/<slug>/publication", methods=["POST"])
@blp.arguments(PublicationRequest)
@blp.response(201, PublicationBody)
@blp.alt_response(
    200, schema=PublicationBody, description="It replaced (or repeated) the earlier publication"
)
def post_publication(body: dict, slug: str):  # noqa: ANN201
    cluster = _cluster(slug)
    document = db.session.get(Document, body["document_id"])
    if document is None or document.cluster_id != cluster.id:
        raise ApiError(
            422,
            "invalid",
            _("This version does not belong to this cluster's strategy."),
            error_extra={"field": "document_id"},
        )
    try:
        published = publish(cluster, document, current_user._get_current_object())
    except Problem as problem:
        raise refuse(problem) from None
    return publication_json(cluster, published.publication, document), 201 if published.created else 200


@blp.route("/clusters/<slug>/publication", methods=["GET"])
@blp.response(200, PublicationBody)
def get_publication(slug: str) -> dict:
    cluster = _cluster(slug)
    publication = current(cluster)
    if publication is None:
        abort(404)
    return publication_json(cluster, publication, db.session.get(Document, publication.document_id))


@blp.route("/clusters/<slug>/publication", methods=["DELETE"])
@blp.response(204)
def delete_publication(slug: str) -> None:
    cluster = _cluster(slug)
    if not withdraw(cluster, current_user._get_current_object()):
        abort(404)
