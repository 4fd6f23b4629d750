"""Screenshots of the formatted section editor at a laptop's and a phone's width.

    .venv/bin/python scripts/editor_screenshots.py [OUTDIR]   (default: docs/editor)

Loads the demo into a throw-away SQLite database, serves the app on a free local port, signs in
in Polish as a member of KREA (whose diagnosis is being drafted) with Debian's chromium
(headless), puts the cursor in a table of the profile, so the table tools show, and writes
``editor-1366.png`` and ``editor-390.png`` (one screen each, so the files stay small). Render
them again when the editor changes. ``bench/editor.py`` uses the same throw-away server.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WIDTHS = {"1366": {"width": 1366, "height": 800}, "390": {"width": 390, "height": 844}}
CHROMIUM = "/usr/bin/chromium"
MEMBER = "beata.stepien17@example.org"  # a member of KREA
SECTION = "/c/krea/s/profile"
#: A table under the profile's text, so the pictures show one being edited.
TABLE = (
    "\n\n### Najważniejsze liczby\n\n| Wskaźnik | 2025 | Cel 2030 |\n|---|---:|---:|\n"
    "| Członkowie klastra | 42 | 60 |\n| Przychody członków | 1 450 000 zł | 2 900 000 zł |\n"
)


def _app(workdir: Path):  # noqa: ANN202
    os.environ["DATA_DIR"] = str(workdir)
    os.environ.setdefault("DEMO_PASSWORD", "editor-screenshots")
    os.environ.setdefault("SECRET_KEY", "editor-screenshots")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'demo.sqlite3'}"
    os.environ.pop("REDIS_URL", None)
    from flask_migrate import upgrade
    from sqlalchemy import select

    from webapp import create_app
    from webapp.demo.load import load_demo
    from webapp.extensions import db
    from webapp.models import Cluster, Section

    app = create_app({})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_demo()
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == "krea"))
        section = db.session.scalar(
            select(Section).where(Section.cluster_id == cluster.id, Section.key == "profile")
        )
        section.content = (section.content or "").rstrip() + TABLE
        db.session.commit()
    return app


@contextmanager
def demo_server() -> Iterator[str]:
    """The demo app on a free local port, on a throw-away database: its base URL."""
    from werkzeug.serving import make_server

    with tempfile.TemporaryDirectory(prefix="editor-") as tmp:
        app = _app(Path(tmp))
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()


def sign_in(page, url: str) -> None:  # noqa: ANN001
    page.goto(url + "/login")
    page.fill("input[name=email]", MEMBER)
    page.fill("input[name=password]", os.environ["DEMO_PASSWORD"])
    page.click("main form [type=submit]")
    page.wait_for_url(lambda u: "/login" not in u)


def small(target: Path) -> None:
    """64 colours are plenty for a page of text: the PNG shrinks to about a third."""
    from PIL import Image  # matplotlib's own dependency, installed with it

    with Image.open(target) as shot:
        picture = shot.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    picture.save(target, optimize=True)


def main() -> None:
    from playwright.sync_api import sync_playwright

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "editor"
    out.mkdir(parents=True, exist_ok=True)
    with demo_server() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        for label, viewport in WIDTHS.items():
            context = browser.new_context(locale="pl-PL", viewport=viewport)
            page = context.new_page()
            sign_in(page, url)
            page.goto(url + SECTION)
            page.wait_for_selector("#wysiwyg-editor")
            cell = page.locator("#wysiwyg-editor table td").nth(3)
            cell.click()
            page.keyboard.press("End")
            page.wait_for_selector(".wysiwyg-table-tools:not([hidden])")
            # The table and the toolbar above it in one screen.
            page.locator("#wysiwyg-editor h3").last.scroll_into_view_if_needed()
            page.evaluate("window.scrollBy(0, -window.innerHeight / 3)")
            page.wait_for_timeout(200)
            target = out / f"editor-{label}.png"
            page.screenshot(path=str(target))
            small(target)
            print(target, target.stat().st_size, "bytes")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
