"""Screenshots of issue 17's formal acts at 1366 and 390 px, into docs/screens/.

    .venv/bin/python scripts/screens_formal_acts.py [OUTDIR]

A throw-away demo database (SQLite), the app served in a thread, Debian's chromium:
a returned stage (its reason on the stage, seen by a member), the reopen confirmation of
an adopted strategy and the signing confirmation. Run again when those pages change.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
WIDTHS = (1366, 390)


def main(outdir: Path) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="screens-"))
    os.environ["DATA_DIR"] = str(workdir)
    os.environ.setdefault("DEMO_PASSWORD", "screens-password")
    os.environ.setdefault("SECRET_KEY", "screens")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'demo.sqlite3'}"
    os.environ.pop("REDIS_URL", None)
    from flask_migrate import upgrade
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from webapp import create_app
    from webapp.demo.load import demo_accounts, load_demo
    from webapp.extensions import db

    app = create_app({})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_demo()
        db.session.commit()
        accounts = demo_accounts()
    password = os.environ["DEMO_PASSWORD"]

    def email(role: str, slug: str, index: int = 0) -> str:
        return [a["email"] for a in accounts if a["role"] == role and a["cluster"] == slug][index]

    client = app.test_client()
    token = client.post(
        "/api/v1/auth/token", json={"email": email("moderator", "mak"), "password": password}
    ).get_json()["token"]
    returned = client.post(
        "/api/v1/clusters/mak/stages/goals/transitions",
        json={
            "action": "return",
            "reason": "Cel 2 nie ma wskaźnika rezultatu; dopiszcie, proszę, wartość docelową.",
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert returned.status_code == 200, returned.get_json()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    outdir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])

        def shoot(who: str, path: str, name: str, element: str | None = None) -> None:
            for width in WIDTHS:
                context = browser.new_context(locale="pl-PL", viewport={"width": width, "height": 900})
                tab = context.new_page()
                tab.goto(f"{url}/login")
                tab.fill("input[name=email]", who)
                tab.fill("input[name=password]", password)
                tab.click("main form [type=submit]")
                tab.wait_for_url(lambda u: "/login" not in u)
                tab.goto(url + path)
                target = outdir / f"{name}-{width}.png"
                if element:
                    tab.locator(element).screenshot(path=str(target))
                else:
                    tab.screenshot(path=str(target), full_page=True)
                context.close()
                print(target, target.stat().st_size)

        shoot(email("member", "mak"), "/c/mak", "returned-stage", "#stage-goals")
        shoot(email("moderator", "makros"), "/c/makros/stages/approval/reopen", "reopen-confirmation")
        for index in range(10):  # a member whose organisation has not signed yet
            who = email("member", "klaster-chemiczny", index)
            page_probe = browser.new_context(locale="pl-PL").new_page()
            page_probe.goto(f"{url}/login")
            page_probe.fill("input[name=email]", who)
            page_probe.fill("input[name=password]", password)
            page_probe.click("main form [type=submit]")
            page_probe.wait_for_url(lambda u: "/login" not in u)
            page_probe.goto(f"{url}/c/klaster-chemiczny/signoffs/confirm")
            found = "/signoffs/confirm" in page_probe.url
            page_probe.context.close()
            if found:
                shoot(who, "/c/klaster-chemiczny/signoffs/confirm", "signing-confirmation")
                break
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screens")
