"""Backing a cluster up and restoring it: `flask cluster export` / `flask cluster import`.

Round trip: export a demo cluster (with comments, a reply, a resolved objection, a
deleted meeting and a rendered document added), import it into an empty installation,
export it again, and compare the two files row by row with ids normalised. A file whose
cluster exists, or a malformed file, is refused with nothing written.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests import services
from tests.conftest import DEMO_PASSWORD, api_token, build_database, make_app
from webapp.backup import AUDIT_COMMENT_SUBJECT_PREFIX, AUDIT_DETAIL_REFERENCES, TABLES
from webapp.extensions import db

SLUG = "makros"


# --- helpers ---------------------------------------------------------------------------


def cli(app, *args: str):  # noqa: ANN001, ANN201
    result = app.test_cli_runner().invoke(args=list(args))
    with app.app_context():
        db.session.remove()
    return result


def export(app, path: Path, slug: str = SLUG) -> dict:  # noqa: ANN001
    result = cli(app, "cluster", "export", slug, "-o", str(path))
    assert result.exit_code == 0, result.output
    return json.loads(path.read_text(encoding="utf-8"))


def row_counts(app) -> dict[str, int]:  # noqa: ANN001
    """Rows in every table of the installation (not only the backed-up ones)."""
    with app.app_context():
        counts = {
            name: db.session.scalar(select(func.count()).select_from(t))
            for name, t in db.metadata.tables.items()
        }
        db.session.remove()
    return counts


def normalised(document: dict) -> dict[str, list[dict]]:
    """The file's rows with every id replaced by its rank in its table, references too.

    A restore inserts rows in the order of their ids, so ranks are kept; any reference
    remapped to the wrong row shows up as a difference.
    """
    tables = document["tables"]
    rank = {
        name: {row["id"]: i for i, row in enumerate(sorted(rows, key=lambda r: r["id"]))}
        for name, rows in tables.items()
    }
    out: dict[str, list[dict]] = {}
    for name, rows in tables.items():
        references = {
            c.name: fk.column.table.name for c in db.metadata.tables[name].columns for fk in c.foreign_keys
        }
        out[name] = []
        for row in sorted(rows, key=lambda r: r["id"]):
            row = copy.deepcopy(row)
            row["id"] = rank[name][row["id"]]
            for column, target in references.items():
                if row[column] is not None:
                    row[column] = rank[target][row[column]]
            if name == "audit_events":
                for key, target in AUDIT_DETAIL_REFERENCES.items():
                    if isinstance(row["details"].get(key), int):
                        row["details"][key] = rank[target].get(row["details"][key])
                match = re.match(r"^(.*)#(\d+)$", row["subject"])
                if row["verb"].startswith(AUDIT_COMMENT_SUBJECT_PREFIX) and match:
                    row["subject"] = f"{match[1]}#c{rank['comments'].get(int(match[2]), '?')}"
            out[name].append(row)
    return out


def enrich(app) -> None:  # noqa: ANN001
    """What the demo lacks: a comment thread, a resolved objection, a hidden comment,
    a deleted meeting (its audit event names a row that is gone), a rendered document."""
    from webapp.comments.operations import hide_comment, post_comment, resolve_comment
    from webapp.documents import operations as documents
    from webapp.meetings.operations import delete_meeting
    from webapp.models import Cluster, Meeting, Membership, Section, User
    from worker.renderer import render_strategy
    from workflows.roles import Role

    with app.test_request_context():
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == SLUG))
        section = db.session.scalar(
            select(Section).where(Section.cluster_id == cluster.id, Section.key == "vision")
        )

        def person(role: str) -> User:
            return db.session.scalar(
                select(User)
                .join(Membership, Membership.user_id == User.id)
                .where(Membership.cluster_id == cluster.id, Membership.role == role)
                .order_by(User.id)
            )

        member, moderator = person("member"), person("moderator")
        # another cluster's comment first, so that this cluster's ids do not start at 1
        other = db.session.scalar(
            select(Section).where(Section.cluster_id != cluster.id).order_by(Section.id)
        )
        post_comment(other.cluster, other, member, Role.ADMIN, "Gdzie indziej.")
        objection = post_comment(
            cluster, section, member, Role.MEMBER, "Wizja pomija @nikogo.", kind="objection"
        )
        post_comment(cluster, section, moderator, Role.MODERATOR, "Poprawimy.", parent_id=objection.id)
        resolve_comment(cluster, section, objection, moderator, Role.MODERATOR, "Poprawione.")
        hidden = post_comment(cluster, section, member, Role.MEMBER, "Nie na temat.")
        hide_comment(cluster, section, hidden, moderator, Role.MODERATOR, "Poza tematem.")
        post_comment(cluster, section, moderator, Role.MODERATOR, "Tylko dla nas.", visibility="moderators")
        meeting = db.session.scalar(
            select(Meeting).where(Meeting.cluster_id == cluster.id).order_by(Meeting.id.desc())
        )
        delete_meeting(cluster, meeting)
        document = documents.request_document(cluster, moderator).document
        db.session.commit()
        documents.start_rendering(document.id)
        assert documents.finish(document.id, render_strategy(document.snapshot))
        db.session.commit()
        db.session.remove()


@pytest.fixture
def empty_url(backend: str, tmp_path: Path):  # noqa: ANN201
    """A migrated installation with no data at all (no demo)."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        build_database(url, demo=False)
        yield url
        return
    name = f"studio_empty_{uuid.uuid4().hex[:10]}"
    url = services.create_database(name)
    build_database(url, demo=False)
    yield url
    services.drop_database(name)


