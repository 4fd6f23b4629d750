"""Reading what is published: the index of /p/ and one published version by slug."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import defer

from webapp.collation import polish
from webapp.extensions import db
from webapp.models import Cluster, Document, Publication


@dataclass(frozen=True)
class PublishedStrategy:
    cluster: Cluster
    document: Document
    publication: Publication


def published_strategies() -> list[PublishedStrategy]:
    """Every published strategy of the agency, by cluster name (one query)."""
    rows = db.session.execute(
        select(Cluster, Document, Publication)
        .join(Publication, Publication.cluster_id == Cluster.id)
        .join(Document, Document.id == Publication.document_id)
        .options(defer(Document.snapshot))  # the index shows no content
        .order_by(polish(Cluster.name))
    ).all()
    return [PublishedStrategy(c, d, p) for c, d, p in rows]


def published_strategy(slug: str) -> PublishedStrategy | None:
    """The published version of the cluster `slug`; None for an unknown, unpublished or
    withdrawn cluster alike, so the public pages cannot tell them apart."""
    row = db.session.execute(
        select(Cluster, Document, Publication)
        .join(Publication, Publication.cluster_id == Cluster.id)
        .join(Document, Document.id == Publication.document_id)
        .where(Cluster.slug == slug, Document.final.is_(True), Document.status == "done")
    ).first()
    return PublishedStrategy(*row) if row else None
