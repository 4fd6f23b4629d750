"""@mentions typed by hand, and who may raise a blocking objection, as tables."""

from __future__ import annotations

import pytest

from workflows.mentions import Named, may_object, objection_kind, resolve
from workflows.roles import Role

PEOPLE = [
    Named(1, "Anna Nowak"),
    Named(2, "Anna Maria Kowalska"),
    Named(3, "Łukasz Wiśniewski"),
    Named(4, "Piotr Nowak"),
]


@pytest.mark.parametrize(
    ("body", "ids", "unknown", "ambiguous"),
    [
        ("@Anna Nowak, zerknij", (1,), (), ()),
        ("@Anna Maria Kowalska i @Piotr Nowak", (2, 4), (), ()),
        # typed by hand: one person fits
        ("@łukasz proszę o opinię", (3,), (), ()),
        ("@Wiśniewski.", (3,), (), ()),
        ("@Kowalska @kowalska", (2,), (), ()),
        # none fits: said, nobody guessed
        ("@Zenon sprawdź", (), ("Zenon",), ()),
        # several fit: said with their names
        ("@Anna co sądzisz?", (), (), (("Anna", ("Anna Maria Kowalska", "Anna Nowak")),)),
        ("@Nowak", (), (), (("Nowak", ("Anna Nowak", "Piotr Nowak")),)),
        # an e-mail address is no mention
        ("pisz na anna@example.org", (), (), ()),
        ("bez wzmianek", (), (), ()),
    ],
)
def test_resolve(body: str, ids, unknown, ambiguous) -> None:
    mentions = resolve(body, PEOPLE)
    assert (mentions.ids, mentions.unknown, mentions.ambiguous) == (ids, unknown, ambiguous)


@pytest.mark.parametrize(
    ("role", "kind", "posted"),
    [
        (Role.MEMBER, "objection", "objection"),
        (Role.MODERATOR, "objection", "objection"),
        (Role.OBSERVER, "objection", "remark"),
        (Role.ADMIN, "objection", "objection"),
        (None, "objection", "remark"),
        (Role.OBSERVER, "suggestion", "suggestion"),
        (Role.OBSERVER, "remark", "remark"),
    ],
)
def test_objection_kind(role: Role | None, kind: str, posted: str) -> None:
    assert objection_kind(role, kind) == posted
    if kind == "objection":
        assert may_object(role) is (posted == "objection")
