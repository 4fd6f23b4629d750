"""Write the audit trail in the same transaction as the change it records."""

from __future__ import annotations

from flask_login import current_user

from webapp.extensions import db
from webapp.models import AuditEvent, Cluster, User


def record(
    verb: str,
    cluster: Cluster | None = None,
    subject: str = "",
    reason: str = "",
    actor: User | None = None,
    **details: object,
) -> AuditEvent:
    if actor is None and current_user and getattr(current_user, "is_authenticated", False):
        actor = current_user._get_current_object()
    event = AuditEvent(
        cluster_id=cluster.id if cluster is not None else None,
        actor_id=actor.id if actor is not None else None,
        verb=verb,
        subject=subject,
        reason=reason,
        details=details,
    )
    db.session.add(event)
    return event
