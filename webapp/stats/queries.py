"""The figures of the statistics page, in a fixed number of queries whatever the data.

Every figure is aggregated in the database (GROUP BY), so the number of queries does not
grow with clusters, meetings or revisions, and neither does the size of what comes back
beyond one row per cluster (and kind), per stage and per week. The definitions follow
the source document:

- a cluster's organisations are those of its members and moderators (observers are
  guests); "memberships" counts distinct (cluster, organisation) pairs; organisations by
  kind count each organisation once, however many clusters it is in;
- conference participants: for each initiating conference that took place, its head
  count where one was taken, else the people on its attendance list;
- workshops held of those planned: workshop meetings marked as held, of all planned;
- activity: section revisions and comments visible to everyone (never moderators-only
  notes, nor removed ones: webapp.comments.queries decides), per ISO week.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Date, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.functions import FunctionElement

from webapp.clusters.queries import definition_of
from webapp.collation import polish
from webapp.comments.queries import public_comments_per_period
from webapp.extensions import db
from webapp.models import (
    Attendance,
    Cluster,
    Meeting,
    Membership,
    Organisation,
    Section,
    SectionRevision,
    Stage,
    User,
)
from workflows.kinds import ORGANISATION_KINDS
from workflows.roles import MEMBER_ORGANISATION_ROLES, StatisticsScope, statistics_scope

#: The activity chart covers at most two years back from the latest activity.
MAX_WEEKS = 104


class week_start(FunctionElement):  # noqa: N801 - reads as a SQL function
    """The Monday of a timestamp's ISO week, as a date, on PostgreSQL and SQLite alike."""

    type = Date()
    inherit_cache = True


@compiles(week_start)
def _week_start_default(element, compiler, **kw) -> str:  # noqa: ANN001
    return f"CAST(date_trunc('week', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(week_start, "sqlite")
def _week_start_sqlite(element, compiler, **kw) -> str:  # noqa: ANN001
    # 'weekday 0' moves forward to Sunday (or stays), six days back is that week's Monday.
    return f"date({compiler.process(element.clauses, **kw)}, 'weekday 0', '-6 days')"


@dataclass
class ClusterFigures:
    id: int
    slug: str
    name: str
    organisations: int = 0
    kinds: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ORGANISATION_KINDS, 0))
    participants: int = 0
    workshops_held: int = 0
    workshops_planned: int = 0
    stages: list[tuple[str, str]] = field(default_factory=list)  # (key, state) in order


@dataclass
class Week:
    start: date
    revisions: int
    comments: int

    @property
    def label(self) -> str:
        year, week, _day = self.start.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass
class Stats:
    clusters: list[ClusterFigures]
    organisations: dict[str, int]
    memberships: int
    activity: list[Week]
    stage_titles: dict[str, object] = field(default_factory=dict)  # key -> Localized
    #: key -> StageDef, so what is said of a stage agrees with its Polish title.
    stage_defs: dict[str, object] = field(default_factory=dict)

    @property
    def conference_participants(self) -> int:
        return sum(c.participants for c in self.clusters)

    @property
    def workshops_held(self) -> int:
        return sum(c.workshops_held for c in self.clusters)

    @property
    def workshops_planned(self) -> int:
        return sum(c.workshops_planned for c in self.clusters)

    @property
    def distinct_organisations(self) -> int:
        return sum(self.organisations.values())

    @property
    def avg_organisations_per_cluster(self) -> float:
        return round(self.memberships / len(self.clusters), 1) if self.clusters else 0.0

    @property
    def stage_keys(self) -> list[str]:
        """Stage keys in workflow order (clusters of one definition share them)."""
        keys: list[str] = []
        for cluster in self.clusters:
            keys += [key for key, _state in cluster.stages if key not in keys]
        return keys

    def as_api(self) -> dict:
        """The shape of `GET /api/v1/stats` (docs/api.md, the OpenAPI), plus a few extra figures."""
        return {
            "clusters": len(self.clusters),
            "conference_participants": self.conference_participants,
            "organisations": dict(self.organisations),
            "memberships": self.memberships,
            "avg_organisations_per_cluster": self.avg_organisations_per_cluster,
            "workshops_held": self.workshops_held,
            "workshops_planned": self.workshops_planned,
            "per_cluster": [
                {
                    "slug": c.slug,
                    "name": c.name,
                    "organisations": c.organisations,
                    "organisations_by_kind": dict(c.kinds),
                    "participants": c.participants,
                    "workshops_held": c.workshops_held,
                    "workshops_planned": c.workshops_planned,
                    "stages": dict(c.stages),
                }
                for c in self.clusters
            ],
            "activity": [
                {"week": w.label, "revisions": w.revisions, "comments": w.comments} for w in self.activity
            ],
        }


def _scoped(statement, column, cluster_ids: list[int] | None):  # noqa: ANN001, ANN202
    """Restrict to the given clusters; None means all (no IN list for the agency)."""
    return statement if cluster_ids is None else statement.where(column.in_(cluster_ids))


