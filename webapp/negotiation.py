"""Which kind of answer a request gets: two different rules, named apart on purpose.

- :func:`is_api_request`: the path decides. Everything under `/api/` is the JSON API
  (docs/api.md): errors in the `{"error": {...}}` shape, 401 instead of a sign-in redirect,
  `Cache-Control: no-store`.
- :func:`prefers_json`: the Accept header decides. A page's own script (the section
  editor) asks for JSON on the same URL a plain form posts to, which gets a page.
"""

from __future__ import annotations

from flask import request


def is_api_request() -> bool:
    """Is this a call of the JSON API (its path under `/api/`)?"""
    return request.path.startswith("/api/")


def prefers_json() -> bool:
    """Does the client rank JSON above HTML in its Accept header (a page's script)?"""
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"
