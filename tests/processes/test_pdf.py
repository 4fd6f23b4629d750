"""PDF with a real LibreOffice: the warm converter, its restarts, and a version's PDF end to end.

No mocks: LibreOffice is installed wherever the suite runs (scripts/system-packages.sh),
"no LibreOffice" is a configured soffice that does not exist, and a LibreOffice that
cannot start is /bin/false configured as soffice.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.conftest import Golden, api_token, bearer, make_app, sign_in
from webapp.extensions import db
from webapp.models import Cluster, Document, User
from webapp.transaction import unit_of_work
from worker import pdf
from worker.renderer import render_strategy
from worker.renderer.sample import sample_snapshot

SLUG = "makros"


@pytest.fixture(scope="module")
def sample() -> tuple[dict, bytes]:
    snapshot = sample_snapshot()
    return snapshot, render_strategy(snapshot)


def pdf_text(data: bytes) -> str:
    """pdftotext's reading of the PDF, pages separated by form feeds."""
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def ended(pid: int, wait: float = 5.0) -> bool:
    """The process is gone, or dead and waiting for its (adoptive) parent to reap it."""
    deadline = time.monotonic() + wait
    while True:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state == "Z":
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def squeeze(text: str) -> str:
    return " ".join(text.split())


def test_a_strategy_becomes_a_tagged_pdf_with_its_contents_filled_and_bookmarks(sample):
    snapshot, docx = sample
    data = pdf.convert(docx)
    text = pdf_text(data)
    assert snapshot["cluster"]["name"] in text
    catalog = PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True  # tagged: headings, tables, paragraphs
    assert "/StructTreeRoot" in catalog
    assert str(catalog["/Lang"]).startswith("pl")
    headings = pdf.heading_pages(data)
    titles = [title for title, _page in headings]
    for number, stage in enumerate(snapshot["stages"], 1):
        assert f"{number}. {stage['title']}" in titles  # in the bookmarks, in order
    assert [page for _t, page in headings] == sorted(page for _t, page in headings)
    pages = text.split("\f")
    for title, page in headings:  # each bookmark leads to the page that shows its heading
        assert squeeze(title)[:40] in squeeze(pages[page - 1]), (title, page)
    # The table of contents is filled: each stage with the page its bookmark names.
    contents = squeeze(" ".join(pages[: headings[0][1] - 1]))
    found = dict(headings)
    for number, stage in enumerate(snapshot["stages"], 1):
        title = f"{number}. {stage['title']}"
        assert re.search(re.escape(title) + r"[\s.…]*" + str(found[title]) + r"\b", contents), title


def test_the_converter_stays_warm_and_restarts_when_killed_or_stuck(sample):
    _snapshot, docx = sample
    converter = pdf.Converter()
    try:
        started = time.perf_counter()
        first = converter.convert(docx)
        cold = time.perf_counter() - started
        pid = converter.bridge_pid
        office = converter._bridge.office_pid
        started = time.perf_counter()
        second = converter.convert(docx)
        warm = time.perf_counter() - started
        assert converter.bridge_pid == pid  # the same LibreOffice converted both
        assert warm < cold, (warm, cold)
        assert first.startswith(b"%PDF") and second.startswith(b"%PDF")

        os.kill(pid, signal.SIGKILL)  # the bridge dies between two files
        assert converter.convert(docx).startswith(b"%PDF")
        assert converter.bridge_pid not in (None, pid)
        assert ended(office)  # the old LibreOffice went with its group

        restarted = converter.bridge_pid
        with pytest.raises(pdf.ConversionTimeout):  # no answer in time: killed, not waited for
            converter.convert(docx, timeout=0.05)
        assert converter.bridge_pid is None
        assert converter.convert(docx).startswith(b"%PDF")
        assert converter.bridge_pid not in (None, restarted)
    finally:
        converter.close()
    assert converter.bridge_pid is None


def test_available_says_whether_libreoffice_is_installed():
    assert pdf.available("soffice") is True
    assert pdf.available("/nonexistent/soffice") is False


@pytest.fixture
def studio(golden: Golden, tmp_path: Path):  # noqa: ANN201
    """Make an app on a copy of the demo, with the given settings, and ask for a version."""

    def build(**settings: object):  # noqa: ANN202
        url, _ = golden.clone("sqlite", tmp_path)
        app = make_app(url, **settings)
        with app.app_context(), unit_of_work():
            from webapp.documents.operations import request_document

            cluster = db.session.scalar(select(Cluster).where(Cluster.slug == SLUG))
            admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
            document_id = request_document(cluster, admin).document.id
        return app, document_id

    return build


def render(app, document_id: int) -> Document:  # noqa: ANN001
    """The worker's task, run in this process as a worker process runs it."""
    from worker.tasks import render_document

    with app.app_context():
        render_document.run(document_id)
        db.session.expire_all()
        document = db.session.get(Document, document_id)
        document.pdf  # noqa: B018 (loads the deferred column before the session lets it go)
        db.session.expunge(document)
        return document


