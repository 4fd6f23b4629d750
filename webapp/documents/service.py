"""Ask for a document and hand it to the workers: shared by the page and the API."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import abort
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from webapp import security_log, tasks, transaction
from webapp.documents.operations import Requested, request_document
from webapp.extensions import db
from webapp.models import Cluster
from workflows.roles import Role, can, export_permission
from workflows.stages import StageState, is_adopted

log = logging.getLogger(__name__)


@dataclass
class Asked:
    requested: Requested
    enqueued: bool  # False: the broker is unreachable; the sweep sends it once it is back


def may_ask_for_document(cluster: Cluster, role: Role | None) -> bool:
    """Members generate drafts; once the strategy is adopted, only moderators do."""
    from webapp.clusters.queries import definition_of

    states = {s.key: StageState(s.state) for s in cluster.stages}
    adopted = is_adopted(definition_of(cluster), states)
    return can(role, export_permission(adopted))


def ask_for_document(cluster: Cluster, role: Role | None) -> Asked:
    if not may_ask_for_document(cluster, role):
        abort(403)
    try:
        requested = request_document(cluster, current_user._get_current_object())
    except IntegrityError:  # someone asked for the same new version at the same moment
        db.session.rollback()
        requested = request_document(cluster, current_user._get_current_object())
    # The worker must find the version when it is told, and the answer says whether it was.
    transaction.hand_off()
    enqueued = True
    if requested.created:
        security_log.event("export", cluster=cluster.slug, version=requested.document.version)
        try:
            tasks.enqueue("studio.render_document", requested.document.id)
        except tasks.BrokerUnavailable as exc:
            log.warning(
                "broker unreachable, document %s waits for the sweep: %s",
                requested.document.id,
                exc,
            )
            enqueued = False
    return Asked(requested, enqueued)
