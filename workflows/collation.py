"""Polish alphabetical order (CLDR's Polish collation) as a Python sort key.

PostgreSQL sorts with ICU's own ``pl-x-icu`` collation; SQLite and sorts done in Python use
this key, registered on SQLite connections as the collation ``pl`` (`webapp.collation`).
No ICU binding for Python installs as a wheel here (PyICU builds from source against the
system ICU, so it would bind the image to a compiler and libicu-dev); Polish needs only a
small tailoring of the Unicode order, written out below and tested against ICU's results.

CLDR's Polish tailoring: ą, ć, ę, ł, ń, ó, ś, ź, ż are letters of their own, each right after
its base letter (Lucyna < Łukasz, Zawada < Źdźbło < Żak). Every other accent only breaks ties
(secondary), then case (tertiary: lower case first, as ICU), so "e" < "é" < "f". Spaces and
punctuation come before digits, digits before letters; other scripts after Latin.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

#: The Polish alphabet with q, v and x where the Latin alphabet has them.
ALPHABET = "aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż"
_LETTER = {letter: 1000 + index for index, letter in enumerate(ALPHABET)}
_DIGIT = 500
_OTHER_SCRIPT = 10_000
#: Letters whose base in Unicode's decomposition is not a Latin letter (or that have none).
_BASES = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}


def _primary(char: str) -> int:
    if char in _LETTER:
        return _LETTER[char]
    if char.isdigit():
        return _DIGIT + unicodedata.digit(char, 0)
    if char.isalpha():
        return _OTHER_SCRIPT + ord(char)
    return 100 + min(ord(char), 399)  # spaces and punctuation, before digits


@functools.lru_cache(maxsize=65536)
def polish_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Sort key: compare letters first, then accents other than Polish ones, then case."""
    primary: list[int] = []
    secondary: list[int] = []
    tertiary: list[int] = []
    for char in unicodedata.normalize("NFC", text or ""):
        lower = char.lower()
        upper = 0 if char == lower else 1
        if lower in _LETTER:
            letters, marks = lower, ""
        else:
            decomposed = unicodedata.normalize("NFD", lower)
            base = decomposed[0]
            marks = "".join(c for c in decomposed[1:] if unicodedata.combining(c))
            letters = _BASES.get(base, base)
            if len(decomposed) > 1 and not marks:
                letters = decomposed  # a compatibility form: keep it as it is
        for letter in letters:
            primary.append(_primary(letter))
            secondary.append(sum(ord(m) for m in marks) if marks else 0)
            tertiary.append(upper)
    return tuple(primary), tuple(secondary), tuple(tertiary)


def polish_sorted(items: Iterable[T], key: Callable[[T], str] = str) -> list[T]:
    """`items` in Polish alphabetical order of `key(item)` (stable: equal keys keep their order)."""
    return sorted(items, key=lambda item: polish_key(key(item)))


def polish_compare(a: str, b: str) -> int:
    """-1, 0 or 1, as SQLite's create_collation wants."""
    ka, kb = polish_key(a), polish_key(b)
    return (ka > kb) - (ka < kb)
