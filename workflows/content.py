"""Section content: validation and normalisation per kind (docs/api.md, "Section content by kind").

Every save goes through :func:`normalize_content` before it is merged or stored, so that
merge, diff, completeness checks and the DOCX renderer can all rely on one exact shape:

- ``text``: a Markdown string (at most ``MAX_TEXT_CHARS`` characters);
- ``swot``: ``{"strengths", "weaknesses", "opportunities", "threats": [str]}``;
- ``goals``: ``[{"id", "title", "description", "objectives": [{"id", "title", "description"}]}]``;
- ``action_plan``: ``[{"id", "action", "objective_id", "owner", "start", "end", "budget_pln",
  "funding_source", "kpi", "baseline", "target"}]``;
- ``kpi``: ``[{"id", "indicator", "unit", "baseline", "target", "year"}]``.

What normalisation does, and why:

- Strings: ``\\r\\n`` and ``\\r`` become ``\\n`` (browsers post CRLF); control characters
  other than ``\\n`` and ``\\t``, and lone surrogates, are silently *stripped* (they are
  invisible, break XML in the DOCX and are never meant); text is put in Unicode NFC so
  that "ą" typed on two systems compares equal in merges and diffs. Fields of structured
  items, and SWOT items, are trimmed; blank SWOT items are dropped. Markdown text is not
  trimmed (leading spaces carry meaning).
- Items of structured kinds: a missing field (or ``null``) becomes ``""`` (``[]`` for
  ``objectives``); an unknown field is refused, because a misspelt key ("budget" for
  "budget_pln") would otherwise lose what was typed. The four SWOT lists are all required:
  a client sending only one would otherwise erase the other three.
- Ids: an item without an ``id`` gets ``PREFIX + N`` (``g3``, ``o5``, ``a12``, ``k2``) with N
  one more than the highest N already used with that prefix in the content, in document
  order, so the same input always gets the same ids. Ids are unique across the whole
  content (goals and objectives share one namespace, since actions name objectives).
- ``start``/``end``: ``YYYY-MM-DD`` or ``""``, a year within YEAR_MIN–YEAR_MAX (the years
  of the KPIs: a plan reaches no further, and a typo such as 20255 is caught); an end
  before the start is refused.
- ``budget_pln``: numbers, or strings such as ``"1 234,50"``, ``"1234.5"`` or
  ``"125 000 zł"`` (comma or dot as the decimal separator, spaces — also non-breaking — as
  thousands separators in groups of three), become ``"1234.50"``. A string with more than
  two decimals is refused rather than guessed at: ``"1,234"`` may mean 1234 or 1.234.
- ``year``: an int 1990–2100 (a string of four digits is accepted) or ``""``.
- ``baseline``/``target``: text; a number is accepted and turned into text.

Errors are :class:`ContentError` with a stable ``code`` from :data:`ERROR_CODES`, the
``field`` path (``"action_plan[3].budget_pln"``, ``"strengths[0]"``,
``"goals[1].objectives[0].title"``; ``""`` for the content as a whole; indexes are
positions in the submitted content) and ``params`` for the translated message.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from workflows.diff import diff_structured, diff_text
from workflows.kinds import SectionKind

MAX_TEXT_CHARS = 100_000
MAX_FIELD_CHARS = 5_000
MAX_ITEMS = 500
MAX_ID_CHARS = 64
YEAR_MIN = 1990
YEAR_MAX = 2100
#: Larger than any cluster budget; keeps amounts within what a NUMERIC(14, 2) holds.
MAX_BUDGET = Decimal("999999999999.99")

SWOT_KEYS: tuple[str, ...] = ("strengths", "weaknesses", "opportunities", "threats")

#: The fields of each kind of item, in their canonical order ("objectives" nest in goals).
ITEM_FIELDS: Mapping[str, tuple[str, ...]] = {
    "goals": ("id", "title", "description", "objectives"),
    "objectives": ("id", "title", "description"),
    "action_plan": (
        "id",
        "action",
        "objective_id",
        "owner",
        "start",
        "end",
        "budget_pln",
        "funding_source",
        "kpi",
        "baseline",
        "target",
    ),
    "kpi": ("id", "indicator", "unit", "baseline", "target", "year"),
}

#: Item lists nested in an item: level -> {field: level of the nested items}.
NESTED_ITEMS: Mapping[str, Mapping[str, str]] = {"goals": {"objectives": "objectives"}}

#: Prefix of generated ids per level of item.
ID_PREFIXES: Mapping[str, str] = {"goals": "g", "objectives": "o", "action_plan": "a", "kpi": "k"}

#: Every error code ContentError carries, with the params it comes with. Stable: the web
#: layer maps each to a translated message.
ERROR_CODES: Mapping[str, str] = {
    "unknown_kind": "the section kind is not one of SECTION_KINDS (params: kind)",
    "not_a_string": "a string was expected",
    "not_a_list": "a list was expected",
    "not_an_object": "an object (mapping) was expected",
    "missing_field": "a required field is missing (params: field)",
    "unknown_field": "the object has a field its kind does not know (params: field)",
    "too_long": "the string is longer than allowed (params: max, length)",
    "too_many_items": "the list holds more items than allowed (params: max, count)",
    "invalid_id": "an id must be 1-64 letters, digits, '_', '-', '.' or ':' (params: value)",
    "duplicate_id": "the id is already used elsewhere in the content (params: id)",
    "invalid_date": "a date must be YYYY-MM-DD or empty (params: value)",
    "date_out_of_range": "the date's year is outside YEAR_MIN-YEAR_MAX (params: value, min, max)",
    "end_before_start": "the end date is before the start date (params: start, end)",
    "invalid_number": "an amount like 125000.00 or '1 234,50' was expected (params: value)",
    "negative": "the amount must not be negative (params: value)",
    "too_large": "the amount is larger than allowed (params: max)",
    "invalid_year": "a year must be a whole number in range or empty (params: value, min, max)",
}


class ContentError(ValueError):
    """Content that does not fit its kind; the web layer answers 422 with ``code``'s message."""

    def __init__(self, field: str, code: str, params: Mapping[str, object] | None = None) -> None:
        assert code in ERROR_CODES, code
        params = dict(params or {})
        # All three in args, so the error survives pickling (Celery, multiprocessing).
        super().__init__(field, code, params)
        self.field = field
        self.code = code
        self.params = params

    def __str__(self) -> str:
        where = self.field or "content"
        return f"{where}: {self.code}" + (f" {self.params}" if self.params else "")


