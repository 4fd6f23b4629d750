"""The browser fixtures (a live server, Debian's chromium) for the XSS test in this folder."""

from tests.browser.conftest import browser, live_server, page  # noqa: F401
