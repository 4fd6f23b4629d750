"""The browser fixtures live in tests/browser_support.py and are registered once in
tests/conftest.py, so every folder shares one Playwright instance."""

from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, LiveServer, new_page  # noqa: F401