@pytest.fixture
def empty_app(empty_url: str):  # noqa: ANN201
    application = make_app(empty_url)
    yield application
    with application.app_context():
        db.engine.dispose()


# --- the tests -------------------------------------------------------------------------


def test_round_trip_into_an_empty_installation_is_identical(app, empty_app, tmp_path):
    enrich(app)
    first = export(app, tmp_path / "first.json")
    tables = first["tables"]
    for name in TABLES:  # the file holds something of every kind
        assert tables[name], f"nothing exported from {name}"
    assert any(r["parent_id"] for r in tables["comments"])
    assert all("password_hash" in u and u["password_hash"] for u in tables["users"])
    # the deleted meeting's audit event names a row that is not in the file
    (deleted,) = [r for r in tables["audit_events"] if r["verb"] == "meeting.delete"]
    assert deleted["details"]["meeting_id"] not in {m["id"] for m in tables["meetings"]}
    assert set(row_counts(empty_app).values()) == {0}

    result = cli(empty_app, "cluster", "import", str(tmp_path / "first.json"))
    assert result.exit_code == 0, result.output
    assert f"Cluster {SLUG} imported" in result.output
    second = export(empty_app, tmp_path / "second.json")

    before, after = normalised(first), normalised(second)
    for name in TABLES:
        assert len(after[name]) == len(before[name]), name
        for old, new in zip(before[name], after[name], strict=True):
            assert new == old, f"{name}: {old} became {new}"
    # every row of the empty installation came from the file
    counts = row_counts(empty_app)
    assert {name: counts[name] for name in TABLES} == {n: len(tables[n]) for n in TABLES}
    # the document's bytes came through whole, and people can sign in with their password
    (doc,) = second["tables"]["documents"]
    data = base64.b64decode(doc["data"])
    assert hashlib.sha256(data).hexdigest() == doc["sha256"] and len(data) == doc["size"]
    assert data[:2] == b"PK"
    member = next(u["email"] for u in tables["users"] if not u["is_admin"])
    assert api_token(empty_app.test_client(), member, DEMO_PASSWORD)


def test_import_refused_when_the_cluster_exists_and_nothing_is_written(app, tmp_path):
    export(app, tmp_path / "makros.json")
    before = row_counts(app)
    result = cli(app, "cluster", "import", str(tmp_path / "makros.json"))
    assert result.exit_code != 0
    assert "already exists" in result.output and "Nothing was imported" in result.output
    assert row_counts(app) == before


