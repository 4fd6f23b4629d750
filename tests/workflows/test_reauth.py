"""The rule of asking for the password again (workflows.reauth), without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from workflows.reauth import (
    ALWAYS_ASK,
    SensitiveChange,
    changes_to_new_person,
    changes_to_person,
    password_needed,
    person_change_refusal,
)

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=10)
WINDOWED = sorted(set(SensitiveChange) - ALWAYS_ASK)


@pytest.mark.parametrize("change", WINDOWED)
def test_within_the_window_a_recent_password_is_enough(change):
    recent = NOW - WINDOW + timedelta(seconds=1)
    assert not password_needed(change, recent, NOW, WINDOW, by_token=False)


@pytest.mark.parametrize("change", WINDOWED)
def test_after_the_window_or_never_confirmed_the_password_is_asked(change):
    old = NOW - WINDOW - timedelta(seconds=1)
    assert password_needed(change, old, NOW, WINDOW, by_token=False)
    assert password_needed(change, None, NOW, WINDOW, by_token=False)


@pytest.mark.parametrize("change", WINDOWED)
def test_an_api_token_is_its_own_proof(change):
    assert not password_needed(change, None, NOW, WINDOW, by_token=True)


@pytest.mark.parametrize("change", sorted(ALWAYS_ASK))
def test_own_sign_in_details_always_ask(change):
    for by_token in (False, True):
        assert password_needed(change, NOW, NOW, WINDOW, by_token=by_token)


def test_a_zero_window_asks_every_time():
    assert password_needed(
        SensitiveChange.MEMBER_ROLE,
        NOW - timedelta(microseconds=1),
        NOW,
        timedelta(0),
        by_token=False,
    )


def test_admins_keep_their_own_way_in():
    refuse = person_change_refusal
    assert refuse(acting_on_self=True, withdraws_admin=True, disables=False) == "own_admin"
    assert refuse(acting_on_self=True, withdraws_admin=False, disables=True) == "own_account"
    assert refuse(acting_on_self=False, withdraws_admin=True, disables=True) is None
    assert refuse(acting_on_self=True, withdraws_admin=False, disables=False) is None


def test_only_sign_in_and_rights_are_sensitive_in_a_persons_edit():
    assert changes_to_person(email_changed=False, admin_changed=False, active_changed=False) == set()
    assert changes_to_person(email_changed=True, admin_changed=False, active_changed=True) == {
        SensitiveChange.PERSON_EMAIL,
        SensitiveChange.PERSON_ACTIVE,
    }


def test_a_new_account_is_sensitive_only_with_admin_rights():
    assert changes_to_new_person(is_admin=False) == set()
    assert changes_to_new_person(is_admin=True) == {SensitiveChange.ADMIN_ACCOUNT}
