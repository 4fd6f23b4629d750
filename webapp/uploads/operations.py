"""Verbs of the Word round trip: a file brought back becomes proposals and comments.

- A file the studio rendered (its markers, worker/renderer/markers.py): each section whose
  content differs from the version it came from becomes one open proposal by the uploader,
  based on the revision that version showed (so web edits made since merge when it is
  accepted); Word comments become comments on their section.
- A file the studio did not make: its parts are matched to sections by heading; the
  moderator's mapping (``confirm_import``) turns them into proposals based on the current
  revisions. What maps nowhere is listed, never dropped silently.

The same file twice (its SHA-256) is the same upload: nothing new is made. A file that
may not be read is refused before anything is written (``BadFile``, 422; too large 413).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp import events
from webapp.access import role_in
from webapp.clusters.queries import definition_of
from webapp.comments.operations import post_comment
from webapp.comments.quotes import quote_in, section_text
from webapp.extensions import db
from webapp.models import Cluster, Document, Section, Upload, User
from webapp.problems import Duplicate, Invalid, Problem
from webapp.proposals.operations import Forbidden, propose
from webapp.uploads.reconcile import imported_content, proposed_content
from worker.renderer import markers
from worker.renderer.reader import (
    Limits,
    Part,
    ReadDocument,
    UnreadableFile,
    marked_sections,
    match_title,
    open_package,
    parts,
    read_blocks,
    section_of_block,
)
from worker.renderer.reader.blocks import Para
from workflows.proposals import propose_refusal

#: An imported part mapped to no section.
IGNORE = "ignore"
MAX_FILENAME = 255
MAX_COMMENT = 5000


class BadFile(Problem):
    """A file that may not be read (not a DOCX, damaged, a bomb, macros); nothing written."""

    status = 422
    code = "bad_file"

    def __init__(self, message: str, code: str = "bad_file") -> None:
        super().__init__("file", message)
        self.code = code


class TooLarge(Problem):
    status = 413
    code = "too_large"


def _refusal_message(code: str) -> str:
    messages = {
        "not_docx": _("This is not a Word document (.docx)."),
        "damaged": _("The file is damaged and cannot be read."),
        "bomb": _("The file unpacks to far more than a strategy holds; it was not opened."),
        "macros": _("Files with macros (.docm) are not accepted; save it as a plain .docx."),
        "encrypted": _("The file is password-protected; save it without a password."),
    }
    return messages.get(code, messages["damaged"])


def check_size(data: bytes) -> None:
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    if len(data) > limit:
        raise TooLarge("file", _("The file is larger than %(mb)s MB.", mb=max(1, limit // (1024 * 1024))))


def _read(data: bytes) -> ReadDocument:
    try:
        return read_blocks(open_package(data, Limits()))
    except UnreadableFile as error:
        raise BadFile(_refusal_message(error.code), f"bad_file_{error.code}") from None
    except (ValueError, KeyError, IndexError, RecursionError) as error:
        current_app.logger.info("upload unreadable: %r", error)
        raise BadFile(_refusal_message("damaged"), "bad_file_damaged") from None


def _filename(name: str | None) -> str:
    text = "".join(ch for ch in (name or "") if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF)
    return text[:MAX_FILENAME]


@dataclass
class Outcome:
    upload: Upload
    created: bool  # False: the same file was uploaded before


def summary_json(upload: Upload) -> dict:
    summary = upload.summary or {}
    return {
        "id": upload.id,
        "kind": upload.kind,
        "status": upload.status,
        "proposals": list(summary.get("proposals", [])),
        "comments": int(summary.get("comments", 0)),
        "unmatched": list(summary.get("unmatched", [])),
        "tracked_changes": dict(summary.get("tracked_changes", {"insertions": 0, "deletions": 0})),
        "ignored": list(summary.get("ignored", [])),
        "unchanged": list(summary.get("unchanged", [])),
    }


def upload_file(
    cluster: Cluster, user: User, filename: str | None, data: bytes, *, auto_import: bool
) -> Outcome:
    """Read a Word file into proposals (see the module's docstring).

    ``auto_import``: a file the studio did not make is mapped by its headings at once (the
    API); otherwise it waits for the moderator's mapping (``confirm_import``, the page).
    """
    role = role_in(cluster, user)
    if propose_refusal(role):
        raise Forbidden("file", _("Your role does not let you propose changes here."))
    check_size(data)
    checksum = hashlib.sha256(data).hexdigest()
    earlier = db.session.scalar(
        select(Upload).where(Upload.cluster_id == cluster.id, Upload.checksum == checksum)
    )
    if earlier is not None:
        return Outcome(earlier, created=False)
    doc = _read(data)
    upload = Upload(
        cluster_id=cluster.id,
        user_id=user.id,
        checksum=checksum,
        filename=_filename(filename),
        kind="studio",
        status="done",
        summary={},
    )
    tracked = {"insertions": doc.insertions, "deletions": doc.deletions}
    document = _version_of(cluster, doc)
    if document is None:
        upload.kind = "import"
        _claim(upload)
        found = import_parts(cluster, doc)
        upload.summary = {"parts": found, "tracked_changes": tracked, "ignored": doc.ignored}
        if auto_import:
            _apply_import(cluster, upload, user, doc, {p["index"]: p["section"] or IGNORE for p in found})
        else:
            upload.status = "pending"
            upload.data = data
    else:
        upload.document_id = document.id
        _claim(upload)
        upload.summary = _from_version(cluster, user, upload, document, doc) | {
            "tracked_changes": tracked,
            "ignored": doc.ignored,
        }
    events.emit(
        "upload.create",
        cluster,
        subject=upload.filename or f"#{upload.id}",
        actor=user,
        kind=upload.kind,
        proposals=len(upload.summary.get("proposals", [])),
    )
    db.session.flush()
    return Outcome(upload, created=True)


def _claim(upload: Upload) -> None:
    """The upload's row first: the same file sent twice at once is made once (409 for the other)."""
    try:
        with db.session.begin_nested():
            db.session.add(upload)
            db.session.flush()
    except IntegrityError:
        raise Duplicate("file", _("This file is being brought in already.")) from None


def _version_of(cluster: Cluster, doc: ReadDocument) -> Document | None:
    """The version a studio file names, checked by its snapshot's checksum; None: not ours."""
    props = doc.properties
    version = props.get(markers.VERSION, "")
    if not doc.markers or not version.isdigit():
        return None
    if props.get(markers.CLUSTER) != cluster.slug:
        raise BadFile(_("This file is a version of another cluster's strategy."), "bad_file_other_cluster")
    document = db.session.scalar(
        select(Document).where(
            Document.cluster_id == cluster.id, Document.version == int(version), Document.status == "done"
        )
    )
    if document is None or markers.snapshot_checksum(document.snapshot) != props.get(markers.CHECKSUM):
        raise BadFile(
            _("This file names a version of the strategy that is not here."), "bad_file_unknown_version"
        )
    return document


def _sections(cluster: Cluster) -> dict[str, Section]:
    return {s.key: s for s in db.session.scalars(select(Section).where(Section.cluster_id == cluster.id))}


def snapshot_sections(snapshot: Mapping) -> dict[str, Mapping]:
    found = {}
    for stage in snapshot.get("stages") or ():
        for section in stage.get("sections") or ():
            if isinstance(section, Mapping) and isinstance(section.get("key"), str):
                found[section["key"]] = section
    return found


def _from_version(
    cluster: Cluster, user: User, upload: Upload, document: Document, doc: ReadDocument
) -> dict:
    before = read_blocks(document.data or b"")
    before_sections = marked_sections(before)
    after_sections = marked_sections(doc)
    shown = snapshot_sections(document.snapshot)
    sections = _sections(cluster)
    language = str(document.snapshot.get("language") or "pl")
    goals = next((s.get("content") for s in shown.values() if s.get("kind") == "goals"), None)
    proposals: list[dict] = []
    unmatched: list[dict] = []
    unchanged: list[str] = []
    for key, read in after_sections.items():
        section, was = sections.get(key), shown.get(key)
        if section is None or was is None or key not in before_sections:
            unmatched.append({"title": key, "text": _preview(read.blocks), "reason": "unknown_section"})
            continue
        content = proposed_content(
            section.kind,
            was.get("content"),
            before_sections[key].blocks,
            read.blocks,
            language=language,
            goals=goals,
        )
        if content is None:
            unchanged.append(key)
            continue
        made = _propose(cluster, key, user, content, read.revision, upload, unmatched)
        if made is not None:
            proposals.append({"id": made, "section": key})
    unmatched.extend(_outside_sections(before, doc, before_sections, after_sections))
    comments = _comments(cluster, user, doc, lambda block: section_of_block(after_sections, block), sections)
    return {"proposals": proposals, "comments": comments, "unmatched": unmatched, "unchanged": unchanged}


def _propose(
    cluster: Cluster, key: str, user: User, content: object, base: int, upload: Upload, unmatched: list[dict]
) -> int | None:
    try:
        with db.session.begin_nested():
            proposal = propose(
                cluster,
                key,
                user,
                content,
                base,
                note=_("From the Word file %(name)s", name=upload.filename or f"#{upload.id}")[:500],
                source=f"upload:{upload.id}",
            )
        return proposal.id
    except Forbidden:
        raise
    except Problem as problem:
        unmatched.append({"title": key, "text": "", "reason": problem.message})
        return None


def _preview(blocks: Sequence, limit: int = 300) -> str:
    return Part("", 0, 0, 0, list(blocks)).preview(limit)


def _outside_sections(
    before: ReadDocument, after: ReadDocument, b_sections: Mapping, a_sections: Mapping
) -> list[dict]:
    """Paragraphs added outside every section (a stage's introduction, an annex): listed."""

    def outside(doc: ReadDocument, sections: Mapping) -> list[str]:
        inside = {i for s in sections.values() for i in range(s.start - 1, s.end)}
        return [
            " ".join(b.text.split())
            for i, b in enumerate(doc.blocks)
            if i not in inside and isinstance(b, Para) and b.text.strip()
        ]

    old = outside(before, b_sections)
    remaining = {}
    for text in old:
        remaining[text] = remaining.get(text, 0) + 1
    found = []
    for text in outside(after, a_sections):
        if remaining.get(text):
            remaining[text] -= 1
        else:
            found.append({"title": "", "text": text[:300], "reason": "outside_sections"})
    return found


def _comments(
    cluster: Cluster,
    user: User,
    doc: ReadDocument,
    locate: Callable[[int], str | None],
    sections: Mapping[str, Section],
) -> int:
    """Word comments as comments on their section, quoting the commented text when the
    section (as it reads now) still holds it; the Word author is named in the body."""
    role = role_in(cluster, user)
    made = 0
    for comment in doc.comments:
        key = locate(comment.block)
        section = sections.get(key) if key else None
        if section is None or not comment.text.strip():
            continue
        quote = " ".join(comment.quote.split())[:500]
        body = comment.text.strip()
        if comment.author:
            body = f"{body}\n\n— {comment.author} (Word)"
        if quote and not quote_in(quote, section_text(section.kind, section.content)):
            body = f"„{quote}”\n\n{body}"
            quote = ""
        try:
            with db.session.begin_nested():
                post_comment(cluster, section, user, role, body[:MAX_COMMENT], quote=quote)
            made += 1
        except Problem:
            continue
    return made


# -- import of a file the studio did not make ------------------------------------------------


def section_titles(cluster: Cluster) -> dict[str, list[str]]:
    definition = definition_of(cluster)
    return {s.key: [s.title.pl, s.title.en] for s in definition.all_sections()}


def import_parts(cluster: Cluster, doc: ReadDocument) -> list[dict]:
    """The file's parts with the section each heading matches (None: unmatched)."""
    titles = section_titles(cluster)
    found = []
    for index, part in enumerate(parts(doc, [t for names in titles.values() for t in names])):
        found.append(
            {
                "index": index,
                "title": part.title[:300],
                "level": part.level,
                "preview": part.preview(),
                "section": match_title(part.title, titles) if part.title else None,
            }
        )
    return found


def confirm_import(cluster: Cluster, upload: Upload, user: User, mapping: Mapping[int, str]) -> Upload:
    """The moderator's mapping (part index → section key or "ignore") into proposals."""
    if upload.status != "pending" or upload.kind != "import":
        raise Invalid("upload", _("This file has been brought in already."))
    if propose_refusal(role_in(cluster, user)):
        raise Forbidden("file", _("Your role does not let you propose changes here."))
    doc = _read(upload.data or b"")
    _apply_import(cluster, upload, user, doc, mapping)
    upload.data = None
    events.emit(
        "upload.import",
        cluster,
        subject=upload.filename or f"#{upload.id}",
        actor=user,
        proposals=len(upload.summary.get("proposals", [])),
    )
    db.session.flush()
    return upload


def _apply_import(
    cluster: Cluster, upload: Upload, user: User, doc: ReadDocument, mapping: Mapping[int, str]
) -> None:
    sections = _sections(cluster)
    titles = section_titles(cluster)
    cut = parts(doc, [t for names in titles.values() for t in names])
    language = cluster.language or "pl"
    by_section: dict[str, list[Part]] = {}
    unmatched: list[dict] = []
    for index, part in enumerate(cut):
        target = mapping.get(index)
        if target == IGNORE:
            unmatched.append({"title": part.title, "text": part.preview(), "reason": "ignored"})
        elif target in sections:
            by_section.setdefault(target, []).append(part)
        else:
            unmatched.append({"title": part.title, "text": part.preview(), "reason": "unmatched"})
    proposals = []
    for key, chosen in by_section.items():
        section = sections[key]
        if section.kind == "text":
            texts = [imported_content("text", p.blocks, p.level, language) for p in chosen]
            content = "\n\n".join(t for t in texts if isinstance(t, str) and t)
        else:
            content = next(
                (c for p in chosen if (c := imported_content(section.kind, p.blocks, p.level, language))),
                None,
            )
        if not content:
            unmatched.extend(
                {"title": p.title, "text": p.preview(), "reason": f"not_readable_as_{section.kind}"}
                for p in chosen
            )
            continue
        made = _propose(cluster, key, user, content, section.revision, upload, unmatched)
        if made is not None:
            proposals.append({"id": made, "section": key})
    summary = dict(upload.summary or {})
    placed = [(key, p) for key, chosen in by_section.items() for p in chosen]

    def locate(block: int) -> str | None:
        return next((key for key, p in placed if p.start - 1 <= block < p.end), None)

    summary.update(
        proposals=proposals, comments=_comments(cluster, user, doc, locate, sections), unmatched=unmatched
    )
    upload.summary = json.loads(json.dumps(summary))
    upload.status = "done"
