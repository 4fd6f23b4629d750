"""At phone width (390 px) the pages with tables never scroll sideways as a whole: tables become cards
(`.table-stack`) or wrap. Measured as the browser lays the page out."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PAGES = [
    "/c/makros",  # members
    "/c/makros/s/swot/history",
    "/c/makros/s/swot/diff",
    "/c/makros/documents/",
    "/c/makros/meetings",
    "/c/makros/stats",
    "/stats",
    "/admin/users",
    "/admin/organisations",
    "/admin/clusters",
]


def test_pages_with_tables_fit_a_phone(live_server, browser):
    context = browser.new_context(locale="pl-PL", viewport=PHONE)
    page = context.new_page()
    try:
        live_server.sign_in(page, "admin@example.org")
        _a_document(live_server)
        too_wide = {}
        for path in PAGES:
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, path
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                widest = page.evaluate(
                    """() => [...document.querySelectorAll('main *')]
                        .filter((e) => e.getBoundingClientRect().right > 391)
                        .slice(0, 3).map((e) => e.tagName + '.' + e.className)"""
                )
                too_wide[path] = (width, widest)
        assert too_wide == {}, f"pages wider than the phone: {too_wide}"
    finally:
        context.close()


def _a_document(live_server) -> None:  # noqa: ANN001
    """A finished version on the documents page, so its table has a row to lay out."""
    from sqlalchemy import select

    from webapp.documents import operations
    from webapp.extensions import db
    from webapp.models import Cluster, User
    from webapp.transaction import unit_of_work

    with live_server.app.test_request_context(), unit_of_work():
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == "makros"))
        admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        document = operations.request_document(cluster, admin).document
        db.session.flush()
        operations.finish(document.id, b"PK" + b"x" * 2000)
