"""Bounds on what a request brings in, checked before any of it reaches a query.

The database cannot hold everything a client can send: PostgreSQL refuses NUL in text,
no encoding holds a lone surrogate, INTEGER columns stop at 2**31 - 1 (SQLite at 2**63),
and a deeply nested JSON body costs recursion before anyone looks at it. Each is
refused here with a 4xx and a message, once for every route:

- every request (`check_request`, the first before_request): header values without
  control characters; query values (at most MAX_QUERY_CHARS) and form fields (at most
  Flask's MAX_FORM_MEMORY_SIZE) without NUL or lone surrogates; JSON bodies (at most
  MAX_CONTENT_LENGTH) no deeper than MAX_JSON_DEPTH, with finite numbers that fit
  64 bits and strings without NUL or lone surrogates;
- integers that reach a column are bounded to its range: in paths by the URL converters
  (webapp.routing), in forms by webapp.form_fields, in API schemas by
  webapp.api.schemas.Bounded, in query strings by `query_int`;
- dates people type are bounded to DATE_YEARS (webapp.form_fields, workflows.content).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from workflows.content import YEAR_MAX, YEAR_MIN

#: Every integer column is PostgreSQL's INTEGER (SQLAlchemy's Integer).
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
#: What any JSON number may be, even where it is not an id (SQLite's INTEGER).
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
#: Section content nests four levels inside the body; twice that and more is no client.
MAX_JSON_DEPTH = 16
#: One query value (a `next=` address is the longest there is).
MAX_QUERY_CHARS = 2_048
#: Years of any date a person gives (meetings, action plans, KPI years).
DATE_YEARS = (YEAR_MIN, YEAR_MAX)

#: What no column can store: NUL (PostgreSQL) and surrogates, which Python keeps in a
#: str only when they are unpaired (a JSON "\\ud800", an undecodable byte).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
#: Control characters HTTP does not allow in a header value (tab is allowed).
_HEADER_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_INNERMOST_PAIR = re.compile(rb"\[\]|\{\}")


class BadInput(HTTPException):
    """A refusal in the error shape of webapp.errors (code, message, the field at fault)."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(description=message)
        self.code = status
        self.error_code = code
        self.message = message
        # `fields` as in the API's validation errors, `field` as in its content errors.
        named = {"field": field, "fields": [field]} if field is not None else {}
        self.extra = {"error_extra": named}


class JSONRefused(ValueError):
    """JSON that is not let in; `message` says why in the person's language."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- JSON ------------------------------------------------------------------------------------


def json_depth_exceeds(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Is the JSON text nested deeper than `limit`? Counted without parsing: strings
    are blanked, then innermost pairs removed a level at a time (C-speed passes, so a
    body of brackets costs no recursion and little time)."""
    brackets = _JSON_STRING.sub(b'""', raw).translate(None, _NOT_BRACKET)
    for _level in range(limit):
        if not brackets:
            return False
        brackets, removed = _INNERMOST_PAIR.subn(b"", brackets)
        if not removed:
            return False  # unbalanced: not JSON at all, the parser says so
    return bool(brackets)


def _refuse_constant(name: str) -> float:
    raise JSONRefused(_("Numbers must be finite: %(value)s is not allowed.", value=name))


def _members(value: object, path: str = "") -> Iterator[tuple[str, object]]:
    """Every value inside `value` with its path (`content.goals[0].title`), keys too."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield path, key
            yield from _members(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _members(item, f"{path}[{index}]")


def _out_of_range(item: object) -> bool:
    if isinstance(item, float):
        return not math.isfinite(item)
    return isinstance(item, int) and not isinstance(item, bool) and not INT64_MIN <= item <= INT64_MAX


def check_json_value(value: object) -> None:
    """Refuse strings no column can hold and numbers out of any column's range."""
    for path, item in _members(value):
        if isinstance(item, str):
            if UNSTORABLE.search(item):
                raise JSONRefused(unstorable_message(), path)
        elif _out_of_range(item):
            raise JSONRefused(_("A number in the request is out of range."), path)


