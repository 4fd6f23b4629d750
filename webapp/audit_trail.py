"""The cluster's audit trail: one row per event, in the transaction of the change.

Every event emitted by an operation (`webapp.events.emit`) is recorded here, except the
few that only announce something already recorded (`NOT_RECORDED`).
"""

from __future__ import annotations

from webapp.events import Event, happened
from webapp.extensions import db
from webapp.models import AuditEvent, Cluster, User

#: Announcements of a change whose own event is already in the trail.
NOT_RECORDED = frozenset({"document.ready"})


def record(
    verb: str,
    cluster: Cluster | None = None,
    subject: str = "",
    reason: str = "",
    actor: User | None = None,
    **details: object,
) -> AuditEvent:
    """Write one entry as given; the demo data uses it to lay down a past history."""
    entry = AuditEvent(
        cluster_id=cluster.id if cluster is not None else None,
        actor_id=actor.id if actor is not None else None,
        verb=verb,
        subject=subject,
        reason=reason,
        details=details,
    )
    db.session.add(entry)
    return entry


@happened.connect
def _on_event(_verb: str, event: Event) -> None:
    if event.verb not in NOT_RECORDED:
        record(event.verb, event.cluster, event.subject, event.reason, event.actor, **event.details)
