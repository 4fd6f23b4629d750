"""Verbs of proposals: propose, accept, reject, withdraw.

Accepting is a save (webapp.sections.operations.save_section) with the proposal's base
revision: the same three-way merge, the same conditional write, the same conflict. The
revision is credited to the proposer and records who accepted it. A proposal that does
not merge because its section was replaced since (workflows.proposals.outdated) is
closed as outdated instead of offered as a conflict; it stays readable.

Each verb checks the person's right (workflows.proposals), changes the rows, emits its
event (audit trail, notifications) and flushes; the request commits once. A proposal
changes state with a conditional UPDATE (WHERE status = 'open'), so two people deciding
at once cannot both win.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select, update

from webapp import events
from webapp.access import role_in
from webapp.extensions import db
from webapp.models import Cluster, Proposal, Section, Stage, User
from webapp.models.base import utcnow
from webapp.problems import Invalid, Problem, WrongState, checked_text
from webapp.sections.messages import content_error_message, read_only_message
from webapp.sections.operations import SaveConflict, SaveResult, StaleBase, revision_content, save_section
from workflows.content import ContentError, normalize_content
from workflows.merge import RESOLUTIONS, resolve
from workflows.proposals import (
    MAX_NOTE,
    MAX_REASON,
    NOT_AUTHOR,
    NOT_OPEN,
    ROLE_FORBIDDEN,
    ProposalAction,
    ProposalState,
    decide_refusal,
    next_state,
    outdated,
    propose_refusal,
    withdraw_refusal,
)
from workflows.roles import Role

MAX_SOURCE = 100


class Forbidden(Problem):
    """The person's role does not allow this (403)."""

    status = 403
    code = "forbidden"


class Outdated(WrongState):
    """Accepting found the section replaced since the proposal's base: it is now outdated.

    The change of state must stand although the answer is a refusal (the view calls
    webapp.transaction.keep_when_refused)."""

    def __init__(self, proposal: Proposal) -> None:
        super().__init__(
            "proposal",
            _(
                "The section was rewritten since this proposal was made, so it no longer fits: "
                "it is kept as outdated, and can be proposed again on the current text."
            ),
            code="outdated",
        )
        self.proposal = proposal


def _refusal_problem(refusal: str) -> Problem:
    if refusal in (ROLE_FORBIDDEN, NOT_AUTHOR):
        if refusal == NOT_AUTHOR:
            return Forbidden("proposal", _("Only the author of a proposal may withdraw it."))
        return Forbidden("proposal", _("Your role does not let you do this with proposals here."))
    if refusal == NOT_OPEN:
        return WrongState("proposal", _("This proposal is already closed."), code="not_open")
    return WrongState("proposal", read_only_message(refusal), code=refusal)


def _section(cluster: Cluster, section_key: str) -> tuple[Section, Stage]:
    row = db.session.execute(
        select(Section, Stage)
        .join(Stage, Stage.id == Section.stage_id)
        .where(Section.cluster_id == cluster.id, Section.key == section_key)
    ).first()
    if row is None:
        raise Invalid("section", _("This cluster has no such section."))
    return row[0], row[1]


def proposal_link(cluster: Cluster, section_key: str, proposal_id: int) -> str:
    return f"/c/{cluster.slug}/s/{section_key}#proposal-{proposal_id}"


def propose(
    cluster: Cluster,
    section_key: str,
    author: User,
    content: object,
    base_revision: int,
    note: str | None = None,
    source: str | None = None,
) -> Proposal:
    """An open proposal of `content` for the section, written on `base_revision`.

    Refuses (webapp.problems): a person who may not comment there (Forbidden, 403), content
    of the wrong shape or the same as its base (Invalid, 422), a base that is not a
    revision of the section (WrongState "unknown_base", 409). `source` marks where it came
    from ("upload:12") when not typed by the person.
    """
    section, _stage = _section(cluster, section_key)
    refusal = propose_refusal(role_in(cluster, author))
    if refusal:
        raise _refusal_problem(refusal)
    if isinstance(base_revision, bool) or not isinstance(base_revision, int):
        raise Invalid("base_revision", _("Say which revision the proposal is based on."))
    if not 0 <= base_revision <= section.revision:
        raise WrongState(
            "base_revision",
            _("Revision %(n)s does not exist.", n=base_revision),
            code="unknown_base",
        )
    try:
        proposed = normalize_content(section.kind, content)
    except ContentError as error:
        raise Invalid("content", content_error_message(error)) from None
    if proposed == revision_content(section, base_revision):
        raise Invalid(
            "content", _("The proposal changes nothing: it is the same as the revision it is based on.")
        )
    proposal = Proposal(
        cluster_id=cluster.id,
        section_id=section.id,
        base_revision=base_revision,
        content=proposed,
        author_id=author.id,
        note=checked_text("note", note, MAX_NOTE, required=False),
        status=ProposalState.OPEN.value,
        reason="",
        source=checked_text("source", source, MAX_SOURCE, required=False),
        created_at=utcnow(),
    )
    db.session.add(proposal)
    db.session.flush()
    events.emit(
        "proposal.create",
        cluster,
        subject=f"{section.key}#{proposal.id}",
        actor=author,
        base_revision=base_revision,
        source=proposal.source,
        context={"section": section, "proposal": proposal},
    )
    return proposal


