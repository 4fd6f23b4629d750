"""What the cluster page shows per stage: what it waits for and which buttons are live.

Everything here is read from one answer, `workflows.status.strategy_status`, so the
headline, the badges, the buttons, the sign-off panel and the API never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from flask_babel import get_locale
from flask_login import current_user

from webapp.collation import polish_sorted
from webapp.models import Cluster
from webapp.workflow.facts import ClusterFacts, current_signoffs, load_facts
from webapp.workflow.messages import problem_message, unmet_message
from workflows.completeness import Problem
from workflows.roles import Role
from workflows.stages import REASON_REQUIRED, Decision
from workflows.status import StageNote, StrategyStatus, strategy_status


@dataclass
class Button:
    action: str
    enabled: bool
    needs_reason: bool
    why_not: list[str]


@dataclass(frozen=True)
class ProblemLine:
    message: str
    section_title: str
    link: str


def problem_line(slug: str, problem: Problem, names: dict[str, str]) -> ProblemLine:
    anchor = f"item-{problem.item_id}" if problem.item_id else None
    return ProblemLine(
        message=problem_message(problem),
        section_title=names.get(problem.section_key, ""),
        link=url_for("sections.view", slug=slug, key=problem.section_key, _anchor=anchor),
    )


@dataclass
class StagePanel:
    waiting: list[str]
    buttons: list[Button]
    #: Completeness problems: each names its item and links to its row.
    problems: list[ProblemLine] = field(default_factory=list)
    #: Open objections that block the stage, to link to (rows of comments.queries).
    objections: list = field(default_factory=list)
    #: Open proposals on the stage's sections, (section key, count): shown, never blocking.
    proposals: list = field(default_factory=list)
    needs_review: bool = False
    #: Why the stage was returned or reopened, until it is submitted again.
    note: StageNote | None = None


@dataclass
class SignOffPanel:
    signoffs: list
    quorum: object
    missing_kinds: list[str]
    can_sign: bool
    why_not: list[str]
    unsigned: list[str]
    adopted: bool = False
    can_withdraw: bool = False
    #: Sign-off id -> the number of the document version it signed.
    versions: dict[int, int] = field(default_factory=dict)


def titles(facts: ClusterFacts) -> dict[str, str]:
    """Section titles by key, and stage titles by "stage:KEY": a section may share its
    stage's key (the default definition's goals stage holds a goals section)."""
    lang = str(get_locale())
    names = {sec.key: sec.title.get(lang) for s in facts.definition.stages for sec in s.sections}
    names.update({f"stage:{s.key}": s.title.get(lang) for s in facts.definition.stages})
    return names


def _button(decision: Decision, names: dict[str, str]) -> Button:
    return Button(
        action=decision.action.value,
        enabled=decision.allowed,
        needs_reason=decision.action in REASON_REQUIRED,
        why_not=[unmet_message(u, names) for u in decision.unmet],
    )


def status_for(facts: ClusterFacts, role: Role | None, user: object = None) -> StrategyStatus:
    """The strategy's status for this person (the signed-in one unless given)."""
    user = current_user if user is None else user
    org_id = getattr(user, "organisation_id", None)
    return strategy_status(
        facts.definition,
        facts.facts,
        role,
        facts.quorum,
        actor_id=getattr(user, "id", None),
        self_approval=facts.self_approval,
        organisation_is_member=org_id is not None and org_id in facts.member_organisations,
        organisation_signed=org_id is not None and org_id in facts.signed_organisation_ids,
        notes=facts.notes,
    )


def stage_panels(
    cluster: Cluster, role: Role | None
) -> tuple[dict[str, StagePanel], SignOffPanel, StrategyStatus]:
    from webapp.comments.queries import open_objections
    from webapp.proposals.queries import open_by_stage

    facts = load_facts(cluster)
    status = status_for(facts, role)
    names = titles(facts)
    objections: dict[int, list] = {}
    for row in open_objections(cluster):
        objections.setdefault(row.stage_id, []).append(row)
    stage_ids = {s.key: s.id for s in facts.stages}
    proposals = open_by_stage(cluster)
    panels = {}
    for stage in status.stages:
        key = stage.key
        panels[key] = StagePanel(
            waiting=[unmet_message(u, names) for u in stage.waiting],
            buttons=[_button(d, names) for d in stage.actions],
            problems=[problem_line(cluster.slug, p, names) for p in stage.problems],
            objections=objections.get(stage_ids.get(key), []),
            proposals=proposals.get(stage_ids.get(key), []),
            needs_review=stage.needs_review,
            note=stage.note,
        )
    return panels, signoff_panel(cluster, status, facts), status


def signoff_panel(cluster: Cluster, status: StrategyStatus, facts: ClusterFacts) -> SignOffPanel:
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.i18n_labels import ORGANISATION_KIND_LABELS
    from webapp.models import Document, Organisation

    signing = status.signing
    unsigned_ids = set(facts.member_organisations) - facts.signed_organisation_ids
    unsigned = (
        polish_sorted(
            db.session.scalars(select(Organisation.name).where(Organisation.id.in_(unsigned_ids))).all()
        )
        if unsigned_ids
        else []
    )
    signoffs = current_signoffs(cluster)
    document_ids = {s.document_id for s in signoffs if s.document_id is not None}
    query = select(Document.id, Document.version).where(Document.id.in_(document_ids))
    numbers = dict(db.session.execute(query).all()) if document_ids else {}
    return SignOffPanel(
        signoffs=signoffs,
        versions={s.id: numbers[s.document_id] for s in signoffs if s.document_id in numbers},
        quorum=facts.quorum,
        missing_kinds=[str(ORGANISATION_KIND_LABELS[k]) for k in signing.missing_kinds],
        can_sign=signing.can_sign,
        why_not=[unmet_message(u) for u in signing.why_not],
        # After the adoption, nobody is "not signed yet": the vote is over.
        unsigned=[] if signing.adopted else unsigned,
        adopted=signing.adopted,
        can_withdraw=signing.can_withdraw,
    )
