"""Verbs for clusters and their members. They flush and audit; the request commits."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from webapp import events, security_log
from webapp.auth.operations import normalise_email
from webapp.extensions import db
from webapp.models import Cluster, Membership, Section, Stage, User, WorkflowDefinitionRecord
from webapp.models.clusters import SECTORS
from webapp.people import invitations
from webapp.problems import Duplicate, Invalid
from workflows.content import empty_content
from workflows.definition import (
    WorkflowDefinition,
    default_definition,
    definition_to_dict,
    stored_version_problem,
)
from workflows.roles import MEMBERSHIP_ROLES
from workflows.stages import initial_states

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def definition_record(definition: WorkflowDefinition) -> WorkflowDefinitionRecord:
    """The stored copy of a definition version (clusters keep the one they started with).

    Refused (Invalid, nothing written) when that version is stored with another body: the
    definition was edited without a new version number (`workflows.definition`)."""
    record = db.session.scalar(
        select(WorkflowDefinitionRecord).where(
            WorkflowDefinitionRecord.key == definition.key,
            WorkflowDefinitionRecord.version == definition.version,
        )
    )
    if stored_version_problem(record.body if record is not None else None, definition):
        raise Invalid(
            "definition",
            _(
                "The workflow definition %(key)s version %(version)d is already stored with "
                "different content: it was changed without a new version number. Give the changed "
                "definition a new version number, then create the cluster again.",
                key=definition.key,
                version=definition.version,
            ),
        )
    if record is None:
        record = WorkflowDefinitionRecord(
            key=definition.key, version=definition.version, body=definition_to_dict(definition)
        )
        db.session.add(record)
        db.session.flush()
    return record


def create_cluster(
    slug: str,
    name: str,
    sector: str,
    goal: str = "",
    definition: WorkflowDefinition | None = None,
) -> Cluster:
    """A new cluster: its first stage drafting, the others locked, every section empty."""
    slug = (slug or "").strip().lower()
    if not SLUG_RE.fullmatch(slug) or len(slug) > 60:
        raise Invalid("slug", _("The short name may hold only lower-case letters, digits and hyphens."))
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise Invalid("name", _("Give the cluster's name (at most 200 characters)."))
    if sector not in SECTORS:
        raise Invalid("sector", _("Choose the sector."))
    if db.session.scalar(select(Cluster.id).where(Cluster.slug == slug)):
        raise Duplicate("slug", _("A cluster with this short name already exists."))
    definition = definition or default_definition()
    cluster = Cluster(
        slug=slug,
        name=name,
        sector=sector,
        goal=(goal or "").strip(),
        definition_record=definition_record(definition),
    )
    db.session.add(cluster)
    db.session.flush()
    position = 0
    states = initial_states(definition)
    for index, stage_def in enumerate(definition.stages):
        stage = Stage(cluster=cluster, key=stage_def.key, position=index, state=states[stage_def.key].value)
        db.session.add(stage)
        db.session.flush()
        for section_def in stage_def.sections:
            db.session.add(
                Section(
                    cluster_id=cluster.id,
                    stage_id=stage.id,
                    key=section_def.key,
                    kind=section_def.kind,
                    position=position,
                    content=empty_content(section_def.kind),
                )
            )
            position += 1
    events.emit("cluster.create", cluster, subject=slug)
    db.session.flush()
    return cluster


def set_member(cluster: Cluster, user: User, role: str) -> Membership:
    """Add a person to a cluster or change their role there."""
    if role not in {r.value for r in MEMBERSHIP_ROLES}:
        raise Invalid("role", _("Choose a role: moderator, member or observer."))
    membership = db.session.scalar(
        select(Membership).where(Membership.cluster_id == cluster.id, Membership.user_id == user.id)
    )
    if membership is None and not user.active:
        raise Invalid("user", _("This account is disabled; ask the agency to enable it before adding it."))
    if membership is None:
        membership = Membership(cluster=cluster, user=user, role=role)
        db.session.add(membership)
        events.emit("member.add", cluster, subject=user.email, role=role)
        security_log.event("member.role", cluster=cluster.slug, member_id=user.id, role=role)
    elif membership.role != role:
        events.emit("member.role", cluster, subject=user.email, role=role, previous=membership.role)
        security_log.event(
            "member.role",
            cluster=cluster.slug,
            member_id=user.id,
            role=role,
            previous=membership.role,
        )
        membership.role = role
    db.session.flush()
    return membership


@dataclass
class Added:
    membership: Membership
    #: Set when the person has no usable account yet: the link to pass on or e-mailed.
    invited: invitations.Invited | None = None


def add_by_email(
    cluster: Cluster,
    email: str,
    role: str,
    by: User,
    *,
    name: str = "",
    organisation_id: int | None = None,
    allowed_organisations: frozenset[int] = frozenset(),
) -> Added:
    """A moderator adds a person by address, never by browsing the platform's people:
    an active account joins (or changes role), a disabled one is refused, an address
    nobody signs in with is invited (an account without a usable password, and a link).
    Someone invited before who has not come yet gets a new link.

    `allowed_organisations`: the organisations a newcomer may be put in (the cluster's).
    """
    email = normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        if organisation_id is not None and organisation_id not in allowed_organisations:
            raise Invalid("organisation_id", _("Choose one of this cluster's organisations."))
        invited = invitations.invite_new(email, name, organisation_id, cluster, by)
        return Added(set_member(cluster, invited.user, role), invited)
    membership = set_member(cluster, user, role)
    if invitations.pending(user):
        return Added(membership, invitations.invite_again(user, cluster, by))
    return Added(membership)


def remove_member(cluster: Cluster, membership: Membership) -> None:
    events.emit("member.remove", cluster, subject=membership.user.email, role=membership.role)
    db.session.delete(membership)
    db.session.flush()
