"""E-mail addresses as they enter the studio: one normal form, and what is refused.

An address is how a person signs in and where their mail goes, so one that could be
mistaken for another is refused before it is stored: invisible characters, several
addresses in one field, compatibility forms (full-width or "mathematical" letters),
letters of two scripts in one part (a Cyrillic "а" among Latin letters), and, against
the accounts already there, a whole-script look-alike (`skeleton`). The syntax itself
is the maintained email-validator's (no DNS: the studio may run offline).
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Iterable
from enum import StrEnum

from email_validator import EmailNotValidError, validate_email

MAX_LENGTH = 254


class Reason(StrEnum):
    SYNTAX = "syntax"  # not an address
    SEVERAL = "several"  # more than one address, or an "@" too many
    INVISIBLE = "invisible"  # a space, a control, a zero-width or another blank character
    DISGUISED = "disguised"  # full-width, styled or other compatibility forms of letters
    MIXED_SCRIPT = "mixed_script"  # letters of two scripts in the local part or one label


class AddressRefused(ValueError):
    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.value)
        self.reason = reason


#: Characters that separate addresses in lists people paste.
_SEPARATORS = frozenset(",;")
#: Unicode categories never meant to be seen in an address: controls, formats (zero-width
#: joiners, direction marks, the byte order mark), private use, unassigned, separators.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zs", "Zl", "Zp"})
#: Blank characters whose category claims a letter or a mark.
_BLANK = frozenset(
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers
    "\u034f"  # combining grapheme joiner
    "\u2800"  # Braille blank
) | frozenset(chr(c) for c in range(0xFE00, 0xFE10))  # variation selectors

#: Scripts that are written together (Japanese, Korean with Hanja, Latin with either).
_CJK = "CJK"
_SCRIPT_ALIASES = {
    "HIRAGANA": _CJK,
    "KATAKANA": _CJK,
    "KATAKANA-HIRAGANA": _CJK,
    "HANGUL": _CJK,
    "BOPOMOFO": _CJK,
}
_COMPATIBLE_SCRIPTS = frozenset({"LATIN", _CJK})

#: Cyrillic and Greek letters (lower case: the skeleton is case-folded) that look like
#: Latin ones, and Latin letters that look like plainer ones. Only non-ASCII letters are
#: mapped, so that distinct ASCII addresses ("jan1", "janl") stay distinct.
_LOOKALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "ё": "ë", "һ": "h", "і": "i",
        "ї": "ï", "ј": "j", "к": "k", "ӏ": "l", "м": "m", "н": "h", "о": "o", "р": "p",
        "ԛ": "q", "ѕ": "s", "т": "t", "у": "y", "ү": "y", "х": "x", "ԝ": "w", "ь": "b",
        "ɡ": "g",
        # Greek
        "α": "a", "β": "b", "ϲ": "c", "ε": "e", "η": "n", "ι": "i", "ϳ": "j", "κ": "k",
        "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ω": "w",
        # Latin letters that pass for plainer ones
        "ı": "i", "ɑ": "a", "ɩ": "i", "ʏ": "y",
    }
)  # fmt: skip


def _script(char: str) -> str | None:
    """The script of a letter (None for digits, punctuation and marks)."""
    if not char.isalpha():
        return None
    first = unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]
    return _SCRIPT_ALIASES.get(first, first)


def mixed_script(text: str) -> bool:
    """Letters of two scripts that are not written together."""
    scripts = {s for s in map(_script, text) if s is not None}
    return len(scripts) > 1 and not scripts <= _COMPATIBLE_SCRIPTS


def _invisible(char: str) -> bool:
    # A plain space is visible, and the syntax check refuses it ("Anna <a@b.pl>").
    return char != " " and (char in _BLANK or unicodedata.category(char) in _INVISIBLE_CATEGORIES)


def normalise(raw: str) -> str:
    """The address in the form it is stored and looked up in (lower case, the domain
    in Unicode), or AddressRefused saying why not."""
    if not isinstance(raw, str):
        raise AddressRefused(Reason.SYNTAX)
    text = raw.strip(" \t")  # what a form or a paste adds around an address
    if text.count("@") > 1 or _SEPARATORS & set(text):
        raise AddressRefused(Reason.SEVERAL)
    if any(_invisible(c) for c in text):
        raise AddressRefused(Reason.INVISIBLE)
    if unicodedata.normalize("NFKC", text) != unicodedata.normalize("NFC", text):
        raise AddressRefused(Reason.DISGUISED)
    try:
        valid = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise AddressRefused(Reason.SYNTAX) from None
    address = valid.normalized.lower()
    if len(address) > MAX_LENGTH:
        raise AddressRefused(Reason.SYNTAX)
    local, _at, domain = address.rpartition("@")
    if mixed_script(local) or any(mixed_script(label) for label in domain.split(".")):
        raise AddressRefused(Reason.MIXED_SCRIPT)
    return address


def _domain_unicode(domain: str) -> str:
    labels = []
    for label in domain.split("."):
        if label.startswith("xn--"):
            # Invalid punycode is compared as written.
            with contextlib.suppress(UnicodeError):
                label = label.encode("ascii").decode("idna")
        labels.append(label)
    return ".".join(labels)


def skeleton(address: str) -> str:
    """What an address looks like: two addresses with one skeleton can be mistaken for
    each other (compatibility forms folded, case folded, look-alike letters mapped)."""
    folded = unicodedata.normalize("NFKC", address).casefold()
    local, at, domain = folded.rpartition("@")
    folded = f"{local}{at}{_domain_unicode(domain)}" if at else folded
    return unicodedata.normalize("NFC", folded.translate(_LOOKALIKES))


def lookalike_of(address: str, existing: Iterable[str]) -> str | None:
    """The first of `existing` that `address` could be mistaken for, itself excepted."""
    own = skeleton(address)
    for other in existing:
        if other != address and skeleton(other) == own:
            return other
    return None
