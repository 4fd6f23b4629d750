"""Browser fixtures (registered once, in tests/conftest.py): a live server on a private copy
of the demo database, and Debian's chromium. One session-wide Playwright for the whole run."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import DEMO_PASSWORD, Golden, make_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class LiveServer:
    url: str
    app: object

    def sign_in(self, page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
        page.goto(f"{self.url}/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("main form [type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture
def live_server(golden: Golden, tmp_path: Path) -> Iterator[LiveServer]:
    """The app served over real HTTP (threaded), on a fresh copy of the demo data."""
    url, _ = golden.clone("sqlite", tmp_path)
    app = make_app(url, TESTING=False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(10)
        with app.app_context():
            from webapp.extensions import db

            db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A Polish-speaking browser tab that fails the test on any script error."""
    context = browser.new_context(locale="pl-PL", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert errors == [], f"script errors on the page: {errors}"


def new_page(browser: Browser, locale: str = "pl-PL") -> Page:
    """Another person's browser (own cookies), for tests with two people at once."""
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    return context.new_page()
