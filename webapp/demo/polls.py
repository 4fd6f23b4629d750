"""The demo's polls: each cluster prioritised at its fifth workshop (February 2014).

A dot vote over the action plan (or the goals, where the plan is not written yet, or
typed options where neither is), one voice per member organisation, closed at the end
of the workshop. The ballots are made by a seeded generator, so every load gives the
same results, and each passes `workflows.polls.check_ballot` like a real vote.
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from webapp import audit_trail
from webapp.extensions import db
from webapp.models import Cluster, Meeting, Membership, Poll, PollOption, Section, User, Vote
from workflows import polls as rules
from workflows.roles import MEMBER_ORGANISATION_ROLES, Role

DOTS, MAX_PER_OPTION, MAX_OPTIONS = 5, 3, 8
TYPED = [
    "Wspólna marka klastra",
    "Platforma wymiany zleceń",
    "Program szkoleń dla członków",
    "Udział w targach zagranicznych",
    "Wspólne laboratorium",
]


def _options(cluster: Cluster) -> tuple[str, list[PollOption]]:
    """The question and the options: actions, else goals, else typed ones."""
    contents = dict(
        db.session.execute(
            select(Section.key, Section.content).where(
                Section.cluster_id == cluster.id, Section.key.in_(("action_plan", "goals"))
            )
        ).all()
    )
    for key, kind, question in (
        ("action_plan", "action_plan", "Które działania planu realizujemy w pierwszej kolejności?"),
        ("goals", "goals", "Które cele są dla klastra najważniejsze?"),
    ):
        items = rules.section_items(kind, contents.get(key))
        if kind == "goals":
            items = [(i, label) for i, label in items if i.startswith("g")]  # goals, not objectives
        if len(items) >= rules.MIN_OPTIONS:
            return question, [
                PollOption(position=n, label=label, section_key=key, item_id=item_id)
                for n, (item_id, label) in enumerate(items[:MAX_OPTIONS])
            ]
    options = [PollOption(position=n, label=label) for n, label in enumerate(TYPED)]
    return "Które wspólne przedsięwzięcia klastra są najważniejsze?", options


def load_poll(cluster: Cluster) -> Poll:
    """One closed prioritisation poll from the fifth workshop, with its votes."""
    workshop = db.session.scalar(
        select(Meeting).where(
            Meeting.cluster_id == cluster.id, Meeting.kind == "workshop", Meeting.number == 5
        )
    )
    moderator = db.session.scalar(
        select(User)
        .join(Membership)
        .where(Membership.cluster_id == cluster.id, Membership.role == Role.MODERATOR.value)
    )
    voters = db.session.scalars(
        select(User)
        .join(Membership)
        .where(Membership.cluster_id == cluster.id, Membership.role.in_(MEMBER_ORGANISATION_ROLES))
        .order_by(User.id)
    ).all()
    question, options = _options(cluster)
    opens = workshop.starts_at + timedelta(hours=1)
    closes = opens + timedelta(minutes=40)
    poll = Poll(
        cluster_id=cluster.id,
        meeting_id=workshop.id,
        question=question,
        kind=rules.PollKind.DOT.value,
        voter=rules.VoterMode.ORGANISATION.value,
        dots=DOTS,
        max_per_option=MAX_PER_OPTION,
        opens_at=opens,
        closes_at=closes,
        closed_at=closes,
        changed_at=closes,
        created_by_id=moderator.id,
        created_at=opens,
        options=options,
    )
    db.session.add(poll)
    db.session.flush()
    # Dated in the demo's own time, as the rest of its history (webapp/demo/load.py).
    created = audit_trail.record("poll.create", cluster, subject=question, actor=moderator, poll_id=poll.id)
    created.created_at = opens
    checks = rules.Rules(
        rules.PollKind.DOT, tuple(o.id for o in poll.options), dots=DOTS, max_per_option=MAX_PER_OPTION
    )
    rng = random.Random(f"poll:{cluster.slug}")
    # Most organisations vote; a few are missing, as in any workshop.
    seen: set[int] = set()
    for minute, person in enumerate(voters):
        if person.organisation_id in seen or rng.random() < 0.15:
            continue
        seen.add(person.organisation_id)
        spread: dict[str, int] = {}
        for _ in range(DOTS):
            # Earlier options a little favoured, so the results have a shape.
            option = poll.options[min(int(rng.expovariate(0.45)), len(poll.options) - 1)].id
            if spread.get(str(option), 0) < MAX_PER_OPTION:
                spread[str(option)] = spread.get(str(option), 0) + 1
        ballot, problems = rules.check_ballot(checks, {"dots": spread})
        assert not problems, problems
        db.session.add(
            Vote(
                poll_id=poll.id,
                voter_key=rules.voter_key(poll.voter, Role.MEMBER, person.id, person.organisation_id),
                user_id=person.id,
                organisation_id=person.organisation_id,
                ballot=ballot,
                cast_at=opens + timedelta(minutes=5 + minute),
            )
        )
    closed = audit_trail.record("poll.close", cluster, subject=question, actor=moderator, poll_id=poll.id)
    closed.created_at = closes
    db.session.flush()
    return poll
