"""Numbered versions of a cluster's strategy, rendered to DOCX by a worker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, one_of, utcnow
from webapp.models.people import User

DOCUMENT_STATUSES: tuple[str, ...] = ("queued", "rendering", "done", "failed")
#: none: no PDF (not made yet, or made before PDFs were); unavailable: no LibreOffice here.
PDF_STATUSES: tuple[str, ...] = ("none", "ready", "unavailable", "failed")


class Document(db.Model):
    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("cluster_id", "version"),
        one_of("status", DOCUMENT_STATUSES, "status"),
        one_of("pdf_status", PDF_STATUSES, "pdf_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"))
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    step: Mapped[str] = mapped_column(String(60), default="")
    final: Mapped[bool] = mapped_column(default=False)
    snapshot: Mapped[dict] = mapped_column(JSON)
    #: SHA-256 of the snapshot: asking again with nothing changed returns this version.
    snapshot_hash: Mapped[str] = mapped_column(String(64), index=True)
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None]
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    #: The same version as PDF (LibreOffice in the worker), made after the DOCX.
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    pdf_status: Mapped[str] = mapped_column(String(20), default="none", server_default="none")
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requested_by: Mapped[User | None] = relationship()
