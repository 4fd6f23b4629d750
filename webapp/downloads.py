"""The Content-Disposition of every download: one helper, whatever names the file.

Why: a file name is often made of user text (a cluster's name or short name, which a
restored backup may bring unchecked). In a header a quote, a semicolon or a line break
would end the value and start another parameter or header, a slash or backslash would
name a folder, and an invisible right-to-left override (U+202E) before "fdp.exe" makes
it read "exe.pdf". So the name is reduced to one safe line and sent twice, as RFC 6266
recommends: `filename*` (RFC 5987, UTF-8, percent-encoded, the Polish letters kept)
and a plain ASCII `filename` for old clients.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_FALLBACK = "download"
_MAX_NAME = 150
# Path separators and what would end a header value or a quoted string.
_SEPARATORS = re.compile(r'[/\\"\';:*?<>|]+')
_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _visible(name: str) -> str:
    """Without controls and format characters (category C*), on one line."""
    kept = "".join(" " if ch.isspace() else ch for ch in unicodedata.normalize("NFC", name))
    kept = "".join(ch for ch in kept if not unicodedata.category(ch).startswith("C"))
    return " ".join(kept.split())


def safe_filename(name: str) -> str:
    """The name as a file name: letters of any language kept, no folder, no hidden file."""
    text = _SEPARATORS.sub("-", _visible(name)).replace(" ", "-")
    text = re.sub(r"-{2,}", "-", text).strip("-.")
    if len(text) > _MAX_NAME:  # shortened, the extension kept
        stem, dot, extension = text.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            text = f"{stem[: _MAX_NAME - len(extension) - 1]}.{extension}"
        else:
            text = text[:_MAX_NAME]
    return text or _FALLBACK


def ascii_name(name: str) -> str:
    """The same name in ASCII for old clients ("ł" has no decomposition: mapped by hand)."""
    name = name.replace("ł", "l").replace("Ł", "L")
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")


def content_disposition(name: str) -> str:
    """`attachment; filename="…"; filename*=UTF-8''…` for a download called ``name``."""
    unicode_name = safe_filename(name)
    plain = _NOT_ASCII_SAFE.sub("-", ascii_name(unicode_name))
    plain = re.sub(r"-{2,}", "-", plain).strip("-.") or _FALLBACK
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(unicode_name, safe='')}"