def test_restore_after_the_cluster_was_deleted_reuses_people_and_is_identical(app, tmp_path):
    from webapp.models import Cluster

    enrich(app)
    first = export(app, tmp_path / "before.json")
    with app.app_context():
        db.session.delete(db.session.scalar(select(Cluster).where(Cluster.slug == SLUG)))
        db.session.commit()
        db.session.remove()
    result = cli(app, "cluster", "import", str(tmp_path / "before.json"))
    assert result.exit_code == 0, result.output
    assert "Already here and kept as they are" in result.output
    second = export(app, tmp_path / "after.json")
    assert normalised(second) == normalised(first)
    # the people are the same rows as before (reused, not copied)
    assert [u["id"] for u in second["tables"]["users"]] == [u["id"] for u in first["tables"]["users"]]


def _broken_files(good: dict) -> dict[str, object]:
    """name -> the content of a file that must be refused."""

    def changed(edit) -> dict:  # noqa: ANN001
        data = copy.deepcopy(good)
        edit(data)
        return data

    def drop_table(d: dict) -> None:
        del d["tables"]["comments"]

    def dangling(d: dict) -> None:
        d["tables"]["memberships"][0]["user_id"] = 10**9

    def bad_date(d: dict) -> None:
        d["tables"]["sections"][0]["updated_at"] = "yesterday"

    def naive_date(d: dict) -> None:
        d["tables"]["stages"][0]["updated_at"] = "2026-01-01T10:00:00"

    def unknown_column(d: dict) -> None:
        d["tables"]["stages"][0]["colour"] = "red"

    def bad_role(d: dict) -> None:  # passes every check here; the database refuses it
        d["tables"]["memberships"][-1]["role"] = "boss"

    def bad_base64(d: dict) -> None:
        d["tables"]["documents"].append({**d["tables"]["documents"][0], "id": 10**9})
        d["tables"]["documents"][-1]["data"] = "not base64!"

    def two_clusters(d: dict) -> None:
        d["tables"]["clusters"].append({**d["tables"]["clusters"][0], "id": 10**9})

    def other_schema(d: dict) -> None:
        d["schema"] = "9999"

    def unreachable_slug(d: dict) -> None:  # /c/<slug> could never name it
        d["cluster"] = d["tables"]["clusters"][0]["slug"] = "Makros/../nowy"

    def huge_number(d: dict) -> None:  # beyond any integer column
        d["tables"]["stages"][0]["position"] = 2**64

    def out_of_range(d: dict) -> None:  # SQLite would store it, PostgreSQL's int4 not
        d["tables"]["section_revisions"][0]["number"] = 2**31

    def invalid_email(d: dict) -> None:
        d["tables"]["users"][0]["email"] = "nie adres"

    def same_email_twice(d: dict) -> None:  # the same address once normalised
        d["tables"]["users"][1]["email"] = " " + d["tables"]["users"][0]["email"].upper()

    def lookalike_email(d: dict) -> None:  # Cyrillic "сора" and Latin "copa" look alike
        d["tables"]["users"][0]["email"] = "\u0441\u043e\u0440\u0430@example.org"
        d["tables"]["users"][1]["email"] = "copa@example.org"

    def nul_in_text(d: dict) -> None:  # SQLite would store it, PostgreSQL not
        d["tables"]["clusters"][0]["name"] = "Makros\x00"

    def lone_surrogate(d: dict) -> None:  # neither driver can encode it
        d["tables"]["sections"][0]["content"] = {"text": "\ud800"}

    return {
        "truncated": json.dumps(good)[:5000],
        "not_an_object": "[1, 2, 3]",
        "other_format": json.dumps({**good, "format": "something-else"}),
        "missing_table": json.dumps(changed(drop_table)),
        "dangling_reference": json.dumps(changed(dangling)),
        "bad_date": json.dumps(changed(bad_date)),
        "naive_date": json.dumps(changed(naive_date)),
        "unknown_column": json.dumps(changed(unknown_column)),
        "check_constraint": json.dumps(changed(bad_role)),
        "bad_base64": json.dumps(changed(bad_base64)),
        "two_clusters": json.dumps(changed(two_clusters)),
        "other_schema": json.dumps(changed(other_schema)),
        "unreachable_slug": json.dumps(changed(unreachable_slug)),
        "huge_number": json.dumps(changed(huge_number)),
        "out_of_range": json.dumps(changed(out_of_range)),
        "invalid_email": json.dumps(changed(invalid_email)),
        "same_email_twice": json.dumps(changed(same_email_twice)),
        "lookalike_email": json.dumps(changed(lookalike_email)),
        "nul_in_text": json.dumps(changed(nul_in_text)),
        "lone_surrogate": json.dumps(changed(lone_surrogate)),
    }