def compute(cluster_ids: list[int] | None = None) -> Stats:
    """The statistics over the given clusters (None: all of them). Eight queries."""
    if cluster_ids is not None and not cluster_ids:
        return Stats(
            clusters=[],
            organisations=dict.fromkeys(ORGANISATION_KINDS, 0),
            memberships=0,
            activity=[],
        )
    clusters = db.session.scalars(
        _scoped(select(Cluster), Cluster.id, cluster_ids)
        .options(selectinload(Cluster.definition_record))
        .order_by(polish(Cluster.name), Cluster.id)
    ).all()
    figures = {c.id: ClusterFigures(c.id, c.slug, c.name) for c in clusters}
    ids = list(figures) if cluster_ids is not None else None
    memberships = _organisations(figures, ids)
    organisations = _distinct_organisations(ids)
    _meetings(figures, ids)
    _stages(figures, ids)
    stage_titles: dict[str, object] = {}
    stage_defs: dict[str, object] = {}
    for cluster in clusters:
        for stage in definition_of(cluster).stages:
            stage_titles.setdefault(stage.key, stage.title)
            stage_defs.setdefault(stage.key, stage)
    return Stats(
        clusters=list(figures.values()),
        organisations=organisations,
        memberships=memberships,
        activity=_activity(ids),
        stage_titles=stage_titles,
        stage_defs=stage_defs,
    )


def _member_organisations():  # noqa: ANN202
    return (
        select()
        .select_from(Membership)
        .join(User, User.id == Membership.user_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(Membership.role.in_(MEMBER_ORGANISATION_ROLES))
    )


def _organisations(figures: dict[int, ClusterFigures], ids: list[int] | None) -> int:
    rows = db.session.execute(
        _scoped(
            _member_organisations().add_columns(
                Membership.cluster_id, Organisation.kind, func.count(func.distinct(Organisation.id))
            ),
            Membership.cluster_id,
            ids,
        ).group_by(Membership.cluster_id, Organisation.kind)
    ).all()
    total = 0
    for cluster_id, kind, count in rows:
        if cluster_id in figures:
            figures[cluster_id].kinds[kind] = count
            figures[cluster_id].organisations += count
            total += count  # an organisation has one kind: per-kind counts add up
    return total


def _distinct_organisations(ids: list[int] | None) -> dict[str, int]:
    rows = db.session.execute(
        _scoped(
            _member_organisations().add_columns(
                Organisation.kind, func.count(func.distinct(Organisation.id))
            ),
            Membership.cluster_id,
            ids,
        ).group_by(Organisation.kind)
    ).all()
    counts = dict.fromkeys(ORGANISATION_KINDS, 0)
    counts.update(dict(rows))
    return counts


def _meetings(figures: dict[int, ClusterFigures], ids: list[int] | None) -> None:
    listed = (
        select(Attendance.meeting_id, func.count(Attendance.id).label("n"))
        .group_by(Attendance.meeting_id)
        .subquery()
    )
    people = func.coalesce(Meeting.head_count, listed.c.n, 0)
    rows = db.session.execute(
        _scoped(
            select(
                Meeting.cluster_id,
                Meeting.kind,
                func.count(Meeting.id),
                func.sum(case((Meeting.held.is_(True), 1), else_=0)),
                func.sum(case((Meeting.held.is_(True), people), else_=0)),
            )
            .outerjoin(listed, listed.c.meeting_id == Meeting.id)
            .where(Meeting.kind.in_(("conference", "workshop"))),
            Meeting.cluster_id,
            ids,
        ).group_by(Meeting.cluster_id, Meeting.kind)
    ).all()
    for cluster_id, kind, planned, held, participants in rows:
        figure = figures.get(cluster_id)
        if figure is None:
            continue
        if kind == "conference":
            figure.participants = int(participants or 0)
        else:
            figure.workshops_planned = int(planned or 0)
            figure.workshops_held = int(held or 0)


def _stages(figures: dict[int, ClusterFigures], ids: list[int] | None) -> None:
    rows = db.session.execute(
        _scoped(select(Stage.cluster_id, Stage.key, Stage.state), Stage.cluster_id, ids).order_by(
            Stage.cluster_id, Stage.position
        )
    ).all()
    for cluster_id, key, state in rows:
        if cluster_id in figures:
            figures[cluster_id].stages.append((key, state))


def _activity(ids: list[int] | None) -> list[Week]:
    revision_week = week_start(SectionRevision.created_at).label("week")
    revisions = db.session.execute(
        _scoped(
            select(revision_week, func.count(SectionRevision.id)).join(
                Section, Section.id == SectionRevision.section_id
            ),
            Section.cluster_id,
            ids,
        ).group_by(revision_week)
    ).all()
    # Comments are read only through webapp.comments.queries (the visibility filter):
    # those everyone in the cluster sees, never moderators-only notes or removed ones.
    comments = public_comments_per_period(week_start, ids)
    return weekly(dict(revisions), comments)


def weekly(revisions: dict[date, int], comments: dict[date, int]) -> list[Week]:
    """Every week from the first activity to the last (quiet weeks as zeros), capped."""
    weeks = [w for w in (*revisions, *comments) if w is not None]
    if not weeks:
        return []
    last = max(weeks)
    first = max(min(weeks), last - timedelta(weeks=MAX_WEEKS - 1))
    series, day = [], first
    counts_r: dict[date, int] = defaultdict(int, revisions)
    counts_c: dict[date, int] = defaultdict(int, comments)
    while day <= last:
        series.append(Week(day, counts_r[day], counts_c[day]))
        day += timedelta(weeks=1)
    return series


def visible_to(user: User) -> tuple[StatisticsScope, Stats]:
    """The figures a person may see: every cluster for the agency, else their own clusters.

    The statistics page and `GET /api/v1/stats` both answer with this, so they never differ.
    """
    scope = statistics_scope(user.is_admin)
    if scope is StatisticsScope.ALL:
        return scope, compute(None)
    from webapp.access import memberships_of  # access reads models; keep queries import-light

    return scope, compute([cluster.id for cluster, _role in memberships_of(user)])