# --- strings -----------------------------------------------------------------------------

#: C0 controls but \t and \n, DEL, C1 controls, and (lone) surrogates.
_STRIPPED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"\d{4}")
#: Spaces people (and spreadsheets) put between thousands.
_SPACES = re.compile("[ \u00a0\u2007\u2009\u202f]+")
_CURRENCY = re.compile(r"\s*(zł|zl|pln)\.?$", re.IGNORECASE)
_AMOUNT = re.compile(r"(?P<sign>[+-])?(?P<int>\d+|\d{1,3}(?: \d{3})+)(?:[.,](?P<frac>\d{1,2}))?")


def clean_string(value: str) -> str:
    """Newlines unified, invisible control characters and lone surrogates dropped, NFC."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _STRIPPED.sub("", value)
    return unicodedata.normalize("NFC", value)


def _show(value: object) -> str:
    """A short, JSON-safe rendering of a refused value for the error's params."""
    text = value if isinstance(value, str) else repr(value)
    return clean_string(text)[:100]


def _limit(text: str, path: str, maximum: int) -> str:
    if len(text) > maximum:
        raise ContentError(path, "too_long", {"max": maximum, "length": len(text)})
    return text


def _text_field(value: object, path: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ContentError(path, "not_a_string")
    return _limit(clean_string(value).strip(), path, MAX_FIELD_CHARS)


def _text_or_number_field(value: object, path: str) -> str:
    """Baselines and targets are text ("12 %", "3 firms") but clients often send numbers."""
    if isinstance(value, bool):
        raise ContentError(path, "not_a_string")
    if isinstance(value, int) or (isinstance(value, Decimal) and value.is_finite()):
        return _limit(str(value), path, MAX_FIELD_CHARS)
    if isinstance(value, Decimal):
        raise ContentError(path, "not_a_string")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ContentError(path, "not_a_string")
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return _text_field(value, path)


def _id_value(value: object, path: str) -> str:
    """A valid id, or "" when there is none (the caller then generates one)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ContentError(path, "not_a_string")
    text = clean_string(value).strip()
    if text and (len(text) > MAX_ID_CHARS or not _ID.fullmatch(text)):
        raise ContentError(path, "invalid_id", {"value": _show(value)})
    return text


def _date_field(value: object, path: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return _in_years(value, path, value)
    if not isinstance(value, str):
        raise ContentError(path, "invalid_date", {"value": _show(value)})
    text = clean_string(value).strip()
    if not text:
        return ""
    try:
        day = date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else None
    except ValueError:
        day = None
    if day is None:
        raise ContentError(path, "invalid_date", {"value": _show(value)})
    return _in_years(day, path, value)


def _in_years(day: date, path: str, value: object) -> str:
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        params = {"value": _show(value), "min": YEAR_MIN, "max": YEAR_MAX}
        raise ContentError(path, "date_out_of_range", params)
    return day.isoformat()


def _parse_amount(text: str, path: str, raw: object) -> Decimal:
    text = _CURRENCY.sub("", _SPACES.sub(" ", text).strip())
    match = _AMOUNT.fullmatch(text)
    if match is None:
        raise ContentError(path, "invalid_number", {"value": _show(raw)})
    digits = match["int"].replace(" ", "") + "." + (match["frac"] or "0")
    return Decimal(("-" if match["sign"] == "-" else "") + digits)


def _budget_field(value: object, path: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise ContentError(path, "invalid_number", {"value": _show(value)})
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float | Decimal):
        if isinstance(value, float) and not math.isfinite(value):
            raise ContentError(path, "invalid_number", {"value": _show(value)})
        if isinstance(value, Decimal) and not value.is_finite():
            raise ContentError(path, "invalid_number", {"value": _show(value)})
        amount = Decimal(repr(value)) if isinstance(value, float) else value
    elif isinstance(value, str):
        text = clean_string(value).strip()
        if not text:
            return ""
        amount = _parse_amount(text, path, value)
    else:
        raise ContentError(path, "invalid_number", {"value": _show(value)})
    if amount < 0:
        raise ContentError(path, "negative", {"value": _show(value)})
    if amount > MAX_BUDGET:
        raise ContentError(path, "too_large", {"max": f"{MAX_BUDGET:f}"})
    try:
        amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:  # pragma: no cover - guarded by MAX_BUDGET
        raise ContentError(path, "invalid_number", {"value": _show(value)}) from exc
    return f"{amount:f}" if amount else "0.00"


def _year_field(value: object, path: str) -> int | str:
    if value is None:
        return ""
    year: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        year = value
    elif isinstance(value, str):
        text = clean_string(value).strip()
        if not text:
            return ""
        if _YEAR.fullmatch(text):
            year = int(text)
    if year is None or not YEAR_MIN <= year <= YEAR_MAX:
        params = {"value": _show(value), "min": YEAR_MIN, "max": YEAR_MAX}
        raise ContentError(path, "invalid_year", params)
    return year


_FIELD_RULES: Mapping[str, Callable[[object, str], object]] = {
    "start": _date_field,
    "end": _date_field,
    "budget_pln": _budget_field,
    "year": _year_field,
    "baseline": _text_or_number_field,
    "target": _text_or_number_field,
    "objective_id": _id_value,  # names an objective of the goals section, or ""
}


# --- structured items --------------------------------------------------------------------


class _Ids:
    """Ids of one content: refuses duplicates, then numbers the items that had none."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.pending: list[tuple[dict, str]] = []

    def claim(self, item: dict, level: str, value: str, path: str) -> None:
        if not value:
            self.pending.append((item, ID_PREFIXES[level]))
            return
        if value in self.used:
            raise ContentError(path, "duplicate_id", {"id": value})
        self.used.add(value)
        item["id"] = value

    def assign(self) -> None:
        next_number: dict[str, int] = {}
        for item, prefix in self.pending:
            if prefix not in next_number:
                next_number[prefix] = highest_number(self.used, prefix) + 1
            item["id"] = f"{prefix}{next_number[prefix]}"
            self.used.add(item["id"])
            next_number[prefix] += 1


def highest_number(ids: set[str] | frozenset[str], prefix: str) -> int:
    """The highest N among ids of the form PREFIX + N (0 if none): new ids go above it."""
    pattern = re.compile(re.escape(prefix) + r"(\d{1,18})")
    numbers = [int(m[1]) for m in map(pattern.fullmatch, ids) if m]
    return max(numbers, default=0)


def _as_list(value: object, path: str) -> list:
    if not isinstance(value, list | tuple):
        raise ContentError(path, "not_a_list")
    if len(value) > MAX_ITEMS:
        raise ContentError(path, "too_many_items", {"max": MAX_ITEMS, "count": len(value)})
    return list(value)


def _normalize_item(raw: object, level: str, path: str, ids: _Ids) -> dict:
    if not isinstance(raw, Mapping):
        raise ContentError(path, "not_an_object")
    fields = ITEM_FIELDS[level]
    for key in raw:
        if key not in fields:
            raise ContentError(f"{path}.{key}", "unknown_field", {"field": _show(key)})
    item: dict = {}
    nested = NESTED_ITEMS.get(level, {})
    for field in fields:
        value = raw.get(field)
        field_path = f"{path}.{field}"
        if field == "id":
            item["id"] = ""
            ids.claim(item, level, _id_value(value, field_path), field_path)
        elif field in nested:
            children = [] if value is None else _as_list(value, field_path)
            item[field] = [
                _normalize_item(child, nested[field], f"{field_path}[{i}]", ids)
                for i, child in enumerate(children)
            ]
        else:
            item[field] = _FIELD_RULES.get(field, _text_field)(value, field_path)
    if item.get("start") and item.get("end") and item["end"] < item["start"]:
        params = {"start": item["start"], "end": item["end"]}
        raise ContentError(f"{path}.end", "end_before_start", params)
    return item


def _normalize_items(kind: str, content: object) -> list[dict]:
    ids = _Ids()
    items = [_normalize_item(raw, kind, f"{kind}[{i}]", ids) for i, raw in enumerate(_as_list(content, ""))]
    ids.assign()
    return items


def _normalize_swot(content: object) -> dict[str, list[str]]:
    if not isinstance(content, Mapping):
        raise ContentError("", "not_an_object")
    for key in content:
        if key not in SWOT_KEYS:
            raise ContentError(str(key), "unknown_field", {"field": _show(key)})
    result: dict[str, list[str]] = {}
    for key in SWOT_KEYS:
        if key not in content:
            raise ContentError(key, "missing_field", {"field": key})
        entries = []
        for i, entry in enumerate(_as_list(content[key], key)):
            if not isinstance(entry, str):
                raise ContentError(f"{key}[{i}]", "not_a_string")
            text = _text_field(entry, f"{key}[{i}]")
            if text:
                entries.append(text)
        result[key] = entries
    return result


def _normalize_text(content: object) -> str:
    if not isinstance(content, str):
        raise ContentError("", "not_a_string")
    return _limit(clean_string(content), "", MAX_TEXT_CHARS)


# --- public API --------------------------------------------------------------------------


def _check_kind(kind: str) -> SectionKind:
    try:
        return SectionKind(kind)
    except ValueError:
        raise ContentError("", "unknown_kind", {"kind": _show(kind)}) from None


def normalize_content(kind: str, content: object) -> object:
    """Validate ``content`` for ``kind`` and return a normalised deep copy (module doc).

    Raises ContentError for the first problem found, in document order.
    """
    section_kind = _check_kind(kind)
    if section_kind is SectionKind.TEXT:
        return _normalize_text(content)
    if section_kind is SectionKind.SWOT:
        return _normalize_swot(content)
    return _normalize_items(section_kind.value, content)


def empty_content(kind: str) -> object:
    """What a new section holds, so every stored content has its kind's shape."""
    section_kind = _check_kind(kind)
    if section_kind is SectionKind.TEXT:
        return ""
    if section_kind is SectionKind.SWOT:
        return {key: [] for key in SWOT_KEYS}
    return []


def is_filled(kind: str, content: object) -> bool:
    """Whether a section counts as written, for "required sections filled" guards.

    Text must hold more than whitespace, a SWOT at least one item in any list, the other
    kinds at least one item. Malformed content is not filled (it is not this check's job
    to refuse it).
    """
    section_kind = _check_kind(kind)
    if section_kind is SectionKind.TEXT:
        return isinstance(content, str) and bool(content.strip())
    if section_kind is SectionKind.SWOT:
        if not isinstance(content, Mapping):
            return False
        return any(
            isinstance(entry, str) and entry.strip()
            for key in SWOT_KEYS
            if isinstance(content.get(key), list | tuple)
            for entry in content[key]
        )
    return isinstance(content, list | tuple) and len(content) > 0


def _size(value: object) -> int:
    """Characters a value holds (for added and removed items)."""
    if value is None:
        return 0
    if isinstance(value, str):
        return len(value)
    if isinstance(value, Mapping):
        return sum(_size(v) for v in value.values())
    if isinstance(value, list | tuple):
        return sum(_size(v) for v in value)
    return len(str(value))


def _changed_chars(old: object, new: object) -> int:
    if isinstance(old, str | int) and isinstance(new, str | int):
        ops = diff_text(str(old), str(new))
        return sum(len(text) for op, text in ops if op != "equal")
    return _size(old) + _size(new)


def change_size(kind: str, old: object, new: object) -> int:
    """Characters inserted plus characters deleted from ``old`` to ``new``.

    Shown beside each revision (like a wiki's "+120 / -3") so people can spot the big
    edits. ``old`` may be None for a section's first revision. A change of order only
    counts 0: no character changed.
    """
    _check_kind(kind)
    old = empty_content(kind) if old is None else old
    new = empty_content(kind) if new is None else new
    if kind == SectionKind.TEXT:
        return _changed_chars(old, new)
    total = 0
    for change in diff_structured(kind, old, new):
        if change.op == "added":
            total += _size(change.new)
        elif change.op == "removed":
            total += _size(change.old)
        elif not (isinstance(change.old, list) and isinstance(change.new, list)):
            total += _changed_chars(change.old, change.new)
        # else: the order of a list changed (old and new are lists of ids): no characters.
    return total
