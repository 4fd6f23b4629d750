"""The activity chart's periods: the months that saw revisions or comments, whenever they were.

Why months with activity and not the last weeks before today: a strategy is written in bursts (the
demo's in 2013–14), and weeks counted back from today show an empty line. The weeks come from the
same grouping as the statistics' weekly figures (`queries.week_start`), uncapped, then fold into the
month of their Monday; quiet months are left out (bars, so no line pretends to run across them)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from webapp.comments.queries import public_comments_per_period
from webapp.extensions import db
from webapp.models import Section, SectionRevision
from webapp.stats.queries import week_start

#: At most this many months are drawn (the latest); the table lists the same ones.
MAX_MONTHS = 36


@dataclass(frozen=True)
class Month:
    start: date
    revisions: int
    comments: int


def by_month(revisions: dict[date, int], comments: dict[date, int]) -> list[Month]:
    """Weekly counts (by Monday) folded into months, only months with activity, oldest first."""
    totals: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for index, counts in enumerate((revisions, comments)):
        for week, count in counts.items():
            if week is None or not count:
                continue
            day = week if isinstance(week, date) else date.fromisoformat(str(week))
            totals[day.replace(day=1)][index] += int(count)
    months = [Month(start, r, c) for start, (r, c) in sorted(totals.items())]
    return months[-MAX_MONTHS:]


def activity_by_month(cluster_ids: list[int] | None) -> list[Month]:
    """The months with activity in these clusters (None: all), as the statistics count activity:
    section revisions and the comments everyone in the cluster sees."""
    week = week_start(SectionRevision.created_at).label("week")
    query = select(week, func.count(SectionRevision.id))
    query = query.join(Section, Section.id == SectionRevision.section_id)
    if cluster_ids is not None:
        query = query.where(Section.cluster_id.in_(cluster_ids))
    revisions = dict(db.session.execute(query.group_by(week)).all())
    return by_month(revisions, public_comments_per_period(week_start, cluster_ids))
