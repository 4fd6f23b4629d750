"""Every read of comments. Each one selects only what workflows.visibility lets the reader see.

This module is the only one that queries the comments table (tests/workflows/
test_visibility.py proves it, statically and by watching the SQL of every place that shows
comments): pages, the API, counts, notifications and documents all come through here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import ColumnElement

from webapp.collation import polish
from webapp.extensions import db
from webapp.models import Cluster, Comment, Membership, Section, SectionRevision, User
from workflows.roles import MEMBERSHIP_ROLES, Role
from workflows.visibility import (
    OBJECTION,
    blocking_visibilities,
    visible_to_everyone,
    visible_visibilities,
)


def visible_to(role: Role | str | None) -> ColumnElement[bool]:
    """The filter every comment query for a reader with ``role`` carries."""
    return Comment.visibility.in_(visible_visibilities(role))


def _visible_to_user(user: User) -> ColumnElement[bool]:
    """The same filter when the cluster is not known yet (a comment found by its id):
    the reader's role is the one they hold in the comment's own cluster."""
    if user.is_admin:
        return visible_to(Role.ADMIN)
    by_role = [
        and_(
            exists().where(
                Membership.cluster_id == Comment.cluster_id,
                Membership.user_id == user.id,
                Membership.role == role.value,
            ),
            visible_to(role),
        )
        for role in MEMBERSHIP_ROLES
    ]
    return or_(*by_role)


def _seen_by_everyone() -> ColumnElement[bool]:
    """For numbers shown to anyone (blocking objections, statistics): only what every role
    in the cluster sees, so no count betrays an internal note."""
    return Comment.visibility.in_(visible_to_everyone())


def _not_removed() -> ColumnElement[bool]:
    return and_(Comment.deleted_at.is_(None), Comment.hidden_reason.is_(None))


def comments_for(
    section: Section, role: Role | str | None, *, offset: int = 0, limit: int | None = None
) -> list[Comment]:
    """The comments of a section the reader may see, oldest first, removed ones included
    (they stay as "comment removed" so threads read on); ``offset``/``limit`` page them."""
    query = (
        select(Comment)
        .where(Comment.section_id == section.id, visible_to(role))
        .options(joinedload(Comment.author))
        .order_by(Comment.created_at, Comment.id)
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class CommentIndex:
    """What a section page needs to lay out its comments, without loading them: (id,
    parent id) of every comment the reader sees, oldest first, and how many are not
    removed (the number on the panel)."""

    rows: list[tuple[int, int | None]]
    count: int


def comment_index(section: Section, role: Role | str | None) -> CommentIndex:
    """Two integers and a flag per comment: cheap even for thousands of them."""
    result = db.session.execute(
        select(Comment.id, Comment.parent_id, _not_removed().label("live"))
        .where(Comment.section_id == section.id, visible_to(role))
        .order_by(Comment.created_at, Comment.id)
    ).all()
    return CommentIndex(
        rows=[(row.id, row.parent_id) for row in result],
        count=sum(1 for row in result if row.live),
    )


def comments_by_id(section: Section, ids: list[int], role: Role | str | None) -> dict[int, Comment]:
    """These comments of the section (one page's worth), those the reader may see."""
    if not ids:
        return {}
    query = (
        select(Comment)
        .where(Comment.id.in_(ids), Comment.section_id == section.id, visible_to(role))
        .options(joinedload(Comment.author))
    )
    return {comment.id: comment for comment in db.session.scalars(query)}


def count_for(section: Section, role: Role | str | None) -> int:
    """How many comments of the section the reader sees (removed ones not counted)."""
    return db.session.scalar(
        select(func.count(Comment.id)).where(
            Comment.section_id == section.id, visible_to(role), _not_removed()
        )
    )


def counts_by_section(cluster: Cluster, role: Role | str | None) -> dict[int, int]:
    """section id -> comments the reader sees, for a cluster's lists (one query)."""
    rows = db.session.execute(
        select(Comment.section_id, func.count(Comment.id))
        .where(Comment.cluster_id == cluster.id, visible_to(role), _not_removed())
        .group_by(Comment.section_id)
    ).all()
    return dict(rows)


def comment_in_section(section: Section, comment_id: int | None, role: Role | str | None) -> Comment | None:
    """One comment of this section, if the reader may see it (else None, as if absent)."""
    if comment_id is None:
        return None
    return db.session.scalar(
        select(Comment).where(Comment.id == comment_id, Comment.section_id == section.id, visible_to(role))
    )


def comment_for(comment_id: int, user: User) -> tuple[Comment, Cluster, Section] | None:
    """A comment found by id (the API's /comments/ID) with its cluster and section, if the
    person may see it; None when it does not exist or is not theirs to see."""
    row = db.session.execute(
        select(Comment, Cluster, Section)
        .join(Cluster, Cluster.id == Comment.cluster_id)
        .join(Section, Section.id == Comment.section_id)
        .where(Comment.id == comment_id, _visible_to_user(user))
    ).first()
    return (row[0], row[1], row[2]) if row else None


def _open_objection() -> ColumnElement[bool]:
    return and_(
        Comment.kind == OBJECTION,
        Comment.visibility.in_(blocking_visibilities()),
        Comment.resolved_at.is_(None),
        _not_removed(),
    )


def open_objections_by_stage(cluster: Cluster) -> dict[int, int]:
    """stage id -> open objections that block it (one query; stages without any are
    absent, so ask ``.get(stage.id, 0)``). Only objections everyone in the cluster sees
    count, so the number shown to anyone never betrays an internal note."""
    rows = db.session.execute(
        select(Section.stage_id, func.count(Comment.id))
        .join(Section, Section.id == Comment.section_id)
        .where(Comment.cluster_id == cluster.id, _open_objection())
        .group_by(Section.stage_id)
    ).all()
    return dict(rows)


def public_comments_per_period(
    period: Callable[[ColumnElement], ColumnElement], cluster_ids: list[int] | None = None
) -> dict[object, int]:
    """Comments everyone in their cluster sees (removed ones not counted), grouped by
    ``period(Comment.created_at)`` (the statistics' weeks); None: every cluster."""
    bucket = period(Comment.created_at).label("period")
    query = select(bucket, func.count(Comment.id)).where(_seen_by_everyone(), _not_removed())
    if cluster_ids is not None:
        query = query.where(Comment.cluster_id.in_(cluster_ids))
    return dict(db.session.execute(query.group_by(bucket)).all())


@dataclass(frozen=True)
class OpenObjection:
    """An objection that blocks its stage, for the stage page's "what blocks it" list."""

    id: int
    stage_id: int
    section_key: str
    author: str
    created_at: datetime
    body: str


def open_objections(cluster: Cluster, stage_id: int | None = None) -> list[OpenObjection]:
    """The blocking objections of a cluster (or of one stage), oldest first."""
    query = (
        select(Comment, Section.stage_id, Section.key)
        .join(Section, Section.id == Comment.section_id)
        .where(Comment.cluster_id == cluster.id, _open_objection())
        .options(joinedload(Comment.author))
        .order_by(Section.position, Comment.created_at, Comment.id)
    )
    if stage_id is not None:
        query = query.where(Section.stage_id == stage_id)
    return [
        OpenObjection(
            id=c.id,
            stage_id=stage,
            section_key=key,
            author=c.author.name if c.author else "",
            created_at=c.created_at,
            body=c.body,
        )
        for c, stage, key in db.session.execute(query).all()
    ]


@dataclass
class Thread:
    """A root comment and every reply under it (at any depth), oldest first."""

    root: Comment
    replies: list[Comment] = field(default_factory=list)
    #: Paged (webapp.comments.paging): the thread's earlier replies are on older pages
    #: (the root is shown again for context), its later ones on newer pages.
    earlier: bool = False
    later: bool = False

    @property
    def resolved(self) -> bool:
        return self.root.resolved_at is not None


def rows_for_backup(cluster: Cluster) -> list[dict]:
    """Every comment of a cluster as plain rows (all columns), for `flask cluster export`:
    the operator's full copy of the data, so read as the admin role reads (every
    visibility, removed and hidden ones too)."""
    table = Comment.__table__
    query = select(table).where(table.c.cluster_id == cluster.id, visible_to(Role.ADMIN)).order_by(table.c.id)
    return [dict(row) for row in db.session.execute(query).mappings()]


def build_threads(comments: list[Comment]) -> list[Thread]:
    """Group visible comments into threads. A visible reply's ancestors are visible too
    (a reply is never wider than its parent), so every reply finds its root here."""
    by_id = {c.id: c for c in comments}
    threads: dict[int, Thread] = {}
    order: list[int] = []
    for comment in comments:
        if comment.parent_id is None or comment.parent_id not in by_id:
            threads[comment.id] = Thread(comment)
            order.append(comment.id)
    for comment in comments:
        if comment.id in threads:
            continue
        root = comment
        while root.parent_id is not None and root.parent_id in by_id:
            root = by_id[root.parent_id]
        threads[root.id].replies.append(comment)
    return [threads[i] for i in order]


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    role: Role


def cluster_people(cluster: Cluster) -> list[Person]:
    """The people of a cluster, by name: whom an @mention may name."""
    rows = db.session.execute(
        select(User.id, User.name, User.is_admin, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.cluster_id == cluster.id, User.active.is_(True))
        .order_by(polish(User.name))
    ).all()
    return [Person(uid, name, Role.ADMIN if admin else Role(role)) for uid, name, admin, role in rows]


def roles_of(cluster: Cluster, user_ids: set[int]) -> dict[int, Role]:
    """The role each of these people acts with in the cluster (absent: none at all)."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(User.id, User.is_admin, Membership.role)
        .outerjoin(Membership, and_(Membership.user_id == User.id, Membership.cluster_id == cluster.id))
        .where(User.id.in_(user_ids), User.active.is_(True))
    ).all()
    result: dict[int, Role] = {}
    for uid, admin, role in rows:
        if admin:
            result[uid] = Role.ADMIN
        elif role is not None:
            result[uid] = Role(role)
    return result


def section_authors(section: Section) -> set[int]:
    """Who wrote revisions of the section (told of objections raised on it)."""
    rows = db.session.scalars(
        select(SectionRevision.author_id)
        .where(SectionRevision.section_id == section.id, SectionRevision.author_id.is_not(None))
        .distinct()
    )
    return set(rows)


def users_by_id(user_ids: set[int]) -> dict[int, User]:
    if not user_ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