def test_a_version_gets_its_pdf_in_the_api_and_on_the_page(studio):
    app, document_id = studio()
    document = render(app, document_id)
    assert (document.status, document.pdf_status, document.step) == ("done", "ready", "done")
    client = app.test_client()
    headers = bearer(api_token(client, "admin@example.org"))
    assert client.get(f"/api/v1/documents/{document_id}", headers=headers).get_json()["pdf_status"] == "ready"
    answer = client.get(f"/api/v1/documents/{document_id}/pdf", headers=headers)
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and ".pdf" in disposition
    assert "MAKROS" in pdf_text(answer.data)
    assert client.get(f"/api/v1/documents/{document_id}/file", headers=headers).status_code == 200
    sign_in(client, "admin@example.org")
    page = client.get(f"/c/{SLUG}/documents/").get_data(as_text=True)
    assert f"/c/{SLUG}/documents/{document_id}/pdf" in page
    web = client.get(f"/c/{SLUG}/documents/{document_id}/pdf")
    assert web.status_code == 200 and web.data == answer.data
    assert client.get(f"/c/other/documents/{document_id}/pdf").status_code == 404


def test_without_libreoffice_the_docx_is_ready_and_the_pdf_says_unavailable(studio):
    app, document_id = studio(SOFFICE_PATH="/nonexistent/soffice")
    document = render(app, document_id)
    assert (document.status, document.pdf_status) == ("done", "unavailable")
    client = app.test_client()
    headers = bearer(api_token(client, "admin@example.org"))
    assert client.get(f"/api/v1/documents/{document_id}/file", headers=headers).status_code == 200
    answer = client.get(f"/api/v1/documents/{document_id}/pdf", headers=headers)
    assert answer.status_code == 404
    assert answer.get_json()["error"] == {
        "code": "pdf_unavailable",
        "message": "PDF niedostępny w tej instalacji.",
    }
    sign_in(client, "admin@example.org")
    page = client.get(f"/c/{SLUG}/documents/").get_data(as_text=True)
    assert "PDF niedostępny w tej instalacji." in page
    assert f"/documents/{document_id}/pdf" not in page
    assert client.get(f"/c/{SLUG}/documents/{document_id}/pdf").status_code == 404


def test_a_libreoffice_that_cannot_convert_fails_the_pdf_only(studio):
    app, document_id = studio(SOFFICE_PATH="/bin/false")  # installed, but no LibreOffice
    document = render(app, document_id)
    assert (document.status, document.pdf_status, document.error) == ("done", "failed", "")
    client = app.test_client()
    headers = bearer(api_token(client, "admin@example.org"))
    assert client.get(f"/api/v1/documents/{document_id}/file", headers=headers).status_code == 200
    answer = client.get(f"/api/v1/documents/{document_id}/pdf", headers=headers)
    assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "pdf_failed"


def test_a_pdf_left_half_made_by_a_dead_worker_is_made_when_the_task_comes_back(studio):
    app, document_id = studio(SOFFICE_PATH="/nonexistent/soffice")
    render(app, document_id)
    with app.app_context(), unit_of_work():  # as if its worker were converting it
        document = db.session.get(Document, document_id)
        document.pdf_status, document.step = "none", "pdf"
    app.config["SOFFICE_PATH"] = "soffice"
    document = render(app, document_id)  # handed out again while the first may still convert
    assert (document.pdf_status, document.step) == ("none", "pdf")  # left to it
    with app.app_context(), unit_of_work():  # ... until it is stale: that worker died
        document = db.session.get(Document, document_id)
        document.finished_at -= timedelta(seconds=app.config["DOCUMENT_STALE_RENDERING"] + 1)
    document = render(app, document_id)  # the broker (or the sweep) hands the task out again
    assert (document.status, document.pdf_status, document.step) == ("done", "ready", "done")
    assert document.pdf.startswith(b"%PDF")


def test_a_contents_written_with_its_page_numbers_is_kept_not_laid_out_again(sample):
    """The worker writes the numbers itself (worker/paginate.py): the converter keeps them."""
    from worker.renderer.contents import Placeholders

    snapshot, _docx = sample
    data = pdf.convert(render_strategy(snapshot, pages=Placeholders(88)))
    headings = pdf.heading_pages(data)
    contents = squeeze(" ".join(pdf_text(data).split("\f")[: headings[0][1] - 1]))
    for number, stage in enumerate(snapshot["stages"], 1):
        assert re.search(re.escape(f"{number}. {stage['title']}") + r"[\s.…]*88\b", contents)
    assert all(page < 88 for _title, page in headings)  # so 88 is what the DOCX said


def test_folders_of_converters_whose_process_was_killed_are_removed():
    base = Path(tempfile.gettempdir())
    dead = base / f"{pdf.HOME_PREFIX}999999999-left"  # no such process (above pid_max)
    alive = base / f"{pdf.HOME_PREFIX}{os.getpid()}-mine"
    for folder in (dead, alive):
        (folder / "profile").mkdir(parents=True, exist_ok=True)
    try:
        pdf.remove_left_behind()
        assert not dead.exists() and alive.exists()
    finally:
        shutil.rmtree(alive, ignore_errors=True)
        shutil.rmtree(dead, ignore_errors=True)
