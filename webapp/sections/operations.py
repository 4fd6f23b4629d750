"""Saving sections: every save names its base revision; concurrent saves merge or conflict.

The write is conditional on the revision read (UPDATE ... WHERE revision = :read), so
two saves based on the same revision can never both win; the loser re-reads and merges.
On SQLite the writing request already holds the write lock (BEGIN IMMEDIATE).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, update

from webapp.collation import polish_sorted
from webapp.extensions import db
from webapp.models import Section, SectionRevision, User
from webapp.models.base import utcnow
from workflows.content import change_size, empty_content, normalize_content
from workflows.merge import Conflict, merge

#: A save that keeps losing the race this many times is answered with a conflict.
MAX_ATTEMPTS = 8


@dataclass
class SaveResult:
    revision: int
    merged: bool
    #: Authors of the revisions merged in (theirs), for "merged with changes by ...".
    merged_authors: list[str] = field(default_factory=list)
    changed: bool = True


@dataclass
class SaveConflict(Exception):
    base: object
    theirs: object
    yours: object
    revision: int  # the revision "theirs" is
    conflicts: tuple[Conflict, ...] = ()


@dataclass
class StaleBase(Exception):
    """The base revision named does not exist (ahead of the section, or negative)."""

    revision: int


def revision_content(section: Section, number: int) -> object:
    if number == 0:
        return empty_content(section.kind)
    row = db.session.scalar(
        select(SectionRevision.content).where(
            SectionRevision.section_id == section.id, SectionRevision.number == number
        )
    )
    return row


def _authors_since(section: Section, base: int, upto: int) -> list[str]:
    names = db.session.scalars(
        select(User.name)
        .join(SectionRevision, SectionRevision.author_id == User.id)
        .where(
            SectionRevision.section_id == section.id,
            SectionRevision.number > base,
            SectionRevision.number <= upto,
        )
        .distinct()
    ).all()
    return polish_sorted(names)


def save_section(
    section: Section,
    content: object,
    base_revision: int,
    author: User,
    restored_from: int | None = None,
    accepted_by: User | None = None,
) -> SaveResult:
    """Write `content` (validated here; ContentError on bad shape) as the next revision.

    `accepted_by`: the revision is a proposal by `author`, accepted by this person
    (webapp.proposals): the same merge and the same race as any save.

    Raises SaveConflict when the changes since `base_revision` overlap with these,
    StaleBase when `base_revision` is not a revision of this section.
    """
    yours = normalize_content(section.kind, content)
    for _attempt in range(MAX_ATTEMPTS):
        current_revision, current_content = db.session.execute(
            select(Section.revision, Section.content).where(Section.id == section.id)
        ).one()
        if base_revision < 0 or base_revision > current_revision:
            raise StaleBase(current_revision)
        merged, authors = False, []
        if base_revision == current_revision:
            new_content = yours
        else:
            base = revision_content(section, base_revision)
            result = merge(section.kind, base, current_content, yours)
            if result.conflict:
                raise SaveConflict(base, current_content, yours, current_revision, result.conflicts)
            # Two sets of additions together can pass a limit: check the merge as well.
            new_content, merged = normalize_content(section.kind, result.content), True
            authors = _authors_since(section, base_revision, current_revision)
        if new_content == current_content:
            return SaveResult(current_revision, merged, authors, changed=False)
        number = current_revision + 1
        now = utcnow()
        won = db.session.execute(
            update(Section)
            .where(Section.id == section.id, Section.revision == current_revision)
            .values(revision=number, content=new_content, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if won != 1:
            continue  # someone saved between our read and write: read again and merge
        db.session.add(
            SectionRevision(
                section_id=section.id,
                number=number,
                content=new_content,
                author_id=author.id,
                base_number=base_revision,
                merged=merged,
                change_size=change_size(section.kind, current_content, new_content),
                restored_from=restored_from,
                accepted_by_id=accepted_by.id if accepted_by is not None else None,
                created_at=now,
            )
        )
        db.session.flush()
        db.session.refresh(section)
        return SaveResult(number, merged, authors)
    current_revision, current_content = db.session.execute(
        select(Section.revision, Section.content).where(Section.id == section.id)
    ).one()
    raise SaveConflict(revision_content(section, base_revision), current_content, yours, current_revision)


def restore_revision(section: Section, number: int, author: User) -> SaveResult:
    """An old revision becomes the newest one again (history is never rewritten)."""
    content = revision_content(section, number)
    if content is None:
        raise StaleBase(section.revision)
    return save_section(section, content, section.revision, author, restored_from=number)
