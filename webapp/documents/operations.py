"""Verbs for documents: ask for a version (idempotent), record the worker's progress."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update

from webapp import events
from webapp.documents.snapshot import build_snapshot, snapshot_hash, stamp
from webapp.extensions import db
from webapp.models import Cluster, Document, User
from webapp.models.base import utcnow


@dataclass
class Requested:
    document: Document
    created: bool  # False: the strategy has not changed since this version


def latest(cluster: Cluster) -> Document | None:
    return db.session.scalar(
        select(Document).where(Document.cluster_id == cluster.id).order_by(Document.version.desc()).limit(1)
    )


def request_document(cluster: Cluster, user: User | None) -> Requested:
    """The next version from a frozen snapshot, or the latest one if nothing changed.

    The caller commits and only then enqueues the render (the worker must find the row).
    """
    snapshot = build_snapshot(cluster)
    digest = snapshot_hash(snapshot)
    previous = latest(cluster)
    if previous is not None and previous.snapshot_hash == digest:
        if previous.status == "failed":  # same content: try that version again
            previous.status, previous.progress, previous.step, previous.error = "queued", 0, "", ""
            return Requested(previous, created=True)
        return Requested(previous, created=False)
    version = (
        db.session.scalar(select(func.max(Document.version)).where(Document.cluster_id == cluster.id)) or 0
    ) + 1
    now = utcnow()
    document = Document(
        cluster_id=cluster.id,
        version=version,
        status="queued",
        final=bool(snapshot["final"]),
        snapshot=stamp(snapshot, version, now),
        snapshot_hash=digest,
        requested_by_id=user.id if user else None,
        created_at=now,
    )
    db.session.add(document)
    events.emit("document.request", cluster, subject=f"v{version}", actor=user, final=document.final)
    db.session.flush()
    # The rendered file names its version's row (worker/renderer/markers.py), known only now.
    document.snapshot = {**document.snapshot, "document_id": document.id}
    return Requested(document, created=True)


def set_progress(document_id: int, percent: int, step: str) -> None:
    db.session.execute(
        update(Document)
        .where(Document.id == document_id, Document.status == "rendering")
        .values(progress=max(0, min(99, percent)), step=step[:60])
    )


def start_rendering(document_id: int) -> Document | None:
    """Claim the version for rendering; None when there is nothing to do (done already)."""
    document = db.session.get(Document, document_id)
    if document is None or document.status == "done":
        return None
    document.status = "rendering"
    document.started_at = utcnow()
    document.attempts += 1
    document.progress = max(document.progress, 1)
    document.error = ""
    return document


def finish(document_id: int, data: bytes) -> bool:
    """Publish the bytes once: a second worker finishing the same version changes nothing."""
    published = db.session.execute(
        update(Document)
        .where(Document.id == document_id, Document.status != "done")
        .values(
            status="done",
            progress=100,
            step="done",
            data=data,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            finished_at=utcnow(),
        )
    ).rowcount
    if published != 1:
        return False
    document = db.session.get(Document, document_id, populate_existing=True)
    cluster = db.session.get(Cluster, document.cluster_id)
    events.emit(
        "document.ready", cluster, subject=f"v{document.version}", actor=None, context={"document": document}
    )
    return True


def fail(document_id: int, message: str) -> None:
    db.session.execute(
        update(Document)
        .where(Document.id == document_id, Document.status != "done")
        .values(status="failed", error=message[:1000], finished_at=utcnow())
    )


def start_pdf(document_id: int) -> None:
    """The DOCX is out; the page shows that its PDF is on its way."""
    db.session.execute(
        update(Document)
        .where(Document.id == document_id, Document.status == "done", Document.pdf_status == "none")
        .values(step="pdf")
    )


def finish_pdf(document_id: int, pdf: bytes | None, status: str) -> None:
    """Keep the PDF (``ready``), or why there is none (``unavailable``, ``failed``)."""
    db.session.execute(
        update(Document)
        .where(Document.id == document_id, Document.status == "done")
        .values(pdf=pdf if status == "ready" else None, pdf_status=status, step="done")
    )


def pdf_to_resume(document_id: int, stale_after: timedelta) -> bytes | None:
    """The DOCX of a published version whose PDF was left half-made (its worker died).

    Only after ``stale_after``: a task handed out again while its first worker is still
    converting (a long document outlives the broker's visibility timeout) leaves it be.
    """
    document = db.session.get(Document, document_id)
    if document is None or (document.status, document.pdf_status, document.step) != ("done", "none", "pdf"):
        return None
    if document.finished_at is not None and document.finished_at > utcnow() - stale_after:
        return None
    return document.data
