"""E-mail addresses as they enter (workflows.emails), without Flask or a database."""

from __future__ import annotations

import pytest

from workflows.emails import AddressRefused, Reason, lookalike_of, normalise, skeleton

ACCEPTED = [  # (typed, kept)
    ("anna.nowak@example.org", "anna.nowak@example.org"),
    ("  Nowy.Adres@Example.org ", "nowy.adres@example.org"),
    ("jan+klaster@sub.example.org", "jan+klaster@sub.example.org"),
    ("łukasz@example.pl", "łukasz@example.pl"),  # one script, with a Polish letter
    ("ivan@пример.рф", "ivan@пример.рф"),  # each label is one script
    ("a@xn--80ak6aa92e.com", "a@аррӏе.com"),  # punycode read as what it shows
    ("иван@пример.рф", "иван@пример.рф"),
]


@pytest.mark.parametrize(("typed", "kept"), ACCEPTED)
def test_valid_addresses_are_kept_normalised(typed, kept):
    assert normalise(typed) == kept


REFUSED = [  # (typed, reason)
    ("", Reason.SYNTAX),
    ("anna", Reason.SYNTAX),
    ("x@y@z.org", Reason.SEVERAL),
    ("a@example.org,b@example.org", Reason.SEVERAL),
    ("a@example.org, b@example.org", Reason.SEVERAL),
    ("a@example.org;b@example.org", Reason.SEVERAL),
    ("a@example.org b@example.org", Reason.SEVERAL),
    ("Anna <a@example.org>", Reason.SYNTAX),
    ('"a,b"@example.org', Reason.SEVERAL),
    ("a@[127.0.0.1]", Reason.SYNTAX),
    ("a@localhost", Reason.SYNTAX),
    ("a@example", Reason.SYNTAX),
    ("a" * 250 + "@example.org", Reason.SYNTAX),
    ("an\u200bna@example.org", Reason.INVISIBLE),  # zero-width space
    ("anna@exam\u200dple.org", Reason.INVISIBLE),  # zero-width joiner
    ("anna\u2060@example.org", Reason.INVISIBLE),  # word joiner
    ("\ufeffanna@example.org", Reason.INVISIBLE),  # byte order mark
    ("an\u00adna@example.org", Reason.INVISIBLE),  # soft hyphen
    ("anna@example.org\u202e", Reason.INVISIBLE),  # right-to-left override
    ("an\u3164na@example.org", Reason.INVISIBLE),  # Hangul filler, blank yet a "letter"
    ("anna@example.org\n", Reason.INVISIBLE),
    ("ａnna@example.org", Reason.DISGUISED),  # full-width a
    ("anna@ｅxample.org", Reason.DISGUISED),
    ("𝐚nna@example.org", Reason.DISGUISED),  # mathematical bold a
    ("\u0430nna@example.org", Reason.MIXED_SCRIPT),  # Cyrillic а among Latin letters
    ("anna@ex\u0430mple.org", Reason.MIXED_SCRIPT),
    ("anna@xn--exmple-4nf.org", Reason.MIXED_SCRIPT),  # the same, as punycode
    ("\u03bfla@example.org", Reason.MIXED_SCRIPT),  # Greek omicron
]


@pytest.mark.parametrize(("typed", "reason"), REFUSED)
def test_refused_addresses_say_why(typed, reason):
    with pytest.raises(AddressRefused) as refused:
        normalise(typed)
    assert refused.value.reason == reason


def test_only_text_is_an_address():
    with pytest.raises(AddressRefused) as refused:
        normalise(None)  # type: ignore[arg-type]
    assert refused.value.reason == Reason.SYNTAX


SKELETONS = [  # (a, b, look alike)
    ("anna@example.org", "anna@example.org", True),
    ("\u0430nn\u0430@example.org", "anna@example.org", True),  # Cyrillic а
    ("anna@\u0435x\u0430mple.org", "anna@example.org", True),
    ("jan@\u0430\u0440\u0440\u04cf\u0435.com", "jan@apple.com", True),  # аррӏе
    ("\u03bf\u03bda@example.org", "ova@example.org", True),  # Greek ο ν
    ("ANNA@EXAMPLE.ORG", "anna@example.org", True),
    ("anna@example.org", "anna1@example.org", False),
    ("jan1@example.org", "janl@example.org", False),  # distinct ASCII stays distinct
    ("łukasz@example.pl", "lukasz@example.pl", False),  # a diacritic is not a disguise
]


@pytest.mark.parametrize(("a", "b", "alike"), SKELETONS)
def test_skeletons_of_lookalikes_are_equal(a, b, alike):
    assert (skeleton(a) == skeleton(b)) is alike


def test_lookalike_of_names_the_existing_address_it_imitates():
    existing = ["anna@example.org", "jan@apple.com", "piotr@example.org"]
    assert lookalike_of("\u0430nna@example.org", existing) == "anna@example.org"
    assert lookalike_of("jan@\u0430\u0440\u0440\u04cf\u0435.com", existing) == "jan@apple.com"
    assert lookalike_of("ewa@example.org", existing) is None
    # the same address is not a look-alike of itself (a person keeping their address)
    assert lookalike_of("anna@example.org", existing) is None
