"""The documents page follows a version the worker is making, without a reload: its step under the bar,
then the downloads where the newest version stands; nothing left saying it is still being prepared. The
worker's steps are written here as `worker/tasks.py` writes them (its operations, its own transactions)."""

from __future__ import annotations

import hashlib

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

pytestmark = pytest.mark.browser


def _as_worker(live_server, step) -> None:  # noqa: ANN001
    from webapp.transaction import unit_of_work

    with live_server.app.app_context(), unit_of_work():
        step()


def _version(live_server, slug: str) -> int:
    from webapp.extensions import db
    from webapp.models import Cluster, Document

    with live_server.app.app_context():
        return db.session.scalar(
            select(Document.id).join(Cluster).where(Cluster.slug == slug).order_by(Document.version.desc())
        )


def test_the_page_follows_a_version_from_its_steps_to_its_download(live_server, page):
    from webapp.documents import operations

    moderator = next(
        a["email"] for a in _accounts(live_server) if a["role"] == "moderator" and a["cluster"] == "makros"
    )
    live_server.sign_in(page, moderator)
    page.goto(live_server.url + "/c/makros/documents/")
    with page.expect_navigation():
        page.click("#generate")
    latest = page.locator("#latest")
    expect(latest.locator("h2")).to_have_text("Wersja 1 czeka w kolejce na przygotowanie")
    expect(page.get_by_text("Trwa przygotowywanie wersji 1.")).to_have_count(0)  # no flash to go stale
    document_id = _version(live_server, "makros")

    _as_worker(live_server, lambda: operations.start_rendering(document_id))
    expect(latest.locator("h2")).to_have_text("Trwa przygotowywanie wersji 1")
    _as_worker(live_server, lambda: operations.set_progress(document_id, 45, "sections"))
    expect(latest.locator(".doc-step-label")).to_have_text("Składanie treści sekcji")
    expect(latest.locator("progress")).to_have_js_property("value", 45)
    expect(page.locator("#v1 .doc-step")).to_have_text("Składanie treści sekcji")

    _as_worker(live_server, lambda: operations.set_progress(document_id, 80, "page_numbers"))
    expect(latest.locator(".doc-step-label")).to_have_text("Wpisywanie numerów stron do spisu treści")

    _as_worker(live_server, lambda: operations.finish(document_id, b"PK a docx"))
    _as_worker(live_server, lambda: operations.finish_pdf(document_id, None, "unavailable"))
    expect(latest.locator("h2")).to_have_text("Wersja 1 jest gotowa")
    download = latest.get_by_role("link", name="Pobierz (Word)")
    expect(download).to_be_visible()
    assert download.get_attribute("href").endswith(f"/c/makros/documents/{document_id}/download")
    expect(latest.locator(".latest-progress")).to_be_hidden()
    expect(page.locator("#v1")).to_have_attribute("data-status", "done")
    expect(page.get_by_text("Trwa przygotowywanie")).to_have_count(0)
    checksum = page.locator("#v1 details.checksum")
    expect(checksum).to_be_visible()
    expect(checksum.locator("code")).to_be_hidden()  # tucked away until asked for
    checksum.locator("summary").click()
    expect(checksum.locator("code")).to_have_text(hashlib.sha256(b"PK a docx").hexdigest())


def _accounts(live_server) -> list[dict]:  # noqa: ANN001
    from webapp.demo.load import demo_accounts

    with live_server.app.app_context():
        return demo_accounts()
