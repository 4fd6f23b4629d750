"""The permission table's named role sets and the agency's platform rights, as tables."""

from __future__ import annotations

import pytest

from workflows.roles import (
    MEMBER_ORGANISATION_ROLES,
    MEMBERSHIP_ROLES,
    REVIEWER_ROLES,
    STAGE_NEWS_ROLES,
    Permission,
    PlatformRight,
    Role,
    StatisticsScope,
    can,
    has_platform_right,
    statistics_scope,
)


@pytest.mark.parametrize(
    ("role", "member_organisation", "reviews", "told_of_stages"),
    [
        (Role.MODERATOR, True, True, True),
        (Role.MEMBER, True, False, True),
        (Role.OBSERVER, False, False, False),
    ],
)
def test_named_role_sets(role, member_organisation, reviews, told_of_stages):
    assert (role in MEMBER_ORGANISATION_ROLES) is member_organisation
    assert (role in REVIEWER_ROLES) is reviews
    assert (role in STAGE_NEWS_ROLES) is told_of_stages


def test_named_sets_hold_membership_roles_only():
    for named in (MEMBER_ORGANISATION_ROLES, REVIEWER_ROLES, STAGE_NEWS_ROLES):
        assert set(named) <= set(MEMBERSHIP_ROLES)


def test_member_organisations_are_those_that_may_sign():
    """Sign-offs and quorum count member organisations: the two must agree."""
    signers = {role for role in MEMBERSHIP_ROLES if can(role, Permission.SIGN_OFF)}
    assert signers == set(MEMBER_ORGANISATION_ROLES)


def test_reviewers_are_those_that_run_the_workflow():
    runners = {role for role in MEMBERSHIP_ROLES if can(role, Permission.RUN_WORKFLOW)}
    assert runners == set(REVIEWER_ROLES)


@pytest.mark.parametrize("right", list(PlatformRight))
@pytest.mark.parametrize(("is_admin", "allowed"), [(True, True), (False, False)])
def test_platform_rights_are_the_agencys(right, is_admin, allowed):
    assert has_platform_right(is_admin, right) is allowed


def test_an_unknown_platform_right_is_a_programming_error():
    with pytest.raises(ValueError):
        has_platform_right(True, "delete_everything")


@pytest.mark.parametrize(("is_admin", "scope"), [(True, StatisticsScope.ALL), (False, StatisticsScope.OWN)])
def test_statistics_scope(is_admin, scope):
    assert statistics_scope(is_admin) is scope
