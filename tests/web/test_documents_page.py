"""The documents page and the JSON status it polls: the newest version first with the worker's step,
then its downloads; no flash that outlives the version it announced; the checksum explained."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from tests.conftest import csrf_from, sign_in

SLUG = "makros"
PL = {"Accept-Language": "pl"}


def _generate(app, client) -> int:  # noqa: ANN001
    page = client.get(f"/c/{SLUG}/documents/", headers=PL).get_data(as_text=True)
    answer = client.post(f"/c/{SLUG}/documents/", data={"csrf_token": csrf_from(page)}, headers=PL)
    assert answer.status_code == 302 and answer.location.endswith("#latest")
    from webapp.extensions import db
    from webapp.models import Cluster, Document

    with app.app_context():
        return db.session.scalar(select(Document.id).join(Cluster).where(Cluster.slug == SLUG))


def _as_worker(app, step) -> None:  # noqa: ANN001
    from webapp.transaction import unit_of_work

    with app.app_context(), unit_of_work():
        step()


def test_the_page_and_its_status_follow_the_workers_steps(app, client, accounts):
    from webapp.documents import operations

    sign_in(client, accounts.email("moderator", SLUG))
    document_id = _generate(app, client)
    html = client.get(f"/c/{SLUG}/documents/", headers=PL).get_data(as_text=True)
    assert "Wersja 1 czeka w kolejce na przygotowanie" in html
    assert "Trwa przygotowywanie wersji 1." not in html  # the flash that went stale is gone
    status = client.get(f"/api/v1/documents/{document_id}", headers={"Accept": "application/json"})
    assert status.status_code == 200 and status.get_json()["status"] == "queued"

    _as_worker(app, lambda: operations.start_rendering(document_id))
    _as_worker(app, lambda: operations.set_progress(document_id, 45, "sections"))
    body = client.get(f"/api/v1/documents/{document_id}").get_json()
    assert (body["status"], body["progress"], body["step"]) == ("rendering", 45, "sections")
    html = client.get(f"/c/{SLUG}/documents/", headers=PL).get_data(as_text=True)
    assert "Trwa przygotowywanie wersji 1" in html and "Składanie treści sekcji" in html
    assert 'data-page-numbers="Wpisywanie numerów stron do spisu treści"' in html  # the script's labels

    _as_worker(app, lambda: operations.finish(document_id, b"PK docx"))
    html = client.get(f"/c/{SLUG}/documents/", headers=PL).get_data(as_text=True)
    latest = html[html.index('id="latest"') : html.index("</section>", html.index('id="latest"'))]
    assert "Wersja 1 jest gotowa" in latest and "Trwa przygotowywanie" not in html
    assert f'href="/c/{SLUG}/documents/{document_id}/download"' in latest
    assert "Suma kontrolna" in html and hashlib.sha256(b"PK docx").hexdigest() in html
    assert "co do bajtu" in html  # what the checksum is for, said once


def test_a_failed_version_says_so_where_the_newest_version_stands(app, client, accounts):
    from webapp.documents import operations

    sign_in(client, accounts.email("moderator", SLUG))
    document_id = _generate(app, client)
    _as_worker(app, lambda: operations.start_rendering(document_id))
    _as_worker(app, lambda: operations.fail(document_id, "ValueError: broken"))
    html = client.get(f"/c/{SLUG}/documents/", headers=PL).get_data(as_text=True)
    latest = html[html.index('id="latest"') : html.index("</section>", html.index('id="latest"'))]
    assert "Nie udało się przygotować wersji 1" in latest and "ValueError: broken" in latest
