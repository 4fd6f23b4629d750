"""Every CSV the studio writes goes through here: cells are data, never formulas.

Why: a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula
(`=HYPERLINK(...)`, `=cmd|...`), and a leading tab or carriage return can hide such a
start. As OWASP recommends for CSV injection, such a cell is written with a leading `'`,
which spreadsheets take as "this is text". The format is the one of the Polish sheets:
semicolons, CRLF, UTF-8 with a BOM (so Excel reads the letters).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

#: What starts a formula (or hides its start) in Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading `'`; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = str(value)  # lazy translations and anything else are written as their text
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    """The rows (the first one the header) as a CSV file, every text cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")
