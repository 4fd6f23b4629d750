"""Has the strategy been signed off by enough member organisations to be adopted?

The definition's :class:`~workflows.definition.QuorumRule` says how many (strictly more
than a share of the member organisations) and which kinds must be among them. Only the
kinds present in the cluster count: a cluster without a science member is not blocked
for want of a science signature.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from workflows.definition import QuorumRule


@dataclass(frozen=True)
class QuorumStatus:
    met: bool
    signed: int
    total: int
    #: Signatures needed; more than ``total`` can never be reached (an empty cluster).
    needed: int
    #: Required kinds present in the cluster with no signature yet, in the rule's order.
    missing_kinds: tuple[str, ...]


def needed_signatures(min_share: float, total: int) -> int:
    """The smallest count strictly above ``min_share * total`` (all of them for 1.0).

    The share is read as the decimal it was written as (0.29, not 0.28999...), so a
    float's rounding cannot shift the threshold by one.
    """
    share = Fraction(min_share).limit_denominator(10**6)
    needed = math.floor(share * total) + 1
    return min(needed, total) if total > 0 else 1


def evaluate_quorum(
    rule: QuorumRule, member_organisations: Mapping[int, str], signed: Iterable[int]
) -> QuorumStatus:
    """Count the sign-offs of member organisations (org id -> kind) against the rule.

    Signatures of organisations that are not (or no longer) members are ignored, so a
    departed member cannot carry the vote.
    """
    total = len(member_organisations)
    signers = {org for org in signed if org in member_organisations}
    needed = needed_signatures(rule.min_share, total)
    present = set(member_organisations.values())
    signed_kinds = {member_organisations[org] for org in signers}
    missing = tuple(k for k in rule.required_kinds if k in present and k not in signed_kinds)
    met = total > 0 and len(signers) >= needed and not missing
    return QuorumStatus(met, len(signers), total, needed, missing)
