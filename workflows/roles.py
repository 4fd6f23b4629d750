"""Who may do what in a cluster: the one permission table of the product.

Everything that asks "may this person do this?" ends here, as a pure function of the
person's standing in the cluster (platform admin or not, and their role there, if any)
and the permission. Views, API calls and the worker never decide it themselves.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A person's role in one cluster (platform admins hold ADMIN everywhere)."""

    ADMIN = "admin"
    MODERATOR = "moderator"
    MEMBER = "member"
    OBSERVER = "observer"


#: Roles that a membership row can carry (ADMIN is a property of the user, not a membership).
MEMBERSHIP_ROLES: tuple[Role, ...] = (Role.MODERATOR, Role.MEMBER, Role.OBSERVER)

#: The cluster's member organisations are those of its members and moderators; observers'
#: organisations are guests (they do not sign, count in quorum or in the figures).
MEMBER_ORGANISATION_ROLES: tuple[Role, ...] = (Role.MODERATOR, Role.MEMBER)

#: Who is asked to review a submitted stage.
REVIEWER_ROLES: tuple[Role, ...] = (Role.MODERATOR,)

#: Who is told that a stage was returned, approved or reopened.
STAGE_NEWS_ROLES: tuple[Role, ...] = MEMBER_ORGANISATION_ROLES


class Permission(StrEnum):
    VIEW_CLUSTER = "view_cluster"
    COMMENT = "comment"
    EDIT_SECTION = "edit_section"
    SUBMIT_STAGE = "submit_stage"
    SIGN_OFF = "sign_off"
    EXPORT_DRAFT = "export_draft"
    RUN_WORKFLOW = "run_workflow"  # open, approve, return, reopen
    COMMENT_MODERATORS_ONLY = "comment_moderators_only"
    SEE_MODERATORS_ONLY = "see_moderators_only"
    RESOLVE_ANY_OBJECTION = "resolve_any_objection"
    HIDE_COMMENT = "hide_comment"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_MEETINGS = "manage_meetings"
    EXPORT_FINAL = "export_final"
    VIEW_AUDIT = "view_audit"
    MANAGE_POLLS = "manage_polls"  # create, close, apply results (who votes: workflows.polls)


_OBSERVER = frozenset({Permission.VIEW_CLUSTER, Permission.COMMENT})
_MEMBER = _OBSERVER | {
    Permission.EDIT_SECTION,
    Permission.SUBMIT_STAGE,
    Permission.SIGN_OFF,
    Permission.EXPORT_DRAFT,
}
_MODERATOR = _MEMBER | {
    Permission.RUN_WORKFLOW,
    Permission.COMMENT_MODERATORS_ONLY,
    Permission.SEE_MODERATORS_ONLY,
    Permission.RESOLVE_ANY_OBJECTION,
    Permission.HIDE_COMMENT,
    Permission.MANAGE_MEMBERS,
    Permission.MANAGE_MEETINGS,
    Permission.EXPORT_FINAL,
    Permission.VIEW_AUDIT,
    Permission.MANAGE_POLLS,
}

#: The table itself: role -> the permissions it carries. Read it at a glance.
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OBSERVER: _OBSERVER,
    Role.MEMBER: frozenset(_MEMBER),
    Role.MODERATOR: frozenset(_MODERATOR),
    Role.ADMIN: frozenset(Permission),
}


class PlatformRight(StrEnum):
    """Rights over the whole platform rather than one cluster: the agency's (platform admins)."""

    ADMINISTER = "administer"  # people, organisations, clusters, the mail outbox
    SEE_ALL_CLUSTERS = "see_all_clusters"  # every cluster, and statistics over all of them
    PUBLISH = "publish"  # put an adopted strategy on the public pages (/p/), or withdraw it


def has_platform_right(is_admin: bool, right: PlatformRight | str) -> bool:
    """Platform rights are the agency's; a cluster role never grants them."""
    PlatformRight(right)  # an unknown right is a programming error, not a refusal
    return is_admin


class StatisticsScope(StrEnum):
    ALL = "all"  # every cluster: the agency's view
    OWN = "own"  # the clusters the person is part of


def statistics_scope(is_admin: bool) -> StatisticsScope:
    """Whose figures a person sees, on the statistics page and in the API alike."""
    if has_platform_right(is_admin, PlatformRight.SEE_ALL_CLUSTERS):
        return StatisticsScope.ALL
    return StatisticsScope.OWN


def effective_role(is_admin: bool, membership_role: str | None) -> Role | None:
    """The role a person acts with in a cluster; None for an outsider.

    A platform admin acts as admin even where they also hold a membership.
    """
    if is_admin:
        return Role.ADMIN
    if membership_role is None:
        return None
    return Role(membership_role)


def can(role: Role | str | None, permission: Permission | str) -> bool:
    """May a person with this role (None: not in the cluster) do this?"""
    if role is None:
        return False
    return Permission(permission) in PERMISSIONS[Role(role)]


def can_view_cluster(role: Role | str | None) -> bool:
    """Nobody sees a cluster they are not part of (admins excepted)."""
    return can(role, Permission.VIEW_CLUSTER)


def can_assign_role(actor: Role | str | None, target_role: Role | str) -> bool:
    """Admins and the cluster's moderators manage members; only membership roles exist."""
    return can(actor, Permission.MANAGE_MEMBERS) and Role(target_role) in MEMBERSHIP_ROLES


def export_permission(adopted: bool) -> Permission:
    """Members generate drafts; the adopted strategy is the moderators' to issue."""
    return Permission.EXPORT_FINAL if adopted else Permission.EXPORT_DRAFT
