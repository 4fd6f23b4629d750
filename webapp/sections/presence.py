"""Who has a section open: a heartbeat every few seconds, read back as "also here".

One row per (section, person), refreshed by an upsert, so a person with three tabs open
is one row and the table stays as small as the number of people actually present.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from webapp.collation import polish
from webapp.extensions import db
from webapp.models import Section, SectionPresence, User
from webapp.models.base import utcnow

#: Seen within this long: still here (the page beats every 5 s; two may be missed).
PRESENT_FOR = timedelta(seconds=15)
#: Rows older than this are removed when anyone beats on the section.
FORGET_AFTER = timedelta(hours=1)


def heartbeat(section: Section, user: User, now: datetime | None = None) -> None:
    """Record that ``user`` has ``section`` open now (insert or refresh, race-free)."""
    now = now or utcnow()
    values = {"section_id": section.id, "user_id": user.id, "seen_at": now}
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(SectionPresence).values(**values)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[SectionPresence.section_id, SectionPresence.user_id],
            set_={"seen_at": now},
        )
    )
    db.session.execute(
        delete(SectionPresence).where(
            SectionPresence.section_id == section.id, SectionPresence.seen_at < now - FORGET_AFTER
        )
    )


def leave(section: Section, user: User) -> None:
    """The person closed the page: others stop seeing them at once, not 15 s later."""
    db.session.execute(
        delete(SectionPresence).where(
            SectionPresence.section_id == section.id, SectionPresence.user_id == user.id
        )
    )


def others_here(section: Section, user: User, now: datetime | None = None) -> list[str]:
    """Names of the other people seen on the section lately, alphabetically."""
    now = now or utcnow()
    names = db.session.scalars(
        select(User.name)
        .join(SectionPresence, SectionPresence.user_id == User.id)
        .where(
            SectionPresence.section_id == section.id,
            SectionPresence.user_id != user.id,
            SectionPresence.seen_at >= now - PRESENT_FOR,
        )
        .order_by(polish(User.name))
    ).all()
    return list(names)
