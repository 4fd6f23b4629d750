"""Reading document versions."""

from __future__ import annotations

import re
import unicodedata

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.access import cluster_for
from webapp.extensions import db
from webapp.models import Cluster, Document
from workflows.roles import Role


def versions(cluster: Cluster) -> list[Document]:
    return list(
        db.session.scalars(
            select(Document)
            .where(Document.cluster_id == cluster.id)
            .options(joinedload(Document.requested_by))
            .order_by(Document.version.desc())
        )
    )


def document_for(document_id: int) -> tuple[Document, Cluster, Role]:
    """The document, if the person may see its cluster; 404 otherwise (as if absent)."""
    document = db.session.get(Document, document_id)
    if document is None:
        abort(404)
    cluster = db.session.get(Cluster, document.cluster_id)
    cluster, role = cluster_for(cluster.slug)
    return document, cluster, role


def changed_sections(newer: Document, older: Document | None) -> list[str]:
    """Titles of the sections whose revision differs from the previous version."""

    def revisions(doc: Document | None) -> dict[str, int]:
        if doc is None:
            return {}
        return {s["key"]: s["revision"] for st in doc.snapshot.get("stages", []) for s in st["sections"]}

    before = revisions(older)
    titles = {s["key"]: s["title"] for st in newer.snapshot.get("stages", []) for s in st["sections"]}
    return [titles[k] for k, rev in revisions(newer).items() if before.get(k) != rev and (older or rev)]


_NOT_WORD = re.compile(r"[\W_]+")


def download_name(document: Document) -> str:
    """The file's name from the cluster's name, Polish letters kept:
    "strategia-Mazowiecki-klaster-rolno-spożywczy-MAKROS-v3-robocza.docx"."""
    cluster = document.snapshot.get("cluster", {})
    name = _NOT_WORD.sub("-", unicodedata.normalize("NFC", cluster.get("name") or "")).strip("-")
    base = name[:80].rstrip("-") or cluster.get("slug") or "klaster"
    kind = "przyjeta" if document.final else "robocza"
    return f"strategia-{base}-v{document.version}-{kind}.docx"
