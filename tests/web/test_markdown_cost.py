"""Pathological Markdown through the pages: answered, shown whole, and without the write lock.

The parse's cost itself is counted in ``tests/workflows/test_markup.py``; here the web
paths that parse (preview, section page, quoted comments) are driven end to end.
"""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import select

from tests.conftest import csrf_from, sign_in
from webapp.extensions import db
from webapp.models import Cluster, Section
from workflows.content import MAX_TEXT_CHARS

SLUG = "krea"
PAGE = f"/c/{SLUG}/s/profile"
JSON = {"Accept": "application/json"}
DENSE = ("_a" * MAX_TEXT_CHARS)[:MAX_TEXT_CHARS]


def member(app, accounts):  # noqa: ANN001, ANN201
    browser = app.test_client()
    assert sign_in(browser, accounts.email("member", SLUG)).status_code == 302
    return browser


def test_preview_of_a_dense_section_shows_it_as_typed(app, accounts):
    browser = member(app, accounts)
    token = csrf_from(browser.get(PAGE).get_data(as_text=True))
    response = browser.post(f"{PAGE}/preview", json={"text": DENSE}, headers={"X-CSRFToken": token, **JSON})
    assert response.status_code == 200
    html = response.get_json()["html"]
    assert html.count("_a") == MAX_TEXT_CHARS // 2
    assert "<em>" not in html


def test_a_saved_dense_section_page_is_served_whole(app, accounts):
    with app.app_context():
        section = db.session.scalars(
            select(Section).join(Cluster).where(Cluster.slug == SLUG, Section.key == "profile")
        ).one()
        section.content = DENSE
        db.session.commit()
    page = member(app, accounts).get(PAGE)
    assert page.status_code == 200
    assert page.get_data(as_text=True).count("_a") >= MAX_TEXT_CHARS // 2


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_preview_does_not_wait_for_the_sqlite_write_lock(app, accounts, database_url):
    browser = member(app, accounts)
    token = csrf_from(browser.get(PAGE).get_data(as_text=True))
    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another request writing, for as long as this test likes
    answers: list[int] = []

    def ask() -> None:
        response = browser.post(
            f"{PAGE}/preview", json={"text": "**gruby**"}, headers={"X-CSRFToken": token, **JSON}
        )
        answers.append(response.status_code)

    try:
        asking = threading.Thread(target=ask, daemon=True)
        asking.start()
        # A preview that took the write lock would wait out busy_timeout (30 s), then 503.
        asking.join(timeout=20)
        assert answers == [200], "the preview waited for the write lock"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        asking.join(timeout=40)
