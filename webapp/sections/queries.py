"""Reading sections and their history."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.extensions import db
from webapp.models import Cluster, Section, SectionRevision, Stage

PAGE_SIZE = 100


def section_of(cluster: Cluster, key: str) -> tuple[Section, Stage]:
    """The section and its stage, or 404."""
    row = db.session.execute(
        select(Section, Stage)
        .join(Stage, Stage.id == Section.stage_id)
        .where(Section.cluster_id == cluster.id, Section.key == key)
    ).first()
    if row is None:
        abort(404)
    return row[0], row[1]


def revisions(section: Section, before: int | None = None, limit: int = PAGE_SIZE) -> list[SectionRevision]:
    """Newest first; `before` pages back through older ones."""
    query = (
        select(SectionRevision)
        .where(SectionRevision.section_id == section.id)
        .options(joinedload(SectionRevision.author), joinedload(SectionRevision.accepted_by))
        .order_by(SectionRevision.number.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(SectionRevision.number < before)
    return list(db.session.scalars(query))
