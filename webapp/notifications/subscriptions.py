"""Which events tell whom: the notifications' subscriptions to `webapp.events`.

A new kind of notification is a function here (and its kind in the model, with a
migration); the operations that emit the events do not change. A notification that
cannot be written is logged and never undoes the change it tells of (a savepoint).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from webapp.comments import queries
from webapp.comments.operations import comment_link, mentioned
from webapp.events import Event, happened
from webapp.extensions import db
from webapp.models import Cluster, Comment, Section, User
from webapp.notifications.operations import notify, notify_document_ready, notify_stage_event
from workflows.roles import REVIEWER_ROLES
from workflows.visibility import OBJECTION, can_see_comment

log = logging.getLogger(__name__)

Subscriber = Callable[[Event], object]
_BY_VERB: dict[str, Subscriber] = {}
_BY_PREFIX: dict[str, Subscriber] = {}


def on(verb: str) -> Callable[[Subscriber], Subscriber]:
    """Subscribe to one verb, or to a family with a trailing `*` ("stage.*")."""

    def register(subscriber: Subscriber) -> Subscriber:
        if verb.endswith("*"):
            _BY_PREFIX[verb[:-1]] = subscriber
        else:
            _BY_VERB[verb] = subscriber
        return subscriber

    return register


@happened.connect
def _dispatch(verb: str, event: Event) -> None:
    subscribers = [s for prefix, s in _BY_PREFIX.items() if verb.startswith(prefix)]
    if verb in _BY_VERB:
        subscribers.append(_BY_VERB[verb])
    if not subscribers:
        return
    db.session.flush()  # the change itself: its own errors belong to the operation
    for subscriber in subscribers:
        try:
            with db.session.begin_nested():
                subscriber(event)
        except SQLAlchemyError:
            log.exception("could not notify of %s in cluster %s", verb, getattr(event.cluster, "id", None))


@on("stage.*")
def _stage(event: Event) -> None:
    """Submitting asks moderators for a review; returning, approving, reopening tells the team."""
    notify_stage_event(event.cluster, event.subject, event.verb.split(".", 1)[1], event.actor, event.reason)


@on("document.ready")
def _document(event: Event) -> None:
    notify_document_ready(event.context["document"])


@on("comment.post")
def _comment(event: Event) -> None:
    """Mentions, then the parent's author, then the section's writers (for objections):
    each person told once, and only if the comment's visibility lets them see it."""
    cluster: Cluster = event.cluster
    section: Section = event.context["section"]
    comment: Comment = event.context["comment"]
    parent: Comment | None = event.context.get("parent")
    author: User = event.actor
    told: set[int] = {author.id}
    people = queries.cluster_people(cluster)
    wanted: list[tuple[str, set[int]]] = [("mention", {p.id for p in mentioned(comment.body, people)})]
    if comment.kind == OBJECTION:
        # An objection holds the stage back: the moderators hear of it first, as an objection.
        wanted.insert(0, ("objection", {p.id for p in people if p.role in REVIEWER_ROLES}))
    if parent is not None and parent.author_id is not None:
        wanted.append(("reply", {parent.author_id}))
    if comment.kind == OBJECTION:
        wanted.append(("objection", queries.section_authors(section)))
    roles = queries.roles_of(cluster, set().union(*(ids for _kind, ids in wanted)))
    users = queries.users_by_id(set(roles))
    params = {
        "section": section.key,
        "actor": author.name,
        "actor_form": author.grammatical_form,
        "comment": comment.id,
    }
    link = comment_link(cluster.slug, section.key, comment.id)
    for kind, ids in wanted:
        recipients = [
            users[uid]
            for uid in sorted(ids - told)
            if uid in users and can_see_comment(roles.get(uid), comment.visibility)
        ]
        told |= {u.id for u in recipients}
        notify(recipients, kind, cluster, params, link)


@on("comment.edit")
def _comment_edited(event: Event) -> None:
    """People newly named in the rewritten text are told; those named before are not again."""
    cluster: Cluster = event.cluster
    section: Section = event.context["section"]
    comment: Comment = event.context["comment"]
    people = queries.cluster_people(cluster)
    before = {p.id for p in mentioned(event.context["previous_body"], people)}
    newly = {p.id for p in mentioned(comment.body, people)} - before
    if not newly:
        return
    roles = queries.roles_of(cluster, newly)
    users = queries.users_by_id(set(roles))
    recipients = [
        users[uid]
        for uid in sorted(newly)
        if uid in users and uid != event.actor.id and can_see_comment(roles[uid], comment.visibility)
    ]
    notify(
        recipients,
        "mention",
        cluster,
        {
            "section": section.key,
            "actor": event.actor.name,
            "actor_form": event.actor.grammatical_form,
            "comment": comment.id,
        },
        comment_link(cluster.slug, section.key, comment.id),
    )


@on("proposal.create")
def _proposal(event: Event) -> None:
    """A new proposal: those who wrote the section and its moderators, if they may decide."""
    from webapp.proposals.operations import proposal_link
    from workflows.roles import REVIEWER_ROLES, Permission, can

    cluster: Cluster = event.cluster
    section: Section = event.context["section"]
    wanted = queries.section_authors(section) | {
        p.id for p in queries.cluster_people(cluster) if p.role in REVIEWER_ROLES
    }
    roles = queries.roles_of(cluster, wanted - {event.actor.id})
    users = queries.users_by_id({uid for uid, role in roles.items() if can(role, Permission.EDIT_SECTION)})
    notify(
        [users[uid] for uid in sorted(users)],
        "proposal",
        cluster,
        {"section": section.key, "actor": event.actor.name, "proposal": event.context["proposal"].id},
        proposal_link(cluster, section.key, event.context["proposal"].id),
    )


@on("proposal.accept")
@on("proposal.reject")
@on("proposal.outdate")
def _proposal_decided(event: Event) -> None:
    """The proposer hears what became of their proposal (not of their own decision)."""
    from webapp.proposals.operations import proposal_link

    proposal = event.context["proposal"]
    actor = event.actor
    if proposal.author_id is None or (actor is not None and actor.id == proposal.author_id):
        return
    users = queries.users_by_id({proposal.author_id})
    section: Section = event.context["section"]
    notify(
        list(users.values()),
        "proposal_decided",
        event.cluster,
        {
            "section": section.key,
            "actor": actor.name if actor is not None else "",
            "proposal": proposal.id,
            "decision": event.verb.split(".", 1)[1],
        },
        proposal_link(event.cluster, section.key, proposal.id),
    )


@on("poll.create")
@on("poll.remind")
def _poll(event: Event) -> None:
    """A poll opens: those who may vote in it; it closes soon: those whose vote is not in."""
    from webapp.polls.queries import poll_link, voters_to_tell

    poll = event.context["poll"]
    reminder = event.verb == "poll.remind"
    people = voters_to_tell(event.cluster, poll, only_not_voted=reminder)
    actor_id = event.actor.id if event.actor is not None else None
    notify(
        [p for p in people if p.id != actor_id],
        "poll_closing" if reminder else "poll_opened",
        event.cluster,
        {"question": poll.question, "poll": poll.id},
        poll_link(event.cluster, poll.id),
    )
