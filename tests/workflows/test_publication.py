"""Publishing as a table: which version may go public, and who may put it there."""

from __future__ import annotations

import pytest

from workflows.publication import Refusal, may_publish, publication_refusal


@pytest.mark.parametrize(
    ("final", "status", "refusal"),
    [
        (True, "done", None),
        (False, "done", Refusal.NOT_FINAL),
        (False, "queued", Refusal.NOT_FINAL),  # the state first: the one a person must fix
        (True, "queued", Refusal.NOT_READY),
        (True, "rendering", Refusal.NOT_READY),
        (True, "failed", Refusal.NOT_READY),
    ],
)
def test_only_an_adopted_rendered_version_is_published(final, status, refusal):
    assert publication_refusal(final, status) is refusal


@pytest.mark.parametrize(("is_admin", "allowed"), [(True, True), (False, False)])
def test_the_agency_publishes(is_admin, allowed):
    assert may_publish(is_admin) is allowed
