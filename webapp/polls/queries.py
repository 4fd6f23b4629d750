"""Reading polls: a cluster's polls, one poll for a person, its results (workflows.polls
counts them; here the rows are gathered)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Cluster, Membership, Organisation, Poll, User, Vote
from webapp.models.base import utcnow
from webapp.timezone import local_iso
from workflows import polls as rules
from workflows.roles import MEMBER_ORGANISATION_ROLES, Role


def polls_of(cluster: Cluster) -> list[Poll]:
    """Newest first."""
    return list(
        db.session.scalars(
            select(Poll).where(Poll.cluster_id == cluster.id).order_by(Poll.created_at.desc(), Poll.id.desc())
        )
    )


def state_of(poll: Poll, now: datetime | None = None) -> rules.PollState:
    return rules.poll_state(poll.opens_at, poll.closes_at, poll.closed_at, now or utcnow())


def open_polls(cluster: Cluster) -> list[Poll]:
    now = utcnow()
    return [p for p in polls_of(cluster) if state_of(p, now) is rules.PollState.OPEN]


def poll_in(cluster: Cluster, poll_id: int) -> Poll:
    poll = db.session.scalar(select(Poll).where(Poll.id == poll_id, Poll.cluster_id == cluster.id))
    if poll is None:
        abort(404)
    return poll


def poll_by_id(poll_id: int) -> Poll:
    """The poll and nothing about its cluster: the caller checks the cluster next (404 for
    one the person may not see, as for a poll that does not exist)."""
    poll = db.session.get(Poll, poll_id)
    if poll is None:
        abort(404)
    return poll


def vote_of(poll: Poll, key: str) -> Vote | None:
    return db.session.scalar(select(Vote).where(Vote.poll_id == poll.id, Vote.voter_key == key))


@dataclass(frozen=True)
class VoterRow:
    """Who voted (shown unless the poll is anonymous): the organisation and who cast its vote."""

    organisation: str
    kind: str
    person: str
    cast_at: datetime
    observer: bool


@dataclass(frozen=True)
class Results:
    poll: Poll
    labels: dict[int, str]
    tally: rules.Tally
    turnout: rules.Turnout
    steps: list[rules.BordaStep]
    voters: list[VoterRow]
    votes: list[Vote]


def eligible_keys(cluster: Cluster, poll: Poll) -> set[str]:
    """Who could vote, as voter keys: member organisations (or their people without one),
    or every member person; observers are never in the turnout."""
    rows = db.session.execute(
        select(User.id, User.organisation_id)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.cluster_id == cluster.id, Membership.role.in_(MEMBER_ORGANISATION_ROLES))
    ).all()
    return {
        rules.voter_key(poll.voter, Role.MEMBER, user_id, organisation_id)
        for user_id, organisation_id in rows
    }


def results(cluster: Cluster, poll: Poll) -> Results:
    rows = db.session.execute(
        select(Vote, User, Organisation)
        .outerjoin(User, User.id == Vote.user_id)
        .outerjoin(Organisation, Organisation.id == Vote.organisation_id)
        .where(Vote.poll_id == poll.id)
        .order_by(Vote.cast_at, Vote.id)
    ).all()
    cast = [
        rules.CastVote(
            key=v.voter_key,
            ballot=v.ballot,
            organisation_kind=o.kind if o is not None else None,
            cast_at=v.cast_at,
            person_id=v.user_id,
            observer=v.observer,
            order=v.id,
        )
        for v, _u, o in rows
    ]
    options = [o.id for o in poll.options]
    tally = rules.tally(poll.kind, options, cast)
    voted = [v.key for v in cast if not v.observer]
    turnout = rules.turnout(voted, eligible_keys(cluster, poll))
    steps = rules.borda_steps(options, cast) if poll.kind == rules.PollKind.RANKING else []
    voters = [
        VoterRow(
            organisation=o.name if o is not None else "",
            kind=rules.kind_of(o.kind if o is not None else None),
            person=u.name if u is not None else "",
            cast_at=v.cast_at,
            observer=v.observer,
        )
        for v, u, o in rows
    ]
    return Results(
        poll, {o.id: o.label for o in poll.options}, tally, turnout, steps, voters, [v for v, _u, _o in rows]
    )


def results_json(res: Results) -> dict:
    """The API's and the live page's shape: no person is named in it."""
    return {
        "turnout": {"voted": res.turnout.voted, "eligible": res.turnout.eligible},
        "ballots": res.tally.ballots,
        "observer_ballots": res.tally.observer_ballots,
        "options": [
            {
                "id": r.option,
                "label": res.labels[r.option],
                "total": r.total,
                "place": r.place,
                "by_kind": dict(r.by_kind),
                "observers": r.observers,
            }
            for r in res.tally.options
        ],
    }


def closed_polls_snapshot(cluster: Cluster, language: str) -> list[dict]:
    """The closed polls as the document's annex shows them (oldest first), worded in the
    document's language; no person is named."""
    from flask_babel import force_locale

    from webapp.polls.messages import rule_text

    now = utcnow()
    closed = [p for p in reversed(polls_of(cluster)) if state_of(p, now) is rules.PollState.CLOSED]
    shots = []
    with force_locale(language):
        for poll in closed:
            res = results(cluster, poll)
            shots.append(
                {
                    "question": poll.question,
                    "kind": poll.kind,
                    "voter": poll.voter,
                    "rule": rule_text(poll),
                    "closed_at": local_iso(poll.closed_at or poll.closes_at),
                    "turnout": {"voted": res.turnout.voted, "eligible": res.turnout.eligible},
                    "options": [
                        {
                            "label": res.labels[r.option],
                            "total": r.total,
                            "place": r.place,
                            "by_kind": dict(r.by_kind),
                        }
                        for r in res.tally.ranked()
                    ],
                }
            )
    return shots


def poll_link(cluster: Cluster, poll_id: int) -> str:
    """The vote page's path (built without a request: the reminder runs in the worker)."""
    return f"/c/{cluster.slug}/polls/{poll_id}"


def voters_to_tell(cluster: Cluster, poll: Poll, only_not_voted: bool = False) -> list[User]:
    """Who may vote in the poll (observers when invited), optionally only those whose vote
    (or whose organisation's) is not in yet."""
    rows = db.session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.cluster_id == cluster.id, User.active.is_(True))
        .order_by(User.id)
    ).all()
    voted = (
        set(db.session.scalars(select(Vote.voter_key).where(Vote.poll_id == poll.id)))
        if only_not_voted
        else set()
    )
    people = []
    for user, role in rows:
        if not rules.may_vote(role, poll.invite_observers):
            continue
        if rules.voter_key(poll.voter, role, user.id, user.organisation_id) in voted:
            continue
        people.append(user)
    return people
