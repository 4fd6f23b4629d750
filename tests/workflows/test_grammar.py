"""Polish agreement classes, decided from what a definition or a person states (never guessed)."""

from __future__ import annotations

import pytest

from workflows.grammar import agreement, person_agreement

AGREEMENT = [
    # (gender, number, class): "Diagnoza zatwierdzona", "Działania zatwierdzone", ...
    ("feminine", "singular", "feminine"),
    ("masculine", "singular", "masculine"),
    ("masculine_personal", "singular", "masculine"),
    ("neuter", "singular", "neuter"),
    ("masculine", "plural", "plural"),
    ("feminine", "plural", "plural"),
    ("neuter", "plural", "plural"),
    ("masculine_personal", "plural", "virile plural"),
    (None, "singular", "unknown"),
    (None, "plural", "unknown"),
    ("female", "singular", "unknown"),
]


@pytest.mark.parametrize(("gender", "number", "expected"), AGREEMENT)
def test_agreement(gender: str | None, number: str, expected: str) -> None:
    assert agreement(gender, number) == expected


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("feminine", "feminine"),
        ("masculine", "masculine"),
        (None, "unknown"),
        ("", "unknown"),
        ("x", "unknown"),
    ],
)
def test_person_agreement_is_what_the_person_stated(form: str | None, expected: str) -> None:
    assert person_agreement(form) == expected
