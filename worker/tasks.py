"""Background tasks, found by name from the web app (which never imports this module)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from datetime import timedelta
from pathlib import Path

from celery import shared_task
from flask import current_app
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from webapp.documents import operations
from webapp.extensions import db, sqlite_write_intent
from webapp.models import Document
from webapp.models.base import utcnow
from webapp.transaction import after_commit, unit_of_work
from worker import pdf
from worker.paginate import paginated, render_paginated

log = logging.getLogger(__name__)


@shared_task(name="studio.health", ignore_result=False)
def health() -> dict:
    """Proves a worker is reachable and can reach the database."""
    db.session.execute(text("SELECT 1"))
    db.session.rollback()
    return {"ok": True}


@shared_task(
    name="studio.render_document",
    acks_late=True,
    reject_on_worker_lost=True,  # a killed worker's task goes back to the queue
    autoretry_for=(OperationalError,),  # the database was briefly unreachable
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=8,
)
def render_document(document_id: int) -> None:
    """Render one version; idempotent, so redelivery after a crash is harmless.

    Several units of work: taking the version, each progress step (so the page shows
    it), then publishing it (the document and its "ready" notification together), then
    its PDF (step "pdf"): the DOCX waits for LibreOffice only to lay out its contents'
    page numbers, and LibreOffice exports the PDF from that same layout while the DOCX
    is published (``_rendered``); a PDF that cannot be made leaves the DOCX ready.
    """
    sqlite_write_intent.set(True)
    with unit_of_work():
        document = operations.start_rendering(document_id)
        if document is None:  # done; perhaps with its PDF left half-made by a dead worker
            stale = timedelta(seconds=current_app.config["DOCUMENT_STALE_RENDERING"])
            unfinished_pdf = operations.pdf_to_resume(document_id, stale)
        else:
            snapshot = document.snapshot
    if document is None:
        if unfinished_pdf is not None:
            make_pdf(document_id, unfinished_pdf, current_app.config["SOFFICE_PATH"])
        return

    def progress(percent: int, step: str) -> None:
        with unit_of_work():
            operations.set_progress(document_id, percent, step)

    soffice = current_app.config["SOFFICE_PATH"]
    with_pdf = pdf.available(soffice)
    with ExitStack() as held:  # LibreOffice's copy of the document, exporting the PDF meanwhile
        try:
            data, laid = held.enter_context(_rendered(snapshot, progress, with_pdf))
        except Exception as exc:  # the renderer should not fail; if it does, say so on the page
            log.exception("rendering document %s failed", document_id)
            with unit_of_work():
                operations.fail(document_id, f"{type(exc).__name__}: {exc}")
            return
        with unit_of_work():  # the DOCX is out, and the page knows at once whether a PDF follows
            published = operations.finish(document_id, data)
            if published and with_pdf:
                operations.start_pdf(document_id)
            elif published:
                operations.finish_pdf(document_id, None, "unavailable")
        if published and laid is not None:
            _store_pdf(document_id, laid.pdf)
    if published and with_pdf and laid is None:  # no layout: a conversion of its own
        make_pdf(document_id, data, soffice)


@contextmanager
def _rendered(
    snapshot: dict, progress: Callable[[int, str], None], with_pdf: bool
) -> Iterator[tuple[bytes, pdf.Laid | None]]:
    """The DOCX in the agency's template (DOCX_TEMPLATE) or the house style; where
    LibreOffice is installed, its contents carry page numbers and LibreOffice, holding
    the document it laid out for them, makes its PDF (``worker/paginate.py``)."""
    config = current_app.config
    template = Path(config["DOCX_TEMPLATE"]).read_bytes() if config.get("DOCX_TEMPLATE") else None
    if not with_pdf:
        yield render_paginated(snapshot, progress, template=template), None
        return

    def lay_out(draft: bytes) -> AbstractContextManager[pdf.Laid]:
        return pdf.paginated(draft, config["SOFFICE_PATH"], config["PDF_TIMEOUT"])

    with paginated(snapshot, progress, template=template, lay_out=lay_out) as rendered:
        yield rendered


def make_pdf(document_id: int, docx: bytes, soffice: str) -> None:
    """Convert the published DOCX with this process's warm LibreOffice; a failure is the PDF's."""
    _store_pdf(document_id, lambda: pdf.convert(docx, soffice, current_app.config["PDF_TIMEOUT"]))


def _store_pdf(document_id: int, make: Callable[[], bytes]) -> None:
    try:
        data = make()
    except Exception:  # LibreOffice's trouble is the PDF's alone: the DOCX stays ready
        log.exception("converting document %s to PDF failed", document_id)
        with unit_of_work():
            operations.finish_pdf(document_id, None, "failed")
        return
    with unit_of_work():
        operations.finish_pdf(document_id, data, "ready")


@shared_task(name="studio.sweep_documents")
def sweep_documents() -> int:
    """Re-enqueue versions that were never delivered or whose worker died; count them."""
    sqlite_write_intent.set(True)
    now = utcnow()
    # Queued too long: probably never delivered (the broker was down when it was asked).
    # Rendering too long: its worker died without the broker giving the task back.
    stale_queued = timedelta(seconds=current_app.config["DOCUMENT_REQUEUE_AFTER"])
    stale_rendering = timedelta(seconds=current_app.config["DOCUMENT_STALE_RENDERING"])
    stale = db.session.scalars(
        select(Document).where(
            ((Document.status == "queued") & (Document.created_at < now - stale_queued))
            | ((Document.status == "rendering") & (Document.started_at < now - stale_rendering))
        )
    ).all()
    for document in stale:
        document.status = "queued"
    # Published, but the PDF's worker died: the task makes the PDF (pdf_to_resume).
    unfinished_pdfs = db.session.scalars(
        select(Document.id).where(
            (Document.status == "done")
            & (Document.pdf_status == "none")
            & (Document.step == "pdf")
            & (Document.finished_at < now - stale_rendering)
        )
    ).all()
    ids = [d.id for d in stale] + list(unfinished_pdfs)
    for document_id in ids:  # once the requeued states are visible to the workers
        after_commit(lambda document_id=document_id: render_document.delay(document_id))
    return len(ids)


@shared_task(name="studio.remind_polls")
def remind_polls() -> int:
    """Tell the voters of polls that close soon, once per poll; count the polls."""
    from webapp.polls.operations import remind_closing

    sqlite_write_intent.set(True)  # the task class commits (worker.celery_app)
    return remind_closing()
