"""Verbs of notifications: tell people, mark read, choose how to be told, send digests.

Operations flush and never commit: the request (or the CLI command) commits once. A
notification holds a kind and parameters, never a comment's text, so nothing internal
can travel in it; callers only notify people who may see what it is about.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from werkzeug.routing import BuildError

from webapp import links
from webapp.extensions import db
from webapp.models import Cluster, Document, Membership, Notification, NotificationPreference, User
from webapp.models.base import utcnow
from webapp.models.notifications import DELIVERY_MODES, NOTIFICATION_KINDS
from webapp.notifications.mailer import queue_email
from webapp.notifications.texts import describe
from workflows.roles import REVIEWER_ROLES, STAGE_NEWS_ROLES, Role

#: Told at once unless the person chose otherwise; every other kind comes in the digest.
#: An objection too: it holds a stage back, so moderators and writers hear of it at once.
IMMEDIATE_BY_DEFAULT: frozenset[str] = frozenset({"mention", "review_requested", "poll_closing", "objection"})

#: Stage actions that tell the people working on the strategy (submit tells moderators).
STAGE_CHANGES: frozenset[str] = frozenset({"return", "approve", "reopen"})


def default_mode(kind: str) -> str:
    return "immediate" if kind in IMMEDIATE_BY_DEFAULT else "digest"


def preferences_of(user: User) -> dict[str, str]:
    """kind -> mode for every kind, the defaults filled in."""
    chosen = dict(
        db.session.execute(
            select(NotificationPreference.kind, NotificationPreference.mode).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )
    return {kind: chosen.get(kind, default_mode(kind)) for kind in NOTIFICATION_KINDS}


def set_preferences(user: User, modes: dict[str, str]) -> None:
    """Store the person's choices; unknown kinds or modes are refused (ValueError)."""
    for kind, mode in modes.items():
        if kind not in NOTIFICATION_KINDS or mode not in DELIVERY_MODES:
            raise ValueError(f"{kind}: {mode}")
    rows = {
        p.kind: p
        for p in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }
    for kind, mode in modes.items():
        if kind in rows:
            rows[kind].mode = mode
        else:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind, mode=mode))
    db.session.flush()


def _modes(user_ids: set[int], kind: str) -> dict[int, str]:
    chosen = dict(
        db.session.execute(
            select(NotificationPreference.user_id, NotificationPreference.mode).where(
                NotificationPreference.user_id.in_(user_ids), NotificationPreference.kind == kind
            )
        ).all()
    )
    return {uid: chosen.get(uid, default_mode(kind)) for uid in user_ids}


def user_language(user: User) -> str:
    languages = current_app.config.get("LANGUAGES", ("pl", "en"))
    return user.locale if user.locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def absolute(link: str) -> str:
    """A link for an e-mail: the path on the public site (PUBLIC_URL, not the request)."""
    return links.absolute(link)


def _definition(cluster: Cluster | None):  # noqa: ANN202
    if cluster is None:
        return None
    from webapp.clusters.queries import definition_of

    return definition_of(cluster)


def text_for(notification: Notification, cluster: Cluster | None, lang: str) -> str:
    """The notification's sentence in ``lang``."""
    with force_locale(lang):
        return describe(notification.kind, notification.params, cluster, _definition(cluster), lang)


def _immediate_email(user: User, notification: Notification, cluster: Cluster | None) -> None:
    lang = user_language(user)
    with force_locale(lang):
        text = describe(notification.kind, notification.params, cluster, _definition(cluster), lang)
        body = "\n\n".join(
            [
                text,
                absolute(notification.link) if notification.link else "",
                _("You can choose how you are told of this on your notification settings page."),
            ]
        )
        queue_email(user.email, _("Strategy studio: %(text)s", text=text), body)
    notification.emailed_at = utcnow()


def notify(
    users: Iterable[User],
    kind: str,
    cluster: Cluster | None,
    params: dict,
    link: str = "",
) -> list[Notification]:
    """Tell each person, as they chose for this kind: in the app and at once by e-mail
    (immediate), in the app and in the daily digest (digest), or not at all (off).

    ``params`` are plain values (names, keys, numbers), never a comment's text.
    """
    if kind not in NOTIFICATION_KINDS:
        raise ValueError(f"unknown notification kind: {kind}")
    people = {u.id: u for u in users if u is not None and u.active}
    if not people:
        return []
    modes = _modes(set(people), kind)
    made = []
    for uid, user in people.items():
        if modes[uid] == "off":
            continue
        notification = Notification(
            user_id=uid,
            cluster_id=cluster.id if cluster is not None else None,
            kind=kind,
            params=dict(params),
            link=link[:500],
        )
        db.session.add(notification)
        if modes[uid] == "immediate":
            _immediate_email(user, notification, cluster)
        made.append(notification)
    db.session.flush()
    return made


def _link(endpoint: str, fallback: str, **values: object) -> str:
    try:
        return url_for(endpoint, **values)
    except (BuildError, RuntimeError):
        # Outside a request (the worker, the CLI) or before that page exists: the path.
        return fallback


