"""Quorum: strictly more than the share, and one of each required kind present."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows.definition import QuorumRule
from workflows.kinds import ORGANISATION_KINDS
from workflows.quorum import QuorumStatus, evaluate_quorum, needed_signatures

RULE = QuorumRule()
#: An average MSODI cluster: 11 organisations.
CLUSTER = {
    1: "enterprise",
    2: "enterprise",
    3: "enterprise",
    4: "enterprise",
    5: "enterprise",
    6: "enterprise",
    7: "business_support",
    8: "business_support",
    9: "science",
    10: "science",
    11: "other",
}


@pytest.mark.parametrize(
    ("share", "total", "needed"),
    [
        (0.5, 11, 6),
        (0.5, 10, 6),
        (0.5, 2, 2),
        (0.5, 1, 1),
        (0.5, 0, 1),
        (1.0, 5, 5),
        (0.6, 10, 7),
        (0.29, 100, 30),
        (2 / 3, 3, 3),
        (0.01, 3, 1),
    ],
)
def test_needed_is_strictly_more_than_the_share(share: float, total: int, needed: int) -> None:
    assert needed_signatures(share, total) == needed


@pytest.mark.parametrize(
    ("signed", "expected"),
    [
        ([1, 2, 3, 7, 9, 11], QuorumStatus(True, 6, 11, 6, ())),
        ([1, 2, 3, 4, 7, 9], QuorumStatus(True, 6, 11, 6, ())),
        ([1, 7, 9, 10, 11], QuorumStatus(False, 5, 11, 6, ())),
        ([1, 2, 3, 4, 5, 6], QuorumStatus(False, 6, 11, 6, ("business_support", "science"))),
        ([1, 2, 3, 4, 5, 7, 7, 7], QuorumStatus(False, 6, 11, 6, ("science",))),
        ([1, 2, 3, 7, 9, 99, 100], QuorumStatus(False, 5, 11, 6, ())),
        ([], QuorumStatus(False, 0, 11, 6, ("enterprise", "business_support", "science"))),
    ],
)
def test_evaluate_quorum(signed: list[int], expected: QuorumStatus) -> None:
    assert evaluate_quorum(RULE, CLUSTER, signed) == expected


def test_a_kind_absent_from_the_cluster_does_not_block() -> None:
    no_science = {1: "enterprise", 2: "enterprise", 3: "business_support"}
    assert evaluate_quorum(RULE, no_science, [1, 3]) == QuorumStatus(True, 2, 3, 2, ())


def test_an_empty_cluster_never_has_a_quorum() -> None:
    assert evaluate_quorum(RULE, {}, [1, 2]) == QuorumStatus(False, 0, 0, 1, ())


def test_rule_without_required_kinds_only_counts() -> None:
    rule = QuorumRule(min_share=0.5, required_kinds=())
    assert evaluate_quorum(rule, CLUSTER, [1, 2, 3, 4, 5, 6]).met


def test_unanimity() -> None:
    rule = QuorumRule(min_share=1.0)
    assert not evaluate_quorum(rule, CLUSTER, range(1, 11)).met
    assert evaluate_quorum(rule, CLUSTER, range(1, 12)).met


@given(
    members=st.dictionaries(st.integers(1, 30), st.sampled_from(ORGANISATION_KINDS), max_size=15),
    signed=st.sets(st.integers(0, 35)),
    share=st.sampled_from([0.25, 0.5, 0.6, 2 / 3, 0.75, 1.0]),
)
def test_quorum_matches_its_definition(members: dict, signed: set, share: float) -> None:
    rule = QuorumRule(min_share=share)
    status = evaluate_quorum(rule, members, signed)
    signers = signed & set(members)
    exact = Fraction(share).limit_denominator(1000)
    enough = len(signers) > exact * len(members) or (share == 1.0 and signers == set(members))
    kinds_ok = all(
        kind not in members.values() or any(members[o] == kind for o in signers)
        for kind in rule.required_kinds
    )
    assert status.signed == len(signers)
    assert status.total == len(members)
    assert status.met is (bool(members) and enough and kinds_ok)
    assert (status.missing_kinds == ()) is kinds_ok
