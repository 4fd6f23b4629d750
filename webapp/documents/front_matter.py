"""What the document's front matter needs that the strategy itself does not hold.

The agency (name, city, logo: from the settings) for the title page, and the history of
the cluster's document versions for the "metryka": each version's date, state, the
sections whose revision changed since the version before, and who adopted it.

Why the history is carried from version to version: each new snapshot copies the latest
version's history and adds its own entry, so asking for a version reads one earlier
snapshot, not all of them (only snapshots made before the history existed are walked).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from webapp.clusters.queries import definition_of
from webapp.extensions import db
from webapp.models import AuditEvent, Cluster, Document, User
from webapp.timezone import local_iso

log = logging.getLogger(__name__)


def agency() -> dict:
    """``{"name", "city"}`` and, when ``AGENCY_LOGO`` names a readable PNG, ``"logo"`` (base64)."""
    config = current_app.config
    found = {"name": config.get("AGENCY_NAME", ""), "city": config.get("AGENCY_CITY", "")}
    path = config.get("AGENCY_LOGO", "")
    if path:
        try:
            found["logo"] = base64.b64encode(Path(path).read_bytes()).decode("ascii")
        except OSError:  # checked at start-up; a file gone since costs the logo, not the document
            log.warning("AGENCY_LOGO %s cannot be read; the title page goes without it", path)
    return found


def history(cluster: Cluster, stages: Sequence[Mapping], final: bool) -> list[dict]:
    """Earlier versions' entries, then this one's (``version``/``created_at``: set by ``stamp``)."""
    documents = db.session.scalars(
        select(Document).where(Document.cluster_id == cluster.id).order_by(Document.version.desc()).limit(1)
    ).all()
    previous = documents[0] if documents else None
    earlier = _carried(previous) if previous is not None else []
    if previous is not None and earlier is None:
        earlier = _rebuilt(cluster)
    current: dict = {"version": None, "created_at": None, "final": final}
    if previous is not None:
        current["changed_sections"] = changed_sections(_stages(previous.snapshot), stages)
    current["approved_by"] = _adopted_by(cluster, None) if final else []
    return [*(earlier or []), current]


def changed_sections(before: Sequence[Mapping], after: Sequence[Mapping]) -> list[str]:
    """Titles of the sections of ``after`` that are new or have another revision than in ``before``."""
    sections = [s for stage in before for s in stage.get("sections") or ()]
    revisions = {s.get("key"): s.get("revision") for s in sections if s.get("key")}
    return [
        str(s.get("title") or s.get("key"))
        for stage in after
        for s in stage.get("sections") or ()
        if s.get("key") not in revisions or revisions[s.get("key")] != s.get("revision")
    ]


def _stages(snapshot: object) -> list[Mapping]:
    stages = snapshot.get("stages") if isinstance(snapshot, Mapping) else None
    return [s for s in stages if isinstance(s, Mapping)] if isinstance(stages, list) else []


def _carried(document: Document) -> list[dict] | None:
    """The history ``document``'s snapshot carries, up to and including itself; None if none."""
    entries = document.snapshot.get("history") if isinstance(document.snapshot, Mapping) else None
    if not isinstance(entries, list) or not entries or not isinstance(entries[-1], Mapping):
        return None
    if entries[-1].get("version") != document.version:
        return None
    return [dict(e) for e in entries if isinstance(e, Mapping)]


def _rebuilt(cluster: Cluster) -> list[dict]:
    """Every version's entry, from their snapshots (versions older than the history)."""
    entries = []
    before: list[Mapping] | None = None
    for document in db.session.scalars(
        select(Document).where(Document.cluster_id == cluster.id).order_by(Document.version)
    ):
        stages = _stages(document.snapshot)
        entry: dict = {
            "version": document.version,
            "created_at": local_iso(document.created_at),
            "final": document.final,
        }
        if before is not None:
            entry["changed_sections"] = changed_sections(before, stages)
        entry["approved_by"] = _adopted_by(cluster, document.created_at) if document.final else []
        entries.append(entry)
        before = stages
    return entries


def _adopted_by(cluster: Cluster, until: datetime | None) -> list[str]:
    """Who approved the last stage (the adoption), as the audit trail says, by ``until``."""
    definition = definition_of(cluster)
    last = definition.stage_keys[-1] if definition.stage_keys else None
    if last is None:
        return []
    query = (
        select(User.name)
        .join(AuditEvent, AuditEvent.actor_id == User.id)
        .where(AuditEvent.cluster_id == cluster.id, AuditEvent.verb == "stage.approve")
        .where(AuditEvent.subject == last)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(1)
    )
    if until is not None:
        query = query.where(AuditEvent.created_at <= until)
    name = db.session.scalar(query)
    return [name] if name else []