def stage_link(cluster: Cluster, stage_key: str) -> str:
    return _link(
        "clusters.detail",
        f"/c/{cluster.slug}#stage-{stage_key}",
        slug=cluster.slug,
        _anchor=f"stage-{stage_key}",
    )


def _people(cluster: Cluster, roles: tuple[Role, ...]) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.cluster_id == cluster.id, Membership.role.in_(roles))
        )
    )


def notify_stage_event(
    cluster: Cluster, stage_key: str, action: str, actor: User | None, reason: str = ""
) -> list[Notification]:
    """After a stage transition: submitting asks the moderators for a review; returning,
    approving or reopening tells the members and moderators. The actor is not told."""
    if action == "submit":
        kind, roles = "review_requested", REVIEWER_ROLES
    elif action in STAGE_CHANGES:
        kind, roles = "stage_changed", STAGE_NEWS_ROLES
    else:
        return []
    actor_id = actor.id if actor is not None else None
    users = [u for u in _people(cluster, roles) if u.id != actor_id]
    params: dict = {
        "stage": stage_key,
        "actor": actor.name if actor else "",
        "actor_form": actor.grammatical_form if actor else None,
    }
    if kind == "stage_changed":
        params["action"] = action
        params["reason"] = (reason or "")[:500]
    return notify(users, kind, cluster, params, stage_link(cluster, stage_key))


def notify_document_ready(document: Document, link: str | None = None) -> list[Notification]:
    """Tell whoever asked for a document that it is rendered (the worker calls this)."""
    if document.requested_by_id is None:
        return []
    cluster = db.session.get(Cluster, document.cluster_id)
    user = db.session.get(User, document.requested_by_id)
    if cluster is None or user is None:
        return []
    if link is None:
        link = _link(
            "clusters.detail",
            f"/c/{cluster.slug}#documents",
            slug=cluster.slug,
            _anchor="documents",
        )
    params = {"version": document.version, "document": document.id}
    return notify([user], "document_ready", cluster, params, link)


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the person's notifications read (all of them when ``ids`` is None)."""
    query = (
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    if ids is not None:
        ids = list(ids)
        if not ids:
            return 0
        query = query.where(Notification.id.in_(ids))
    return db.session.execute(query.execution_options(synchronize_session=False)).rowcount


@dataclass(frozen=True)
class Item:
    """A notification as a page or the API shows it."""

    id: int
    kind: str
    cluster: str | None
    text: str
    link: str
    created_at: datetime
    read: bool


def items_for(user: User, lang: str, unread_only: bool = False, limit: int = 100) -> list[Item]:
    """The person's latest notifications with their text in ``lang`` (two queries)."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    rows = db.session.scalars(
        query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    ).all()
    cluster_ids = {n.cluster_id for n in rows if n.cluster_id is not None}
    clusters = (
        {c.id: c for c in db.session.scalars(select(Cluster).where(Cluster.id.in_(cluster_ids)))}
        if cluster_ids
        else {}
    )
    return [
        Item(
            id=n.id,
            kind=n.kind,
            cluster=clusters[n.cluster_id].slug if n.cluster_id in clusters else None,
            text=text_for(n, clusters.get(n.cluster_id), lang),
            link=n.link,
            created_at=n.created_at,
            read=n.read_at is not None,
        )
        for n in rows
    ]


def send_digests() -> int:
    """One e-mail per person with the unread notifications not e-mailed yet, of kinds they
    did not turn off; each is e-mailed once. Returns the number of e-mails queued."""
    pending = db.session.scalars(
        select(Notification)
        .where(Notification.emailed_at.is_(None), Notification.read_at.is_(None))
        .order_by(Notification.user_id, Notification.created_at, Notification.id)
    ).all()
    by_user: dict[int, list[Notification]] = {}
    for n in pending:
        by_user.setdefault(n.user_id, []).append(n)
    if not by_user:
        return 0
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(set(by_user))))}
    cluster_ids = {n.cluster_id for n in pending if n.cluster_id is not None}
    clusters = {c.id: c for c in db.session.scalars(select(Cluster).where(Cluster.id.in_(cluster_ids)))}
    sent = 0
    now = utcnow()
    for uid, items in by_user.items():
        user = users.get(uid)
        if user is None or not user.active:
            continue
        modes = preferences_of(user)
        items = [n for n in items if modes[n.kind] != "off"]
        if not items:
            continue
        lang = user_language(user)
        lines = []
        for n in items:
            cluster = clusters.get(n.cluster_id)
            lines.append(f"- {text_for(n, cluster, lang)}")
            if n.link:
                lines.append(f"  {absolute(n.link)}")
            n.emailed_at = now
        with force_locale(lang):
            subject = _("Strategy studio: %(count)s new notifications", count=len(items))
            intro = _("What happened in your clusters since the last digest:")
            outro = _("You can choose how you are told of each kind on your notification settings page.")
        queue_email(user.email, subject, "\n".join([intro, "", *lines, "", outro]))
        sent += 1
    db.session.flush()
    return sent
