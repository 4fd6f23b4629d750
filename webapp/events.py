"""What happened, told once: operations emit an event, side effects subscribe.

An operation that changes data calls `emit("stage.approve", cluster, ...)` in its
transaction; the audit trail (`webapp.audit_trail`) records every event and the
notifications (`webapp.notifications.subscriptions`) tell people about those that
concern them, in the same transaction. A new kind of side effect subscribes here; the
producers do not change. The verb is the audit trail's verb (`feature.action`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from blinker import Namespace

if TYPE_CHECKING:
    from webapp.models import Cluster, User

_signals = Namespace()

#: Sent with the verb as sender and `event=` an Event; connect with `via(verb)` or to all.
happened = _signals.signal("happened")


@dataclass(frozen=True)
class Event:
    verb: str
    cluster: Cluster | None
    subject: str = ""
    reason: str = ""
    actor: User | None = None
    #: Stored with the audit entry (plain JSON values).
    details: dict[str, Any] = field(default_factory=dict)
    #: Objects for subscribers only (the comment, the people mentioned…); never stored.
    context: dict[str, Any] = field(default_factory=dict)


def emit(
    verb: str,
    cluster: Cluster | None = None,
    subject: str = "",
    reason: str = "",
    actor: User | None = None,
    context: dict[str, Any] | None = None,
    **details: object,
) -> Event:
    """Tell every subscriber, now, inside the caller's transaction."""
    if actor is None:
        actor = _current_actor()
    event = Event(verb, cluster, subject, reason, actor, dict(details), dict(context or {}))
    happened.send(verb, event=event)
    return event


def _current_actor() -> User | None:
    from flask import has_request_context
    from flask_login import current_user

    if has_request_context() and current_user and getattr(current_user, "is_authenticated", False):
        return current_user._get_current_object()
    return None