def loads_json(raw: str | bytes) -> object:
    """json.loads within the bounds: depth first (before any recursion), then NaN and
    infinities, out-of-range numbers and unstorable strings; JSONRefused (a ValueError)
    for anything refused, with the malformed-JSON ValueErrors as they are."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if json_depth_exceeds(data):
        raise JSONRefused(
            _("The JSON sent is nested too deeply (at most %(max)d levels).", max=MAX_JSON_DEPTH)
        )
    value = json.loads(raw, parse_constant=_refuse_constant)
    check_json_value(value)
    return value


# --- texts and numbers -----------------------------------------------------------------------


def unstorable_message() -> str:
    return _(
        "The text holds a character that cannot be saved (a NUL character or an unpaired "
        "surrogate). Remove it and try again."
    )


def in_int32(value: int) -> bool:
    return INT32_MIN <= value <= INT32_MAX


def query_int(text: str) -> int:
    """A `type=` for request.args.get: an integer a column can hold, else ValueError
    (so the value counts as not given, like any other unreadable number)."""
    value = int(text)
    if not in_int32(value):
        raise ValueError(text)
    return value


def integer_out_of_range_message() -> str:
    return _("Enter a whole number from %(min)s to %(max)s.", min=f"{INT32_MIN}", max=f"{INT32_MAX}")


# --- conditional requests --------------------------------------------------------------------

#: If-Match: * (any current revision).
ANY_REVISION = "*"
_ENTITY_TAG = re.compile(r'\s*(?:W/)?"(\d{1,10})"\s*')


def if_match_revisions(header: str | None) -> frozenset[int] | str | None:
    """The revisions an If-Match header names (our ETags are `"REVISION"`): None without
    the header, ANY_REVISION for `*`, else a 400 for anything but a comma-separated list
    of quoted revision numbers (W/ tolerated, as clients send what they were given)."""
    if header is None:
        return None
    if header.strip() == ANY_REVISION:
        return ANY_REVISION
    revisions = set()
    for part in header.split(","):
        match = _ENTITY_TAG.fullmatch(part)
        if match is None or not in_int32(int(match[1])):
            raise BadInput(400, "bad_request", _('If-Match must name a revision, like "3".'))
        revisions.add(int(match[1]))
    return frozenset(revisions)


# --- the request-wide check ------------------------------------------------------------------


def _check_headers() -> None:
    for name, value in request.headers.items():
        if _HEADER_CONTROL.search(value):
            raise BadInput(
                400,
                "bad_header",
                _("The request header %(name)s holds control characters.", name=name),
            )


def _check_pairs(pairs: Iterator[tuple[str, str]], where: str, limit: int | None) -> None:
    for key, value in pairs:
        if UNSTORABLE.search(key) or UNSTORABLE.search(value):
            status = 400 if where == "query" else 422
            raise BadInput(status, "unstorable_character", unstorable_message(), key)
        if limit is not None and len(value) > limit:
            raise BadInput(
                400,
                "too_long",
                _("A value in the address is too long (at most %(max)d characters).", max=limit),
                key,
            )


def _check_json_body() -> None:
    raw = request.get_data(cache=True)
    if not raw.strip():
        return
    try:
        loads_json(raw)
    except JSONRefused as refused:
        # A member at fault is the data's problem (422); the body as a whole, the request's.
        status = 422 if refused.field else 400
        raise BadInput(status, "invalid_json", refused.message, refused.field or None) from None
    except (ValueError, RecursionError):
        raise BadInput(400, "invalid_json", _("The JSON sent could not be read.")) from None


def check_request() -> None:
    """Runs before everything else a request meets (sign-in, CSRF, the view)."""
    _check_headers()
    _check_pairs(request.args.items(multi=True), "query", MAX_QUERY_CHARS)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        _check_pairs(request.form.items(multi=True), "form", None)
    elif request.is_json:
        _check_json_body()


def init_app(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, check_request)
