"""Freeze a cluster's strategy into plain data: the renderer's only input.

The snapshot holds what the document shows and nothing else — moderators-only comments
are never part of it (no comment is).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from flask_babel import force_locale
from sqlalchemy import func, select

from webapp.clusters.queries import definition_of, member_organisations, stages_with_sections
from webapp.collation import polish
from webapp.documents import front_matter
from webapp.extensions import db
from webapp.i18n_labels import ORGANISATION_KIND_LABELS
from webapp.models import Attendance, Cluster, Document, Meeting, Organisation, SignOff, User
from webapp.polls.queries import closed_polls_snapshot
from webapp.timezone import local_iso, zone
from workflows.stages import StageState, is_adopted

#: Keys that change with every request but not with the strategy itself (the history
#: grows with every version: in the hash, no version would ever equal the one before).
VOLATILE_KEYS = ("version", "created_at", "history")


def build_snapshot(cluster: Cluster, language: str | None = None) -> dict:
    language = language or cluster.language or "pl"
    definition = definition_of(cluster)
    stage_rows = stages_with_sections(cluster)
    states = {stage.key: StageState(stage.state) for stage, _ in stage_rows}
    stages = []
    for stage, sections in stage_rows:
        stage_def = definition.stage(stage.key)
        stages.append(
            {
                "key": stage.key,
                "title": stage_def.title.get(language),
                "state": stage.state,
                "sections": [
                    {
                        "key": s.key,
                        "title": definition.section(s.key)[1].title.get(language),
                        "kind": s.kind,
                        "content": s.content,
                        "revision": s.revision,
                    }
                    for s in sections
                ],
            }
        )
    final = is_adopted(definition, states)
    with force_locale(language):
        kind_labels = {k: str(v) for k, v in ORGANISATION_KIND_LABELS.items()}
    return {
        "language": language,
        # Every datetime below carries this zone's offset: the renderer prints wall-clock
        # times as given, without knowing zones.
        "timezone": zone().key,
        "final": final,
        "cluster": {
            "slug": cluster.slug,
            "name": cluster.name,
            "sector": cluster.sector,
            "goal": cluster.goal,
        },
        "title": definition.title.get(language),
        "stages": stages,
        "organisations": _organisations(cluster),
        "organisation_kind_labels": kind_labels,
        "meetings": _meetings(cluster),
        "signoffs": _signoffs(cluster) if final else [],
        # Closed polls for the annex "Wyniki priorytetyzacji" (webapp.polls).
        "polls": closed_polls_snapshot(cluster, language),
        "agency": front_matter.agency(),
        "history": front_matter.history(cluster, stages, final),
    }


def _organisations(cluster: Cluster) -> list[dict]:
    ids = list(member_organisations(cluster))
    rows = db.session.scalars(
        select(Organisation).where(Organisation.id.in_(ids)).order_by(polish(Organisation.name))
    )
    return [{"name": o.name, "kind": o.kind, "city": o.city} for o in rows]


def _meetings(cluster: Cluster) -> list[dict]:
    counts = dict(
        db.session.execute(
            select(Attendance.meeting_id, func.count())
            .join(Meeting, Meeting.id == Attendance.meeting_id)
            .where(Meeting.cluster_id == cluster.id)
            .group_by(Attendance.meeting_id)
        ).all()
    )
    orgs: dict[int, set[str]] = {}
    for meeting_id, name in db.session.execute(
        select(Attendance.meeting_id, Organisation.name)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .join(Organisation, Organisation.id == Attendance.organisation_id)
        .where(Meeting.cluster_id == cluster.id)
    ):
        orgs.setdefault(meeting_id, set()).add(name)
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.cluster_id == cluster.id).order_by(Meeting.starts_at)
    )
    return [
        {
            "kind": m.kind,
            "title": m.title,
            "number": m.number,
            "starts_at": local_iso(m.starts_at),
            "place": m.place,
            "participants": m.head_count if m.head_count is not None else counts.get(m.id, 0),
            "organisations": sorted(orgs.get(m.id, ())),
        }
        for m in meetings
    ]


def _signoffs(cluster: Cluster) -> list[dict]:
    rows = db.session.execute(
        select(SignOff, Organisation, User, Document.version)
        .join(Organisation, Organisation.id == SignOff.organisation_id)
        .join(User, User.id == SignOff.user_id)
        .outerjoin(Document, Document.id == SignOff.document_id)
        .where(SignOff.cluster_id == cluster.id, SignOff.round == cluster.signoff_round)
        .order_by(SignOff.created_at)
    ).all()
    return [
        {
            "organisation": o.name,
            "kind": o.kind,
            "person": u.name,
            "signed_at": local_iso(s.created_at),
            # The version the organisation signed (None: signed before versions were recorded).
            "version": version,
        }
        for s, o, u, version in rows
    ]


def snapshot_hash(snapshot: dict) -> str:
    """Same strategy, same hash: the version number and the date are left out."""
    stable = {k: v for k, v in snapshot.items() if k not in VOLATILE_KEYS}
    encoded = json.dumps(stable, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


def stamp(snapshot: dict, version: int, created_at: datetime) -> dict:
    stamped = {**snapshot, "version": version, "created_at": local_iso(created_at)}
    history = [dict(entry) for entry in snapshot.get("history") or ()]
    if history and history[-1].get("version") is None:  # this version's own entry
        history[-1].update(version=version, created_at=stamped["created_at"])
        stamped["history"] = history
    return stamped
