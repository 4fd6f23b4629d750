"""Defensive reading and formatting of snapshot values.

Why: a snapshot is user data frozen as JSON, and the renderer must never raise on it.
Every value passes through these helpers: text loses what XML 1.0 cannot hold (control
characters, lone surrogates), containers of the wrong type read as empty, dates and
amounts that do not parse are shown as written and left out of sums.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency

from worker.renderer.labels import LOCALES

# Characters XML 1.0 forbids (C0 controls except tab/LF/CR, surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MAX_AMOUNT = Decimal("1e15")
# Where a line must not break: a space inside a number ("1 000") or before its unit
# ("12,5 %", "120 000,00 zł"), a hyphen inside an identifier or a range ("KPI-12",
# "2021-2027", NIP "526-10-00-000").
_NUMBER_SPACE = re.compile(r"(?<=\d) (?=\d{3}(?!\d)|%|‰|zł\b|PLN\b|EUR\b|r\.|tys\.|mln\b|mld\b)")
_CODE_HYPHEN = re.compile(r"(?<=[0-9A-Z])-(?=[0-9A-Z])")


def clean(value: object) -> str:
    """Any value as text that lxml and Word accept."""
    if value is None:
        return ""
    if not isinstance(value, str):
        if isinstance(value, bool):
            value = "✓" if value else ""
        else:
            try:
                value = str(value)
            except Exception:  # a broken __str__ must not stop the document
                return ""
    return _NOT_XML.sub("", value)


def line(value: object) -> str:
    """Text for a single line (table cells, headings): whitespace runs collapse."""
    return " ".join(clean(value).split())


def unbroken(text: str) -> str:
    """``text`` with no-break spaces (U+00A0) and hyphens (U+2011) where numbers, units and
    identifiers must stay on one line."""
    if " " in text:
        text = _NUMBER_SPACE.sub("\xa0", text)
    if "-" in text:
        text = _CODE_HYPHEN.sub("\u2011", text)
    return text


def as_dict(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def as_list(value: object) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def as_int(value: object, default: int = 0) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def parse_date(value: object) -> date | None:
    """An ISO 8601 date or datetime (a string or a date), else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def parse_datetime(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def parse_amount(value: object) -> Decimal | None:
    """A budget as Decimal; decimal strings may use a comma and spaces (``"1 234,50"``)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    else:
        text = clean(value).replace("\xa0", "").replace(" ", "").replace(",", ".")
        try:
            amount = Decimal(text) if isinstance(value, str) else Decimal(str(float(value)))
        except (InvalidOperation, ValueError, TypeError):
            return None
    if not amount.is_finite() or abs(amount) >= _MAX_AMOUNT:
        return None
    return amount


def wall_clock(moment: datetime) -> str:
    """The time as read on a clock where ``moment`` was given (``10:00``): its own offset,
    the agency's time zone; never converted to UTC or to the machine's zone."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


class Formats:
    """Dates and money in the conventions of the document's language."""

    def __init__(self, language: str) -> None:
        conventions = LOCALES.get(language, LOCALES["pl"])
        self.locale = Locale.parse(conventions["babel"])
        self.word_lang = conventions["lang"]
        self._date_separator = conventions["date_separator"]
        # en: "PLN 1,234.50" (CLDR would glue the code to the digits).
        self._money_pattern = None if language == "pl" else "¤\xa0#,##0.00"
        self._dates: dict[str, str] = {}

    def money(self, amount: Decimal) -> str:
        return format_currency(amount, "PLN", format=self._money_pattern, locale=self.locale)

    def long_date(self, value: date) -> str:
        return format_date(value, "long", locale=self.locale)

    def short_date(self, value: date) -> str:
        """Numeric day, month, year (``01.01.2027``; ``01/01/2027`` in English)."""
        sep = self._date_separator
        return f"{value.day:02d}{sep}{value.month:02d}{sep}{value.year:04d}"

    def short_datetime(self, value: datetime) -> str:
        """Date and wall-clock time as stored (no time-zone conversion)."""
        return f"{self.short_date(value.date())}, {value:%H:%M}"

    def date_text(self, value: object) -> str:
        """A date cell: formatted when it parses, the raw text otherwise (cached: plans
        repeat their dates)."""
        if isinstance(value, str):
            text = self._dates.get(value)
            if text is None:
                parsed = parse_date(value)
                text = self._dates[value] = self.short_date(parsed) if parsed else line(value)
            return text
        parsed = parse_date(value)
        return self.short_date(parsed) if parsed else line(value)
