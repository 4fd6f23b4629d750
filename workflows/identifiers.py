"""Polish identifiers: the NIP (tax number) and its checksum."""

from __future__ import annotations

import re

_NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def normalise_nip(value: str) -> str:
    """Digits only: people write NIPs as 123-456-32-18, 123 456 32 18 or PL1234563218."""
    value = (value or "").strip().upper()
    if value.startswith("PL"):
        value = value[2:]
    return re.sub(r"[\s-]", "", value)


def is_valid_nip(value: str) -> bool:
    """Ten digits whose weighted sum modulo 11 equals the last digit (10 is never valid)."""
    nip = normalise_nip(value)
    if not re.fullmatch(r"\d{10}", nip):
        return False
    checksum = sum(int(d) * w for d, w in zip(nip, _NIP_WEIGHTS, strict=False)) % 11
    return checksum != 10 and checksum == int(nip[9])
