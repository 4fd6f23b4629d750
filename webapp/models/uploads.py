"""Word files brought back to the studio: each once per cluster (by its checksum)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, one_of, utcnow
from webapp.models.people import User

#: pending: an import waiting for the moderator's mapping; done: its proposals are made.
UPLOAD_STATUSES: tuple[str, ...] = ("pending", "done")
#: studio: a file the studio rendered (markers); import: a file it did not make (headings).
UPLOAD_KINDS: tuple[str, ...] = ("studio", "import")


class Upload(db.Model):
    __tablename__ = "uploads"
    __table_args__ = (
        UniqueConstraint("cluster_id", "checksum"),
        one_of("status", UPLOAD_STATUSES, "status"),
        one_of("kind", UPLOAD_KINDS, "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: SHA-256 of the file's bytes: the same file twice is the same upload.
    checksum: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255), default="")
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="done")
    #: The version the file came from (studio files).
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    #: What the upload made and found: proposals, comments, unmatched parts, tracked changes.
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The file itself while an import waits for its mapping (cleared once done).
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship()
