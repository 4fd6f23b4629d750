"""What the cluster page shows per stage: what it waits for and which buttons are live."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import get_locale
from flask_login import current_user

from webapp.models import Cluster
from webapp.workflow.facts import ClusterFacts, current_signoffs, load_facts
from webapp.workflow.messages import problem_message, unmet_message
from workflows.roles import Role
from workflows.signoffs import signoff_unmet
from workflows.stages import REASON_REQUIRED, Decision, waiting_for


@dataclass
class Button:
    action: str
    enabled: bool
    needs_reason: bool
    why_not: list[str]


@dataclass
class StagePanel:
    waiting: list[str]
    buttons: list[Button]
    problems: list[str] = field(default_factory=list)
    #: Open objections that block the stage, to link to (rows of comments.queries).
    objections: list = field(default_factory=list)
    #: Open proposals on the stage's sections, (section key, count): shown, never blocking.
    proposals: list = field(default_factory=list)


@dataclass
class SignOffPanel:
    signoffs: list
    quorum: object
    missing_kinds: list[str]
    can_sign: bool
    why_not: list[str]
    unsigned: list[str]


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


def stage_panels(
    cluster: Cluster, role: Role | None
) -> tuple[dict[str, StagePanel], SignOffPanel, ClusterFacts]:
    from webapp.comments.queries import open_objections
    from webapp.proposals.queries import open_by_stage
    from workflows.stages import available_actions

    facts = load_facts(cluster)
    names = titles(facts)
    objections: dict[int, list] = {}
    for row in open_objections(cluster):
        objections.setdefault(row.stage_id, []).append(row)
    stage_ids = {s.key: s.id for s in facts.stages}
    proposals = open_by_stage(cluster)
    panels = {}
    for stage_facts in facts.facts:
        key = stage_facts.key
        panels[key] = StagePanel(
            waiting=[
                unmet_message(u, names) for u in waiting_for(facts.definition, facts.facts, key, facts.quorum)
            ],
            buttons=[
                _button(d, names)
                for d in available_actions(facts.definition, facts.facts, key, role, facts.quorum)
            ],
            problems=[problem_message(p) for p in stage_facts.blocking_problems],
            objections=objections.get(stage_ids[key], []),
            proposals=proposals.get(stage_ids[key], []),
        )
    return panels, signoff_panel(cluster, role, facts), facts


def signoff_panel(cluster: Cluster, role: Role | None, facts: ClusterFacts) -> SignOffPanel:
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.i18n_labels import ORGANISATION_KIND_LABELS
    from webapp.models import Organisation

    org_id = current_user.organisation_id
    unmet = signoff_unmet(
        facts.definition,
        facts.states,
        role,
        organisation_is_member=org_id in facts.member_organisations,
        already_signed=org_id in facts.signed_organisation_ids,
    )
    unsigned_ids = set(facts.member_organisations) - facts.signed_organisation_ids
    unsigned = (
        sorted(db.session.scalars(select(Organisation.name).where(Organisation.id.in_(unsigned_ids))).all())
        if unsigned_ids
        else []
    )
    return SignOffPanel(
        signoffs=current_signoffs(cluster),
        quorum=facts.quorum,
        missing_kinds=[str(ORGANISATION_KIND_LABELS[k]) for k in facts.quorum.missing_kinds],
        can_sign=not unmet,
        why_not=[unmet_message(u) for u in unmet if u.code != "role_forbidden"],
        unsigned=unsigned,
    )
