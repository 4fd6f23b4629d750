"""Verbs for polls: create, vote, close, apply the results. They check, flush and emit an
event; the request commits.

A vote is one row per (poll, voter key), written by an INSERT … ON CONFLICT DO UPDATE
(SQLite and PostgreSQL both have it), after a conditional UPDATE of the poll that only
matches an open poll: that UPDATE is what refuses a vote once the poll is closed, and on
PostgreSQL its row lock orders a vote and a close that arrive together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from webapp import events
from webapp.clusters.queries import definition_of
from webapp.extensions import db
from webapp.inputs import DATE_YEARS
from webapp.models import Cluster, Meeting, Poll, PollOption, Section, Stage, User, Vote
from webapp.models.base import utcnow
from webapp.polls.messages import problems_message
from webapp.problems import Invalid, WrongState
from webapp.sections.messages import read_only_message
from webapp.sections.operations import SaveConflict, save_section
from workflows import polls as rules
from workflows.editing import edit_refusal
from workflows.roles import Role


@dataclass
class OptionInput:
    label: str = ""
    section: str = ""
    item_id: str = ""


@dataclass
class PollInput:
    question: str
    kind: str
    options: list[OptionInput]
    voter: str = rules.VoterMode.ORGANISATION
    dots: int | None = None
    max_per_option: int | None = None
    multiple: bool = False
    anonymous: bool = False
    hide_results: bool = False
    invite_observers: bool = False
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    meeting_id: int | None = None
    options_field: str = field(default="options")


def _options(cluster: Cluster, data: PollInput) -> list[PollOption]:
    """Typed options as given; an item of a structured section by its current label."""
    definition = definition_of(cluster)
    contents: dict[str, tuple[str, object]] = {}
    made = []
    for position, given in enumerate(data.options):
        if given.section or given.item_id:
            if given.section not in contents:
                try:
                    kind = definition.section(given.section)[1].kind
                except KeyError:
                    raise Invalid(
                        data.options_field, _("There is no section „%(key)s”.", key=given.section[:50])
                    ) from None
                if kind not in rules.OPTION_SOURCES:
                    raise Invalid(
                        data.options_field,
                        _("Options can be drawn from SWOT, goals or the action plan only."),
                    )
                content = db.session.scalar(
                    select(Section.content).where(
                        Section.cluster_id == cluster.id, Section.key == given.section
                    )
                )
                contents[given.section] = (kind, content)
            kind, content = contents[given.section]
            items = dict(rules.section_items(kind, content))
            if given.item_id not in items:
                raise Invalid(
                    data.options_field,
                    _("The item „%(item)s” is not in that section.", item=given.item_id[:64]),
                )
            label = items[given.item_id]
            made.append(
                PollOption(position=position, label=label, section_key=given.section, item_id=given.item_id)
            )
        else:
            label = " ".join(given.label.split())
            if not label:
                raise Invalid(data.options_field, _("An option needs a label."))
            if len(label) > rules.MAX_LABEL_CHARS:
                raise Invalid(
                    data.options_field,
                    _("An option's label has at most %(max)d characters.", max=rules.MAX_LABEL_CHARS),
                )
            made.append(PollOption(position=position, label=label))
    return made


def create_poll(cluster: Cluster, data: PollInput, actor: User) -> Poll:
    question = " ".join(data.question.split())
    if not question:
        raise Invalid("question", _("Ask a question."))
    if len(question) > rules.MAX_QUESTION_CHARS:
        raise Invalid(
            "question", _("The question has at most %(max)d characters.", max=rules.MAX_QUESTION_CHARS)
        )
    kind = rules.PollKind(data.kind)
    first, last = DATE_YEARS
    if data.closes_at is not None and not first < data.closes_at.year < last:
        # Checked before any comparison: a year at the edge overflows when moved to UTC.
        raise Invalid(
            "closes_at", _("Give a date between the years %(first)d and %(last)d.", first=first, last=last)
        )
    options = _options(cluster, data)
    opens_at = data.opens_at or utcnow()
    dots = data.dots if kind is rules.PollKind.DOT else None
    per_option = data.max_per_option if kind is rules.PollKind.DOT else None
    problems = rules.check_poll(kind, [o.label for o in options], dots, per_option, opens_at, data.closes_at)
    if problems:
        where = {
            "dots_needed": "dots",
            "max_per_option_range": "max_per_option",
            "closes_before_opens": "closes_at",
        }.get(problems[0].code, data.options_field)
        raise Invalid(where, problems_message(problems))
    meeting_id = None
    if data.meeting_id:
        meeting_id = db.session.scalar(
            select(Meeting.id).where(Meeting.id == data.meeting_id, Meeting.cluster_id == cluster.id)
        )
        if meeting_id is None:
            raise Invalid("meeting_id", _("That meeting is not one of this cluster's."))
    poll = Poll(
        cluster_id=cluster.id,
        meeting_id=meeting_id,
        question=question,
        kind=kind.value,
        voter=rules.VoterMode(data.voter).value,
        multiple=bool(data.multiple) and kind is rules.PollKind.CHOICE,
        dots=dots,
        max_per_option=per_option,
        anonymous=data.anonymous,
        hide_results=data.hide_results,
        invite_observers=data.invite_observers,
        opens_at=opens_at,
        closes_at=data.closes_at,
        changed_at=utcnow(),
        created_by_id=actor.id,
        options=options,
    )
    db.session.add(poll)
    db.session.flush()
    events.emit(
        "poll.create",
        cluster,
        subject=question,
        actor=actor,
        context={"poll": poll},
        poll_id=poll.id,
        kind=poll.kind,
        voter=poll.voter,
    )
    return poll


def ballot_rules(poll: Poll) -> rules.Rules:
    return rules.Rules(
        rules.PollKind(poll.kind),
        tuple(o.id for o in poll.options),
        dots=poll.dots,
        max_per_option=poll.max_per_option,
        multiple=poll.multiple,
    )


def closed_message() -> str:
    return _("This poll is closed: votes are no longer accepted and its results are final.")


def cast_vote(cluster: Cluster, poll: Poll, user: User, role: Role, ballot: object) -> Vote:
    """Count `ballot` as the voter's vote (replacing their earlier one, or their
    organisation's). The caller has checked `may_vote`."""
    stored, problems = rules.check_ballot(ballot_rules(poll), ballot)
    if problems or stored is None:
        raise Invalid("ballot", problems_message(problems, {o.id: o.label for o in poll.options}))
    now = utcnow()
    state = rules.poll_state(poll.opens_at, poll.closes_at, poll.closed_at, now)
    if state is rules.PollState.SCHEDULED:
        raise WrongState("ballot", _("This poll is not open yet."), code="poll_not_open")
    still_open = db.session.execute(
        update(Poll)
        .where(
            Poll.id == poll.id,
            Poll.closed_at.is_(None),
            or_(Poll.closes_at.is_(None), Poll.closes_at > now),
        )
        .values(changed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if still_open != 1:
        raise WrongState("ballot", closed_message(), code="poll_closed")
    key = rules.voter_key(poll.voter, role, user.id, user.organisation_id)
    observer = rules.is_observer_vote(role)
    values = {
        "poll_id": poll.id,
        "voter_key": key,
        "user_id": user.id,
        "organisation_id": user.organisation_id,
        "observer": observer,
        "ballot": stored,
        "cast_at": now,
        "changes": 1,
    }
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(Vote).values(**values)
    db.session.execute(
        insert.on_conflict_do_update(
            index_elements=["poll_id", "voter_key"],
            set_={
                "user_id": insert.excluded.user_id,
                "organisation_id": insert.excluded.organisation_id,
                "observer": insert.excluded.observer,
                "ballot": insert.excluded.ballot,
                "cast_at": insert.excluded.cast_at,
                "changes": Vote.changes + 1,
            },
        ),
        execution_options={"synchronize_session": False},
    )
    vote = db.session.scalars(
        select(Vote)
        .where(Vote.poll_id == poll.id, Vote.voter_key == key)
        .execution_options(populate_existing=True)
    ).one()
    # The trail counts the vote; who cast an anonymous poll's vote stays out of it.
    events.emit(
        "poll.vote",
        cluster,
        subject=poll.question,
        actor=None if not poll.anonymous else _ANONYMOUS,
        poll_id=poll.id,
        changed=vote.changes > 1,
    )
    db.session.flush()
    return vote


class _Nobody:
    """An actor the audit trail stores as none (`events.emit` fills a missing actor with
    the person signed in)."""

    id = None


_ANONYMOUS = _Nobody()


def close_poll(cluster: Cluster, poll: Poll, actor: User) -> Poll:
    now = utcnow()
    closed = db.session.execute(
        update(Poll)
        .where(Poll.id == poll.id, Poll.closed_at.is_(None))
        .values(closed_at=now, changed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if closed != 1:
        raise WrongState("poll", _("This poll is already closed."), code="poll_closed")
    db.session.refresh(poll)
    events.emit("poll.close", cluster, subject=poll.question, actor=actor, poll_id=poll.id)
    db.session.flush()
    return poll


def apply_priorities(
    cluster: Cluster, poll: Poll, actor: User, role: Role, ranked_item_ids: list[str]
) -> int:
    """Reorder the section the poll's options come from, best first, through the sections'
    save (a revision credited to `actor`, so the history shows where the order came from).
    Returns the revision made (or the current one when the order was already so)."""
    if (
        rules.poll_state(poll.opens_at, poll.closes_at, poll.closed_at, utcnow())
        is not rules.PollState.CLOSED
    ):
        raise WrongState("poll", _("Close the poll before applying its results."), code="poll_open")
    keys = {o.section_key for o in poll.options if o.section_key}
    if len(keys) != 1:
        raise WrongState(
            "poll",
            _("Only a poll over one section's goals or actions can set their order."),
            code="not_prioritisable",
        )
    (key,) = keys
    row = db.session.execute(
        select(Section, Stage)
        .join(Stage, Stage.id == Section.stage_id)
        .where(Section.cluster_id == cluster.id, Section.key == key)
    ).first()
    if row is None or row[0].kind not in rules.PRIORITISABLE:
        raise WrongState(
            "poll",
            _("Only a poll over one section's goals or actions can set their order."),
            code="not_prioritisable",
        )
    section, stage = row
    refusal = edit_refusal(role, stage.state)
    if refusal:
        raise WrongState("poll", read_only_message(refusal), code=refusal)
    content = rules.prioritised(section.kind, section.content, ranked_item_ids)
    try:
        result = save_section(section, content, section.revision, actor)
    except SaveConflict:  # pragma: no cover - a save at the same base merges or repeats
        raise WrongState("poll", _("The section changed meanwhile; try again."), code="conflict") from None
    poll.applied_at = utcnow()
    poll.applied_revision = result.revision
    events.emit(
        "poll.apply",
        cluster,
        subject=poll.question,
        actor=actor,
        poll_id=poll.id,
        section=key,
        revision=result.revision,
    )
    db.session.flush()
    return result.revision


#: How long before a poll closes its voters who have not voted yet are reminded.
REMIND_BEFORE = timedelta(hours=2)


def remind_closing(now: datetime | None = None) -> int:
    """Remind, once, the voters of each poll that closes within REMIND_BEFORE (the beat
    calls it); the conditional UPDATE makes two workers remind once. Counts the polls."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Poll).where(
            Poll.closed_at.is_(None),
            Poll.reminded_at.is_(None),
            Poll.closes_at.is_not(None),
            Poll.closes_at > now,
            Poll.closes_at <= now + REMIND_BEFORE,
            Poll.opens_at <= now,
        )
    ).all()
    reminded = 0
    for poll in due:
        won = db.session.execute(
            update(Poll)
            .where(Poll.id == poll.id, Poll.reminded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if won != 1:
            continue
        cluster = db.session.get(Cluster, poll.cluster_id)
        events.emit("poll.remind", cluster, subject=poll.question, context={"poll": poll}, poll_id=poll.id)
        reminded += 1
    db.session.flush()
    return reminded
