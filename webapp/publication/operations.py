"""Verbs for publishing: publish a version (replacing the earlier one), withdraw it.

Each flushes and emits its event (the audit trail records it); the request commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp import events
from webapp.extensions import db
from webapp.models import Cluster, Document, Publication, User
from webapp.models.base import utcnow
from webapp.problems import Invalid, WrongState
from workflows.publication import Refusal, publication_refusal


@dataclass
class Published:
    publication: Publication
    created: bool  # False: it replaced (or repeated) the cluster's earlier publication


def current(cluster: Cluster) -> Publication | None:
    return db.session.scalar(select(Publication).where(Publication.cluster_id == cluster.id))


def _refusal_message(refusal: Refusal, version: int) -> str:
    if refusal is Refusal.NOT_FINAL:
        return _(
            "Version %(v)s is a draft: only a version made after the strategy was adopted can be published.",
            v=version,
        )
    return _("Version %(v)s is not ready: it can be published once its document is made.", v=version)


def publish(cluster: Cluster, document: Document, actor: User | None) -> Published:
    """Make `document` the cluster's public strategy; an earlier publication is replaced."""
    if document.cluster_id != cluster.id:
        raise Invalid("document_id", _("This version does not belong to this cluster's strategy."))
    refusal = publication_refusal(document.final, document.status)
    if refusal is not None:
        raise WrongState("document_id", _refusal_message(refusal, document.version), code=str(refusal))
    publication = current(cluster)
    if publication is not None and publication.document_id == document.id:
        return Published(publication, created=False)  # already public: nothing to record
    created = publication is None
    if created:
        try:
            with db.session.begin_nested():  # another admin may publish at the same moment
                publication = Publication(
                    cluster_id=cluster.id,
                    document_id=document.id,
                    published_by_id=actor.id if actor else None,
                )
                db.session.add(publication)
                db.session.flush()
        except IntegrityError:
            publication, created = current(cluster), False
    replaced = None
    if not created:
        replaced = db.session.scalar(select(Document.version).where(Document.id == publication.document_id))
        publication.document_id = document.id
        publication.published_by_id = actor.id if actor else None
        publication.published_at = utcnow()
    events.emit(
        "publication.publish",
        cluster,
        subject=f"v{document.version}",
        actor=actor,
        document_id=document.id,
        version=document.version,
        replaced_version=replaced,
    )
    db.session.flush()
    return Published(publication, created=created)


def withdraw(cluster: Cluster, actor: User | None) -> bool:
    """Take the cluster's strategy off the public pages; False when none was published."""
    publication = current(cluster)
    if publication is None:
        return False
    version = db.session.scalar(select(Document.version).where(Document.id == publication.document_id))
    db.session.delete(publication)
    events.emit("publication.withdraw", cluster, subject=f"v{version}", actor=actor, version=version)
    db.session.flush()
    return True
