"""Load a cluster for the current person and ask workflows.roles whether they may act.

Views and API calls go through `cluster_for`; it answers 404 for a cluster the person
may not see (exactly as for one that does not exist) and 403 for a forbidden action.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from webapp.collation import polish
from webapp.extensions import db, login_manager
from webapp.models import Cluster, Membership, User
from workflows.roles import (
    Permission,
    PlatformRight,
    Role,
    can,
    can_view_cluster,
    effective_role,
    has_platform_right,
)


def role_in(cluster: Cluster, user: User | None) -> Role | None:
    """The role `user` acts with in `cluster` (None: outsider or anonymous)."""
    if user is None or not user.is_authenticated:
        return None
    membership_role = db.session.scalar(
        select(Membership.role).where(Membership.cluster_id == cluster.id, Membership.user_id == user.id)
    )
    return effective_role(user.is_admin, membership_role)


def cluster_for(slug: str, permission: Permission = Permission.VIEW_CLUSTER) -> tuple[Cluster, Role]:
    if not current_user.is_authenticated:
        # Not signed in: off to the sign-in page (the API answers 401), never a hint
        # whether the cluster exists.
        abort(login_manager.unauthorized())
    cluster = db.session.scalar(select(Cluster).where(Cluster.slug == slug))
    role = role_in(cluster, current_user) if cluster is not None else None
    if cluster is None or not can_view_cluster(role):
        abort(404)
    require(role, permission)
    return cluster, role


def require(role: Role | None, permission: Permission) -> None:
    if not can(role, permission):
        abort(403)


def require_platform_right(right: PlatformRight = PlatformRight.ADMINISTER) -> None:
    """The agency's pages and API calls: sign in first (401 for the API), then 403."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if not has_platform_right(current_user.is_admin, right):
        abort(403)


def visible_clusters(user: User) -> list[tuple[Cluster, Role]]:
    """The clusters a person may see, with their role in each (admins: all)."""
    if has_platform_right(user.is_admin, PlatformRight.SEE_ALL_CLUSTERS):
        clusters = db.session.scalars(select(Cluster).order_by(polish(Cluster.name))).all()
        return [(c, Role.ADMIN) for c in clusters]
    return memberships_of(user)


def memberships_of(user: User) -> list[tuple[Cluster, Role]]:
    """The clusters a person is a member of, with their role there (admin or not)."""
    rows = db.session.execute(
        select(Cluster, Membership.role)
        .join(Membership, Membership.cluster_id == Cluster.id)
        .where(Membership.user_id == user.id)
        .order_by(polish(Cluster.name))
    ).all()
    return [(c, Role(r)) for c, r in rows]