def _claim(proposal: Proposal, action: ProposalAction, user: User | None, reason: str = "") -> None:
    """Move an open proposal on, or WrongState if someone closed it meanwhile."""
    state = next_state(ProposalState.OPEN, action)
    now = utcnow()
    won = db.session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.status == ProposalState.OPEN.value)
        .values(
            status=state.value,
            reason=reason,
            decided_by_id=user.id if user is not None else None,
            decided_at=now,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        db.session.refresh(proposal)
        raise _refusal_problem(NOT_OPEN)
    db.session.refresh(proposal)


def _stage_of(proposal: Proposal) -> Stage:
    return db.session.get(Stage, proposal.section.stage_id)


def _emit(verb: str, proposal: Proposal, actor: User | None, reason: str = "", **details: object) -> None:
    events.emit(
        verb,
        proposal.cluster,
        subject=f"{proposal.section.key}#{proposal.id}",
        reason=reason,
        actor=actor,
        context={"section": proposal.section, "proposal": proposal},
        **details,
    )


def accept(
    proposal: Proposal,
    user: User,
    role: Role | str | None,
    resolution: str | None = None,
    theirs_revision: int | None = None,
) -> SaveResult:
    """Apply the proposal as the next revision of its section (merged like a save).

    Raises SaveConflict when later changes overlap with it (nothing written: the person
    chooses on screen, then accepts again with `resolution` and the revision the conflict
    showed as `theirs_revision`), Outdated when the section was replaced since its base
    (the proposal is closed as outdated), Forbidden/WrongState when not allowed now.
    """
    refusal = decide_refusal(role, _stage_of(proposal).state, proposal.status)
    if refusal:
        raise _refusal_problem(refusal)
    section = proposal.section
    content, base = proposal.content, proposal.base_revision
    if resolution is not None:
        if resolution not in RESOLUTIONS:
            raise Invalid("resolution", _("Choose what to keep: theirs, mine or both."))
        if theirs_revision is None or not base <= theirs_revision <= section.revision:
            raise WrongState(
                "theirs_revision", _("The section has changed again: accept once more."), code="conflict"
            )
        theirs = revision_content(section, theirs_revision)
        content = resolve(section.kind, revision_content(section, base), theirs, content, resolution)
        base = theirs_revision
    _claim(proposal, ProposalAction.ACCEPT, user)
    credited = proposal.author if proposal.author is not None else user
    try:
        result = save_section(section, content, base, credited, accepted_by=user)
    except SaveConflict as conflict:
        if resolution is None and outdated(section.kind, conflict.base, conflict.theirs):
            _close_outdated(proposal, conflict.revision)
            raise Outdated(proposal) from None
        raise
    except StaleBase:
        _close_outdated(proposal, section.revision)
        raise Outdated(proposal) from None
    except ContentError as error:
        # Two sets of additions together can pass a limit (the merge is checked again).
        raise Invalid("content", content_error_message(error)) from None
    db.session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id)
        .values(revision=result.revision)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(proposal)
    _emit(
        "proposal.accept",
        proposal,
        user,
        revision=result.revision,
        merged=result.merged,
        author_id=proposal.author_id,
    )
    return result


def _close_outdated(proposal: Proposal, current_revision: int) -> None:
    db.session.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id)
        .values(status=ProposalState.OUTDATED.value, decided_by_id=None, reason="")
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(proposal)
    _emit("proposal.outdate", proposal, None, revision=current_revision, author_id=proposal.author_id)


def reject(proposal: Proposal, user: User, role: Role | str | None, reason: object) -> Proposal:
    """Close the proposal as rejected; the reason is required and shown to its author."""
    refusal = decide_refusal(role, _stage_of(proposal).state, proposal.status)
    if refusal:
        raise _refusal_problem(refusal)
    text = checked_text("reason", reason, MAX_REASON, required=True)
    _claim(proposal, ProposalAction.REJECT, user, reason=text)
    _emit("proposal.reject", proposal, user, reason=text, author_id=proposal.author_id)
    return proposal


def withdraw(proposal: Proposal, user: User) -> Proposal:
    """The author takes an open proposal back."""
    refusal = withdraw_refusal(proposal.author_id == user.id, proposal.status)
    if refusal:
        raise _refusal_problem(refusal)
    _claim(proposal, ProposalAction.WITHDRAW, user)
    _emit("proposal.withdraw", proposal, user)
    return proposal
