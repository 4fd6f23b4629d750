"""Collect a cluster's rows, and those they refer to, as one JSON-able document."""

from __future__ import annotations

import base64
from datetime import datetime

from sqlalchemy import Column, LargeBinary, Table, inspect, select, text
from sqlalchemy.types import DateTime

from webapp.backup import FORMAT, FORMAT_VERSION, TABLES
from webapp.comments import queries as comment_queries
from webapp.extensions import db
from webapp.models import (
    Attendance,
    AuditEvent,
    Cluster,
    Document,
    Meeting,
    Membership,
    Section,
    SectionRevision,
    SignOff,
    Stage,
)
from webapp.models.base import utcnow

#: The tables whose rows belong to one cluster, and how to select them.
_OWNED = {
    "clusters": lambda c: Cluster.__table__.c.id == c.id,
    "memberships": lambda c: Membership.__table__.c.cluster_id == c.id,
    "stages": lambda c: Stage.__table__.c.cluster_id == c.id,
    "sections": lambda c: Section.__table__.c.cluster_id == c.id,
    "section_revisions": lambda c: SectionRevision.__table__.c.section_id.in_(
        select(Section.id).where(Section.cluster_id == c.id)
    ),
    "signoffs": lambda c: SignOff.__table__.c.cluster_id == c.id,
    "meetings": lambda c: Meeting.__table__.c.cluster_id == c.id,
    "attendance": lambda c: Attendance.__table__.c.meeting_id.in_(
        select(Meeting.id).where(Meeting.cluster_id == c.id)
    ),
    "documents": lambda c: Document.__table__.c.cluster_id == c.id,
    "audit_events": lambda c: AuditEvent.__table__.c.cluster_id == c.id,
}
#: Tables whose rows are exported because an owned row refers to them, resolved last
#: first: users refer to organisations, so users are collected before organisations.
_REFERENCED = ("workflow_definitions", "users", "organisations")


class ClusterNotFound(LookupError):
    pass


def table(name: str) -> Table:
    return db.metadata.tables[name]


def schema_revision() -> str:
    """The Alembic revision of the database ('' when it was not migrated by Alembic)."""
    if not inspect(db.session.connection()).has_table("alembic_version"):
        return ""  # built with create_all, not migrated
    return db.session.scalar(text("SELECT version_num FROM alembic_version")) or ""


def encode(column: Column, value: object) -> object:
    if value is None:
        return None
    if isinstance(column.type, DateTime) or isinstance(getattr(column.type, "impl", None), DateTime):
        assert isinstance(value, datetime)
        return value.isoformat()
    if isinstance(column.type, LargeBinary):
        return base64.b64encode(value).decode("ascii")
    return value


def _rows(name: str, where) -> list[dict]:  # noqa: ANN001
    t = table(name)
    result = db.session.execute(select(t).where(where).order_by(t.c.id)).mappings()
    return [{c.name: encode(c, row[c.name]) for c in t.columns} for row in result]


def referenced_ids(rows_by_table: dict[str, list[dict]], target: str) -> set[int]:
    """Ids of `target` rows named by a foreign key of any row collected so far."""
    ids: set[int] = set()
    for name, rows in rows_by_table.items():
        for column in table(name).columns:
            if any(fk.column.table.name == target for fk in column.foreign_keys):
                ids.update(row[column.name] for row in rows if row[column.name] is not None)
    return ids


def export_cluster(slug: str) -> dict:
    """The whole of one cluster as a JSON-able document (see webapp.backup)."""
    cluster = db.session.scalar(select(Cluster).where(Cluster.slug == slug))
    if cluster is None:
        raise ClusterNotFound(slug)
    rows: dict[str, list[dict]] = {name: _rows(name, where(cluster)) for name, where in _OWNED.items()}
    # Comments are read in one place only, through the visibility filter (all, here).
    comments = table("comments")
    rows["comments"] = [
        {c.name: encode(c, row[c.name]) for c in comments.columns}
        for row in comment_queries.rows_for_backup(cluster)
    ]
    for name in _REFERENCED:
        ids = referenced_ids(rows, name)
        rows[name] = _rows(name, table(name).c.id.in_(sorted(ids))) if ids else []
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema": schema_revision(),
        "exported_at": utcnow().isoformat(),
        "cluster": slug,
        "tables": {name: rows[name] for name in TABLES},
    }
