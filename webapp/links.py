"""Absolute links for what leaves the site: e-mails, .ics files, exports.

They are built from the configured PUBLIC_URL, never from the request: anyone can send
a request with `Host: evil.example`, and a link built from it would send the people who
receive the e-mail or the calendar entry to that host (with an invitation's token, say).
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import current_app


def public_base() -> str:
    """PUBLIC_URL without a trailing slash, e.g. ``https://studio.example.org``."""
    return str(current_app.config["PUBLIC_URL"]).rstrip("/")


def public_host() -> str:
    """The public host name (no port), e.g. for the UID of a calendar entry."""
    return urlsplit(public_base()).hostname or "localhost"


def public_url(endpoint: str, **values: object) -> str:
    """The absolute address of a page, as `url_for` would build it on the public site.

    Works outside a request too (the worker, the CLI): the URL map is bound to PUBLIC_URL,
    not to whatever request may be under way.
    """
    anchor = values.pop("_anchor", None)
    base = urlsplit(public_base())
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{quote(str(anchor), safe='-_.~')}" if anchor else url


def absolute(path: str) -> str:
    """A site path (``/c/krea#stage-goals``) as an absolute link on the public site."""
    return f"{public_base()}/{path.lstrip('/')}"
