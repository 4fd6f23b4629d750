"""Two versions compared as Word tracked changes (``worker/renderer/compare.py`` does the
marking; here: which versions, and who changed each section, from its revisions)."""

from __future__ import annotations

from flask import Response, abort
from flask_babel import gettext as _
from sqlalchemy import select

from webapp.documents.http import DOCX, _attachment
from webapp.documents.queries import download_name
from webapp.extensions import db
from webapp.inputs import in_int32
from webapp.models import Cluster, Document, Section, SectionRevision, User
from webapp.problems import Invalid
from webapp.uploads.operations import snapshot_sections
from worker.renderer.compare import tracked_changes
from worker.renderer.reader import UnreadableFile


def _id(field: str, value: str | None) -> int:
    if value is None or not value.isascii() or not value.isdigit() or not in_int32(int(value)):
        raise Invalid(field, _("Say which two versions to compare (their ids)."))
    return int(value)


def versions_to_compare(cluster: Cluster, first: str | None, second: str | None) -> tuple[Document, Document]:
    """The two rendered versions of this cluster, earlier first: ``Invalid`` (422) for ids
    that are no ids, 404 for versions that are not this cluster's or not rendered."""
    found = [db.session.get(Document, _id("from", first)), db.session.get(Document, _id("to", second))]
    for document in found:
        if document is None or document.cluster_id != cluster.id or document.status != "done":
            abort(404)
    earlier, later = sorted(found, key=lambda d: d.version)
    return earlier, later


def authors(cluster: Cluster, earlier: Document, later: Document) -> dict[str, tuple[str, str]]:
    """Section key → (who wrote the revisions between the versions, when the last was)."""
    before = {k: s.get("revision") for k, s in snapshot_sections(earlier.snapshot).items()}
    after = {k: s.get("revision") for k, s in snapshot_sections(later.snapshot).items()}
    rows = db.session.execute(
        select(Section.key, SectionRevision.number, SectionRevision.created_at, User.name)
        .join(SectionRevision, SectionRevision.section_id == Section.id)
        .outerjoin(User, User.id == SectionRevision.author_id)
        .where(Section.cluster_id == cluster.id)
        .order_by(SectionRevision.number)
    ).all()
    found: dict[str, tuple[list[str], str]] = {}
    for key, number, created_at, name in rows:
        low, high = before.get(key), after.get(key)
        if not isinstance(high, int) or not isinstance(low, int) or not low < number <= high:
            continue
        names, _ = found.get(key, ([], ""))
        if name and name not in names:
            names.append(name)
        found[key] = (names, created_at.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return {key: (", ".join(names[:3]), date) for key, (names, date) in found.items()}


def compare_response(cluster: Cluster, earlier: Document, later: Document) -> Response:
    try:
        data = tracked_changes(earlier.data or b"", later.data or b"", authors(cluster, earlier, later))
    except UnreadableFile:  # a version rendered before files carried their markers
        abort(404)
    base = download_name(later).removesuffix(".docx")
    name = _("%(name)s – changes since version %(v)s", name=base, v=earlier.version) + ".docx"
    return _attachment(data, DOCX, name, None)
