"""Load the demo data set (the MSODI deck's five clusters), idempotently.

Running it again changes nothing: every object is looked up by its natural key first.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from flask import current_app
from sqlalchemy import select, update

from webapp import audit_trail
from webapp.auth.passwords import hash_password
from webapp.clusters.operations import create_cluster, set_member
from webapp.demo.organisations import AGENCY, CLUSTERS, ORGANISATIONS
from webapp.demo.people import ascii_slug, person_name
from webapp.demo.polls import load_poll
from webapp.extensions import db
from webapp.models import (
    Attendance,
    AuditEvent,
    Cluster,
    Meeting,
    Membership,
    Notification,
    Organisation,
    Section,
    SectionRevision,
    SignOff,
    Stage,
    User,
)
from webapp.people.operations import create_organisation, create_user
from workflows.content import normalize_content

STRATEGIES_DIR = Path(__file__).parent / "strategies"
ADMIN_EMAIL = "admin@example.org"

#: How far each demo strategy has come: stage states in order, and sign-offs made.
PROGRESS: dict[str, dict] = {
    "makros": {"states": ["approved", "approved", "approved", "approved"], "signoffs": 9},
    "klaster-chemiczny": {
        "states": ["approved", "approved", "approved", "in_review"],
        "signoffs": 4,
    },
    "e-medycyna": {"states": ["approved", "approved", "drafting", "locked"], "signoffs": 0},
    "mak": {"states": ["approved", "in_review", "locked", "locked"], "signoffs": 0},
    "krea": {"states": ["drafting", "locked", "locked", "locked"], "signoffs": 0},
}
#: Sections left empty in the demo, so a stage visibly waits for something.
LEFT_EMPTY = {"krea": {"swot", "context"}, "e-medycyna": {"kpi"}}

# One initiating conference in October 2013, six workshops up to March 2014 (the deck).
CONFERENCE_DAYS = {"makros": 8, "e-medycyna": 10, "mak": 15, "krea": 17, "klaster-chemiczny": 22}
WORKSHOP_MONTHS = [(2013, 11), (2013, 12), (2014, 1), (2014, 2), (2014, 2), (2014, 3)]
#: What each workshop worked on (sections), in the order of the workshops.
WORKSHOP_TOPICS = [
    ("profile", "members"),
    ("context", "swot"),
    ("vision", "mission"),
    ("goals",),
    ("action_plan", "financing"),
    ("governance", "risks", "kpi", "summary"),
]
#: The demo's own calendar (2013–14), so its history, signatures and activity chart read as that time
#: and not as the day the demo was loaded: each stage is submitted after its last workshop and approved
#: a few days later; the next stage opens on that approval. Signatures follow the last submission.
STAGE_CALENDAR = [  # (submitted, approved) by stage position
    (datetime(2014, 1, 7, 11, 0, tzinfo=UTC), datetime(2014, 1, 10, 13, 0, tzinfo=UTC)),
    (datetime(2014, 2, 26, 11, 0, tzinfo=UTC), datetime(2014, 3, 3, 13, 0, tzinfo=UTC)),
    (datetime(2014, 3, 27, 11, 0, tzinfo=UTC), datetime(2014, 3, 31, 13, 0, tzinfo=UTC)),
    (datetime(2014, 4, 1, 11, 0, tzinfo=UTC), datetime(2014, 4, 14, 13, 0, tzinfo=UTC)),
]
SIGNING_STARTS = datetime(2014, 4, 2, 9, 0, tzinfo=UTC)


def conference_day(slug: str) -> datetime:
    return datetime(2013, 10, CONFERENCE_DAYS[slug], 8, 0, tzinfo=UTC)


def workshop_day(slug: str, number: int) -> datetime:
    year, month = WORKSHOP_MONTHS[number - 1]
    return datetime(year, month, 4 + (CONFERENCE_DAYS[slug] + number * 3) % 20, 9, 0, tzinfo=UTC)


def founded(slug: str) -> datetime:
    """The day the cluster was set up in the studio: three weeks before its conference."""
    return conference_day(slug) - timedelta(weeks=3)


def demo_password() -> str:
    """DEMO_PASSWORD, else one made once and kept in DATA_DIR (printed by `make run`)."""
    if password := os.environ.get("DEMO_PASSWORD"):
        return password
    path = Path(current_app.config["DATA_DIR"]) / "demo_password"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(9))
        path.chmod(0o600)
    return path.read_text().strip()


def load_demo() -> bool:
    """Load everything; returns False when the demo was already there (nothing changed)."""
    if db.session.scalar(select(User.id).where(User.email == ADMIN_EMAIL)) is not None:
        return False
    password_hash = hash_password(demo_password())  # one slow hash, shared by the demo people
    agency = create_organisation(*AGENCY[:2], city=AGENCY[2])
    admin = create_user(ADMIN_EMAIL, "Administrator Agencji", "", agency.id, True, password_hash)
    orgs = {name: create_organisation(name, kind, city=city) for name, kind, city, _ in ORGANISATIONS}
    reps = _representatives(orgs, password_hash)
    for index, spec in enumerate(CLUSTERS):
        cluster = create_cluster(spec["slug"], spec["name"], spec["sector"], spec["goal"])
        _members(cluster, spec["slug"], orgs, reps, agency, password_hash, index)
        _strategy(cluster, admin)
        _meetings(cluster, spec)
        load_poll(cluster)  # the fifth workshop's prioritisation
        _founded(cluster)
    db.session.flush()
    return True


def _founded(cluster: Cluster) -> None:
    """The cluster, its people and what was said of them (audit trail, notifications) date from its
    founding in 2013, not from the day the demo was loaded."""
    when = founded(cluster.slug)
    cluster.created_at = when
    db.session.execute(update(Membership).where(Membership.cluster_id == cluster.id).values(created_at=when))
    db.session.execute(
        update(AuditEvent)
        .where(
            AuditEvent.cluster_id == cluster.id,
            AuditEvent.verb.in_(("cluster.create", "member.add", "member.role")),
        )
        .values(created_at=when)
    )
    notifications = update(Notification).where(Notification.cluster_id == cluster.id)
    db.session.execute(notifications.values(created_at=when))
    db.session.execute(update(Meeting).where(Meeting.cluster_id == cluster.id).values(created_at=when))


def _representatives(orgs: dict[str, Organisation], password_hash: str) -> dict[str, User]:
    reps = {}
    for index, name in enumerate(orgs):
        full_name = person_name(index)
        email = f"{ascii_slug(full_name)}{index + 1}@example.org"
        reps[name] = create_user(email, full_name, "", orgs[name].id, password_hash=password_hash)
    return reps


def _members(cluster, slug, orgs, reps, agency, password_hash, index) -> None:  # noqa: ANN001
    names = [name for name, _k, _c, clusters in ORGANISATIONS if slug in clusters]
    # The coordinator: the first business-support institution whose home cluster this is.
    home_support = next(n for n, k, _c, cs in ORGANISATIONS if k == "business_support" and cs[0] == slug)
    for name in names:
        role = "moderator" if name == home_support else "member"
        set_member(cluster, reps[name], role)
    expert_name = person_name(100 + index)
    observer = create_user(
        f"ekspert.{slug}@example.org",
        f"dr {expert_name}",
        "",
        agency.id,
        password_hash=password_hash,
    )
    set_member(cluster, observer, "observer")


def _strategy_content(slug: str) -> dict:
    path = STRATEGIES_DIR / f"{slug}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


def _strategy(cluster: Cluster, admin: User) -> None:
    progress = PROGRESS[cluster.slug]
    content = _strategy_content(cluster.slug)
    stages = db.session.scalars(
        select(Stage).where(Stage.cluster_id == cluster.id).order_by(Stage.position)
    ).all()
    sections = db.session.scalars(select(Section).where(Section.cluster_id == cluster.id)).all()
    moderator = db.session.scalar(
        select(User)
        .join(Membership)
        .where(Membership.cluster_id == cluster.id, Membership.role == "moderator")
    )
    writers = db.session.scalars(
        select(User)
        .join(Membership)
        .where(Membership.cluster_id == cluster.id, Membership.role == "member")
        .order_by(User.id)
    ).all()
    states = dict(zip([s.key for s in stages], progress["states"], strict=True))
    workshop_of = {key: n for n, keys in enumerate(WORKSHOP_TOPICS, start=1) for key in keys}
    for i, section in enumerate(sorted(sections, key=lambda s: s.position)):
        stage_key = next(s.key for s in stages if s.id == section.stage_id)
        # Written up two days after the workshop that worked on it, once its stage was open.
        stage = next(s for s in stages if s.id == section.stage_id)
        workshop = workshop_of.get(section.key, len(WORKSHOP_TOPICS))
        when = workshop_day(cluster.slug, workshop) + timedelta(days=2)
        if stage.position > 0:
            when = max(when, STAGE_CALENDAR[stage.position - 1][1] + timedelta(days=1))
        if states[stage_key] == "locked" or section.key in LEFT_EMPTY.get(cluster.slug, ()):
            continue
        if section.key not in content:
            continue
        value = normalize_content(section.kind, content[section.key])
        author = writers[i % len(writers)]
        section.content = value
        section.revision = 1
        section.updated_at = when
        db.session.add(
            SectionRevision(
                section_id=section.id,
                number=1,
                content=value,
                author_id=author.id,
                created_at=when,
                change_size=len(str(value)),
            )
        )
    for stage in stages:
        stage.state = states[stage.key]
        submitted, approved = STAGE_CALENDAR[min(stage.position, len(STAGE_CALENDAR) - 1)]
        opened = STAGE_CALENDAR[stage.position - 1][1] if stage.position > 0 else founded(cluster.slug)
        stage.updated_at = opened
        if stage.state != "locked" and stage.position > 0:
            _dated(audit_trail.record("stage.open", cluster, subject=stage.key, actor=moderator), opened)
        if stage.state in ("in_review", "approved"):
            submit = audit_trail.record("stage.submit", cluster, subject=stage.key, actor=writers[0])
            _dated(submit, submitted)
            stage.updated_at = submitted
        if stage.state == "approved":
            _dated(audit_trail.record("stage.approve", cluster, subject=stage.key, actor=moderator), approved)
            stage.updated_at = approved
    signers = [w for w in [moderator, *writers] if w.organisation_id][: progress["signoffs"]]
    _sign(cluster, signers)


def _dated(entry: AuditEvent, when: datetime) -> None:
    entry.created_at = when


def _sign(cluster: Cluster, signers: list[User]) -> None:
    # Sign in an order that covers every kind of organisation early (the quorum needs it).
    kinds_first = sorted(signers, key=lambda u: (u.organisation.kind == "enterprise", u.id))
    for index, user in enumerate(kinds_first):
        when = SIGNING_STARTS + timedelta(days=index, hours=index % 3)  # one a day, before the adoption
        db.session.add(
            SignOff(
                cluster_id=cluster.id,
                organisation_id=user.organisation_id,
                user_id=user.id,
                round=cluster.signoff_round,
                created_at=when,
            )
        )
        audit_trail.record("signoff", cluster, subject=user.organisation.name, actor=user).created_at = when


def _meetings(cluster: Cluster, spec: dict) -> None:
    slug = spec["slug"]
    conference = Meeting(
        cluster_id=cluster.id,
        kind="conference",
        number=None,
        title=f"Konferencja inicjująca współpracę – {cluster.name}",
        starts_at=conference_day(slug),
        place="Warszawa, ul. Jagiellońska 74",
        held=True,
        head_count=spec["conference_participants"],
        agenda="1. Otwarcie\n2. Potencjał klastrowy branży\n3. Zasady współpracy\n4. Dyskusja",
        minutes="Konferencja otworzyła współpracę w ramach inicjatywy klastrowej.",
    )
    db.session.add(conference)
    people = db.session.scalars(
        select(User).join(Membership).where(Membership.cluster_id == cluster.id).order_by(User.id)
    ).all()
    for number, keys in enumerate(WORKSHOP_TOPICS, start=1):
        meeting = Meeting(
            cluster_id=cluster.id,
            kind="workshop",
            number=number,
            title=f"Warsztat {number}",
            starts_at=workshop_day(slug, number),
            place="Warszawa, ul. Jagiellońska 74",
            held=True,
            section_keys=list(keys),
            agenda=f"Praca nad sekcjami: {', '.join(keys)}.",
            minutes=f"Uczestnicy warsztatu {number} omówili sekcje: {', '.join(keys)}.",
        )
        db.session.add(meeting)
        db.session.flush()
        present = [p for i, p in enumerate(people) if (i + number) % 4 != 0]
        for person in present:
            db.session.add(
                Attendance(meeting_id=meeting.id, user_id=person.id, organisation_id=person.organisation_id)
            )
    db.session.flush()


def demo_accounts() -> list[dict]:
    """Every demo sign-in: the admin, then each person in each of their demo clusters.

    Only the demo's own clusters: an installation in use has clusters and roles of its
    own, which are not demo sign-ins (and must not break `make run`).
    """
    accounts = [{"email": ADMIN_EMAIL, "role": "admin", "cluster": None, "organisation": AGENCY[0]}]
    slugs = [c["slug"] for c in CLUSTERS]
    rows = db.session.execute(
        select(User.email, Membership.role, Cluster.slug, Organisation.name)
        .join(Membership, Membership.user_id == User.id)
        .join(Cluster, Cluster.id == Membership.cluster_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(Cluster.slug.in_(slugs))
    ).all()
    role_order = {"moderator": 0, "member": 1, "observer": 2}
    rows = sorted(rows, key=lambda r: (slugs.index(r[2]), role_order.get(r[1], len(role_order)), r[0]))
    accounts += [{"email": e, "role": r, "cluster": c, "organisation": o} for e, r, c, o in rows]
    return accounts
