"""Column widths measured from a table's content, so cells read without broken tokens.

Why: a table with fixed, even widths squeezed dates and amounts until converters broke
them mid-token ("01.06.20|26", "120 000,00 z|ł"). Here each column gets at least the
width of its longest unbreakable token (a date, an amount joined by no-break spaces, a
word) and a share of what is left by how much text it typically holds, the way a
browser lays out an automatic table; the widths always sum to the width given (the
text width of the page, portrait or landscape), so the table can be fixed.

Text is measured, not rendered: every character has an advance width in em taken from
DejaVu Sans, the widest of the fonts a document may be shown in (LibreOffice falls back
to it where Calibri and its metric twin Carlito are both missing). Tokens that must never
break (``Column.keep``: dates, amounts) are measured so; words and headers at the width
of the document's font, Calibri/Carlito (``TEXT_FONT``, about 0.8× DejaVu Sans): with
that font installed nothing breaks, and without it only a long word might.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: Size of the table text (the "Table Text" style, template.py), in points.
TABLE_TEXT_PT = 9.0
#: Cell padding left and right (twips), set on every measured table.
PADDING = 57
#: Bold (header) text is about this much wider than regular text.
BOLD_FACTOR = 1.1
#: Calibri/Carlito against DejaVu Sans (measured 0.79-0.81; rounded up).
TEXT_FONT = 0.85
#: Measured widths grow by this factor and margin (twips): borders, rounding.
SAFETY, SLACK = 1.0, 40
#: No column is narrower than this (twips).
FLOOR = 360
#: Share of the table a single ordinary word may claim (a long URL must not starve the rest).
WORD_SHARE = 0.3

_TWIPS_PER_PT = 20
# DejaVu Sans advance widths (em) of the characters tables hold; others count as _WIDE.
_NARROW = dict.fromkeys("fijlIJ'|!ł", 0.3) | dict.fromkeys(".,:; \xa0", 0.33) | {"t": 0.39, "r": 0.41}
_DIGITS = dict.fromkeys("0123456789", 0.64)
_LOWER = dict.fromkeys("abcdeghknopqsuvxyząćęńóśźż", 0.62)
_UPPER = dict.fromkeys("ABCDEFGHKLNOPRSTUVXYZĄĆĘŁŃÓŚŹŻ", 0.72)
_PUNCT = dict.fromkeys("-‑–()/[]", 0.4) | {"m": 0.97, "w": 0.82, "M": 0.86, "W": 0.99, "%": 0.95}
_EM = _NARROW | _DIGITS | _LOWER | _UPPER | _PUNCT
_WIDE = 0.78
# Token widths, shared by every table of a process (documents repeat their words); a
# pure function's memo, bounded.
_TOKEN_EM: dict[str, float] = {}
_CACHE_LIMIT = 100_000


def em(text: str) -> float:
    """Width of ``text`` in em of regular table text (an estimate, see the module docstring)."""
    get = _EM.get
    return sum(get(c, _WIDE) for c in text)


def tokens(text: str) -> list[str]:
    """The pieces a line may not break inside: split at spaces and after hyphens.

    No-break spaces (U+00A0) and hyphens (U+2011) hold their neighbours together.
    """
    pieces = [piece for piece in text.split(" ") if piece]  # split() would cut at U+00A0 too
    if "-" not in text:
        return pieces
    result = []
    for piece in pieces:
        parts = piece.split("-")
        result.extend(p + "-" for p in parts[:-1])
        result.append(parts[-1])
    return result


def twips(width_em: float, size_pt: float = TABLE_TEXT_PT) -> int:
    """Column width (twips) holding ``width_em`` of text at ``size_pt``, padding included."""
    return int(width_em * size_pt * _TWIPS_PER_PT * SAFETY) + SLACK + 2 * PADDING


@dataclass(frozen=True)
class Column:
    """A table column: its header, whether its tokens must never break, its alignment."""

    header: str
    keep: bool = False  # dates, amounts, numbers, identifiers
    align: str | None = None


class _Measure:
    """Per-column measurements: the longest token, the typical cell (p90), the header."""

    def __init__(self) -> None:
        self.token = 0.0
        self.cells: list[float] = []

    def add(self, text: str, cache: dict[str, float], factor: float = 1.0) -> None:
        if not text:
            self.cells.append(0.0)
            return
        total, longest, count = 0.0, 0.0, 0
        for token in tokens(text):
            width = cache.get(token)
            if width is None:
                width = cache[token] = em(token)
            total += width
            longest = max(longest, width)
            count += 1
        self.token = max(self.token, longest * factor)
        self.cells.append((total + 0.32 * max(count - 1, 0)) * factor)

    def typical(self) -> float:
        if not self.cells:
            return 0.0
        ordered = sorted(self.cells)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]


def fit(
    columns: Sequence[Column],
    rows: Iterable[Sequence[str]],
    total: int,
    bold_rows: Iterable[Sequence[str]] = (),
) -> list[int]:
    """Widths (twips) for ``columns`` holding ``rows`` (and ``bold_rows``: totals), summing
    to ``total``.

    Each column first gets its minimum: its longest token (its header's longest word in
    bold). What is left goes to the columns whose typical text is longer than their
    minimum, in proportion to the difference; then to words still narrower than in the
    widest fallback font; then to the text columns. When the minimums do not fit, header
    words give way first, then ordinary words; tokens of ``keep`` columns (dates,
    amounts) give way last.
    """
    count = len(columns)
    if count == 0:
        return []
    measures = [_Measure() for _ in columns]
    cache = _TOKEN_EM
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    for texts in rows:
        for measure, text in zip(measures, texts, strict=False):
            measure.add(text, cache)
    for texts in bold_rows:
        for measure, text in zip(measures, texts, strict=False):
            measure.add(text, cache, BOLD_FACTOR)
    header_em = [max((em(t) for t in tokens(c.header)), default=0.0) * BOLD_FACTOR for c in columns]
    word_cap = int(total * WORD_SHARE)
    # Words at the document font's width; at DejaVu Sans' ("roomy") when there is room.
    roomy, header, data = [], [], []
    for column, measure, head in zip(columns, measures, header_em, strict=True):
        word = max(twips(measure.token), FLOOR)
        if column.keep:
            data.append(word)
        else:
            word = min(word, word_cap)
            data.append(max(min(twips(measure.token * TEXT_FONT), word_cap), FLOOR))
        roomy.append(max(word, twips(head)))
        header.append(twips(head * TEXT_FONT))
    lowest = [max(d, h) for d, h in zip(data, header, strict=True)]
    lowest = _shrink(lowest, data, total)
    lowest = _shrink(lowest, [d if c.keep else FLOOR for c, d in zip(columns, data, strict=True)], total)
    lowest = _shrink(lowest, [FLOOR] * count, total)
    lowest = _shrink(lowest, [0] * count, total)

    wanted = [
        max(twips(m.typical() * (1.0 if c.keep else TEXT_FONT)), low)
        for c, m, low in zip(columns, measures, lowest, strict=True)
    ]
    spare = total - sum(lowest)
    need = [want - low for want, low in zip(wanted, lowest, strict=True)]
    if sum(need) >= spare:
        shares = need
        result = list(lowest)
    else:
        spare -= sum(need)
        result = list(wanted)
        extra = [max(room - width, 0) for room, width in zip(roomy, result, strict=True)]
        if sum(extra) >= spare:
            shares = extra
        else:
            spare -= sum(extra)
            result = [width + more for width, more in zip(result, extra, strict=True)]
            shares = [want if not c.keep else 0 for c, want in zip(columns, wanted, strict=True)]
        if not any(shares):
            shares = wanted
    weight = sum(shares) or 1
    result = [width + spare * share // weight for width, share in zip(result, shares, strict=True)]
    # Rounding leaves a few twips: they go to the widest column.
    result[result.index(max(result))] += total - sum(result)
    return result


def _shrink(widths: list[int], floor: Sequence[int], total: int) -> list[int]:
    """Bring ``widths`` down towards ``floor`` (each by the same share) until they fit."""
    excess = sum(widths) - total
    if excess <= 0:
        return widths
    room = [max(w - f, 0) for w, f in zip(widths, floor, strict=True)]
    available = sum(room)
    if available == 0:
        return widths
    share = min(excess / available, 1.0)
    return [w - int(r * share + 0.999) for w, r in zip(widths, room, strict=True)]