def test_malformed_files_are_refused_and_nothing_is_written(app, empty_app, tmp_path):
    enrich(app)
    good = export(app, tmp_path / "good.json")
    for name, content in _broken_files(good).items():
        path = tmp_path / f"{name}.json"
        path.write_text(content, encoding="utf-8")
        result = cli(empty_app, "cluster", "import", str(path))
        assert result.exit_code != 0, f"{name} was accepted: {result.output}"
        assert "Nothing was imported" in result.output, (name, result.output)
        assert "Traceback" not in result.output, name
        assert set(row_counts(empty_app).values()) == {0}, f"{name} left rows behind"
    # and the good file still goes in afterwards
    result = cli(empty_app, "cluster", "import", str(tmp_path / "good.json"))
    assert result.exit_code == 0, result.output


def _with_people(good: dict, tmp_path: Path, edit) -> tuple[Path, dict]:  # noqa: ANN001
    """The file with `edit(user_row)` applied to its first person who is not an admin."""
    data = copy.deepcopy(good)
    person = next(u for u in data["tables"]["users"] if not u["is_admin"])
    edit(person)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path, person


def test_an_imported_email_is_normalised_so_the_person_signs_in(app, empty_app, tmp_path):
    from webapp.models import User

    good = export(app, tmp_path / "good.json")
    original: dict[str, str] = {}

    def shout(person: dict) -> None:
        original["email"] = person["email"]
        person["email"] = f"  {person['email'].upper()} "

    path, _ = _with_people(good, tmp_path, shout)
    result = cli(empty_app, "cluster", "import", str(path))
    assert result.exit_code == 0, result.output
    with empty_app.app_context():
        assert db.session.scalar(select(func.count()).where(User.email == original["email"])) == 1
    assert api_token(empty_app.test_client(), original["email"], DEMO_PASSWORD)


@pytest.mark.parametrize("allow", [False, True], ids=["default", "allow_admins"])
def test_admin_rights_from_a_file_are_granted_only_when_asked(app, empty_app, tmp_path, allow):
    from webapp.models import User

    good = export(app, tmp_path / "good.json")
    path, person = _with_people(good, tmp_path, lambda p: p.update(is_admin=True))
    admins = sorted(u["email"] for u in json.loads(path.read_text())["tables"]["users"] if u["is_admin"])
    args = ["cluster", "import", str(path)] + (["--allow-admins"] if allow else [])
    result = cli(empty_app, *args)
    assert result.exit_code == 0, result.output
    for email in admins:  # each one reported, whichever way it went
        assert email in result.output, result.output
    if allow:
        assert "Platform administrator rights granted" in result.output
    else:
        assert "--allow-admins" in result.output
    with empty_app.app_context():
        granted = sorted(db.session.scalars(select(User.email).where(User.is_admin)))
    assert granted == (admins if allow else [])
    assert person["email"] in admins


def test_export_of_an_unknown_cluster_is_a_clear_error(app, tmp_path):
    result = cli(app, "cluster", "export", "no-such-cluster", "-o", str(tmp_path / "x.json"))
    assert result.exit_code != 0 and "No cluster" in result.output
    assert not (tmp_path / "x.json").exists()


@pytest.mark.postgres
def test_a_cluster_moves_from_sqlite_to_postgresql(golden, tmp_path):
    """From the embedded default to PostgreSQL: the same rows come out again."""
    source_url, _ = golden.clone("sqlite", tmp_path)
    source = make_app(source_url)
    enrich(source)
    first = export(source, tmp_path / "sqlite.json")
    name = f"studio_move_{uuid.uuid4().hex[:10]}"
    with services.pg_database(name) as target_url:
        build_database(target_url, demo=False)
        target = make_app(target_url)
        result = cli(target, "cluster", "import", str(tmp_path / "sqlite.json"))
        assert result.exit_code == 0, result.output
        second = export(target, tmp_path / "postgresql.json")
        with target.app_context():
            db.engine.dispose()
    with source.app_context():
        db.engine.dispose()
    assert normalised(second) == normalised(first)
