"""URL converters that only match what the database can look up, for every route.

They replace Werkzeug's defaults in the app's URL map (`StudioMap`), so `<int:id>`,
`<slug>` and `<path:...>` in any rule, new ones included, answer 404 for an id beyond
the INTEGER columns or a segment holding NUL or control characters, instead of sending
them to a query.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, Map, PathConverter, UnicodeConverter

from webapp.inputs import INT32_MAX

#: The longest path segment any route needs (slugs hold 60 characters, keys 50).
MAX_SEGMENT_CHARS = 200
_SEGMENT_CHARS = r"[^/\x00-\x1f\x7f]"


class IdConverter(IntegerConverter):
    """`<int:...>`: an id an INTEGER column can hold (ten digits at most, so no huge
    number is even converted)."""

    regex = r"\d{1,10}"

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,  # noqa: A002 - Werkzeug's argument names
        max: int | None = INT32_MAX,  # noqa: A002
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


class SegmentConverter(UnicodeConverter):
    """`<name>` and `<string:...>`: one segment without control characters, bounded."""

    def __init__(
        self,
        map: Map,
        minlength: int = 1,
        maxlength: int | None = MAX_SEGMENT_CHARS,
        length: int | None = None,
    ) -> None:
        super().__init__(map, minlength, maxlength, length)
        self.regex = self.regex.replace("[^/]", _SEGMENT_CHARS, 1)


class SafePathConverter(PathConverter):
    """`<path:...>`: like Werkzeug's, without control characters."""

    regex = r"[^/\x00-\x1f\x7f][^\x00-\x1f\x7f]*?"


class StudioMap(Map):
    default_converters = {
        **Map.default_converters,
        "default": SegmentConverter,
        "string": SegmentConverter,
        "int": IdConverter,
        "path": SafePathConverter,
    }


class Studio(Flask):
    """Flask with the bounded converters, in place before the first rule (static's), and
    the one commit point around every view (webapp.transaction)."""

    url_map_class = StudioMap

    def dispatch_request(self):  # noqa: ANN201 - Flask's own signature
        from webapp.transaction import dispatch_in_transaction

        return dispatch_in_transaction(self, super().dispatch_request)
