"""Screenshots of the studio's pages at a laptop's and a phone's width, to look at them as people do.

    .venv/bin/python scripts/page_screenshots.py [OUTDIR [NAME=PATH ...]]   (default: docs/screens)

Loads the demo into a throw-away SQLite database, serves the app on a free local port, signs in as
a cluster's moderator in Polish with Debian's chromium (headless) and writes, for each page,
``NAME-1366.png`` and ``NAME-390.png`` (the cluster page's first screen, so the file stays small;
the other pages whole). The documents page shows a version being made and one finished, as the
worker leaves them. Render them again when the pages change.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WIDTHS = {"1366": {"width": 1366, "height": 900}, "390": {"width": 390, "height": 844}}
PAGES = {"cluster": "/c/makros", "documents": "/c/makros/documents/"}
CHROMIUM = "/usr/bin/chromium"


def _app(workdir: Path):  # noqa: ANN202
    os.environ["DATA_DIR"] = str(workdir)
    os.environ.setdefault("DEMO_PASSWORD", "page-screenshots")
    os.environ.setdefault("SECRET_KEY", "page-screenshots")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'demo.sqlite3'}"
    os.environ.pop("REDIS_URL", None)
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.demo.load import load_demo
    from webapp.extensions import db

    app = create_app({})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_demo()
        db.session.commit()
    return app


def _versions(app) -> str:  # noqa: ANN001
    """Two versions of makros: v1 done, v2 half made (as the worker reports it); the moderator."""
    from sqlalchemy import select

    from webapp.documents import operations
    from webapp.extensions import db
    from webapp.models import Cluster, Membership, Section, User
    from webapp.transaction import unit_of_work

    with app.test_request_context(), unit_of_work():
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == "makros"))
        moderator = db.session.scalar(
            select(User)
            .join(Membership)
            .where(Membership.cluster_id == cluster.id, Membership.role == "moderator")
        )
        first = operations.request_document(cluster, moderator).document
        db.session.flush()
        operations.finish(first.id, b"PK" + bytes(180_000))
        operations.finish_pdf(first.id, None, "unavailable")
        section = db.session.scalar(
            select(Section).where(Section.cluster_id == cluster.id, Section.key == "vision")
        )
        section.revision += 1  # a later change, so the next request is a new version
        second = operations.request_document(cluster, moderator).document
        db.session.flush()
        operations.start_rendering(second.id)
        operations.set_progress(second.id, 45, "sections")
        return moderator.email


def main() -> None:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screens"
    pages = dict(arg.split("=", 1) for arg in sys.argv[2:]) or PAGES  # other pages, to look at them
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screens-") as tmp:
        app = _app(Path(tmp))
        email = _versions(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
            )
            for label, viewport in WIDTHS.items():
                context = browser.new_context(locale="pl-PL", viewport=viewport)
                page = context.new_page()
                page.goto(url + "/login")
                page.fill("input[name=email]", email)
                page.fill("input[name=password]", os.environ["DEMO_PASSWORD"])
                page.click("main form [type=submit]")
                page.wait_for_url(lambda u: "/login" not in u)
                for name, path in pages.items():
                    page.goto(url + path)
                    page.wait_for_load_state("networkidle")
                    target = out / f"{name}-{label}.png"
                    page.screenshot(path=str(target), full_page=name != "cluster")
                    print(target, target.stat().st_size, "bytes")
                context.close()
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
