"""Put an exported cluster into this installation: check everything, then insert it all.

Nothing is committed here; the caller commits once, or rolls back on RestoreRefused (or
a database error), so a refused file leaves no row behind.

Rows get new ids; every foreign key, and the ids an audit event mentions, are remapped.
People are matched by e-mail and organisations by name (then NIP), and a workflow
definition record by key and version: rows already here are used as they are (a person
keeps their password and organisation), the others are created from the file.

A file is data from outside, checked as a form would be: e-mail addresses get the normal
form sign-in looks them up by (else no one could sign in with them), the cluster's short
name the rule of creating a cluster (else its pages could not be reached), numbers the
range of their column. People the file makes platform admins get the rights only when the
operator says so (`allow_admins`): a backup file must not be a way to become an admin.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.types import DateTime

from webapp import security_log
from webapp.auth.operations import lookalike_account
from webapp.backup import (
    AUDIT_COMMENT_SUBJECT_PREFIX,
    AUDIT_DETAIL_REFERENCES,
    FORMAT,
    FORMAT_VERSION,
    TABLES,
)
from webapp.backup.export import schema_revision, table
from webapp.clusters.operations import SLUG_RE
from webapp.extensions import db
from workflows import emails

_COMMENT_SUBJECT = re.compile(r"^(?P<key>.*)#(?P<id>\d+)$")


class RestoreRefused(Exception):
    """The file cannot be restored here (malformed, or the cluster exists); nothing written."""


@dataclass
class Restored:
    cluster: str
    inserted: dict[str, int] = field(default_factory=dict)
    #: Rows the file names that this installation already had (people, organisations,
    #: the definition record), used instead of new copies.
    reused: dict[str, int] = field(default_factory=dict)
    #: E-mails of the people created here whom the file makes platform admins: granted
    #: the rights (allow_admins), or created without them.
    admins_granted: list[str] = field(default_factory=list)
    admins_withheld: list[str] = field(default_factory=list)


def read_file(path: str | Path) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise RestoreRefused(f"{path} is not a readable JSON file: {exc}") from None
    return data


# --- checking the file -----------------------------------------------------------------


def _kind(column: Column) -> type:
    sql_type = column.type
    sql_type = getattr(sql_type, "impl", sql_type)  # TypeDecorator (UTCDateTime)
    for kind in (JSON, LargeBinary, DateTime, Boolean, Integer, String):
        if isinstance(sql_type, kind):
            return kind
    raise TypeError(f"no backup rule for {column.table.name}.{column.name} ({sql_type!r})")


def _integer_bits(column: Column) -> int:
    """How wide the column's integers are on PostgreSQL (SQLite would take more, so the
    same file restores into either)."""
    if isinstance(column.type, BigInteger):
        return 64
    return 16 if isinstance(column.type, SmallInteger) else 32


def _check_text(value: object) -> None:
    """Text both databases store alike: PostgreSQL refuses NUL, neither driver can encode
    a lone surrogate (which JSON's \\ud800 escapes can produce). JSON values are walked
    without recursion, however deep the file nests them."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if any(c == "\x00" or "\ud800" <= c <= "\udfff" for c in item):
                raise ValueError("holds a NUL or an unpaired surrogate character")
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())


def _decode(column: Column, value: object) -> object:
    """The database value of a file value; ValueError says what is wrong with it."""
    if value is None:
        if not column.nullable:
            raise ValueError("must not be null")
        return None
    kind = _kind(column)
    if kind is JSON:
        _check_text(value)
        return value
    if kind is LargeBinary:
        if not isinstance(value, str):
            raise ValueError("must be base64 text")
        try:
            return base64.b64decode(value, validate=True)
        except binascii.Error as exc:
            raise ValueError(f"is not base64: {exc}") from None
    if kind is DateTime:
        if not isinstance(value, str):
            raise ValueError("must be an ISO 8601 date and time")
        moment = datetime.fromisoformat(value)  # ValueError when it is not one
        if moment.tzinfo is None:
            raise ValueError("must carry its time zone")
        return moment
    if kind is Boolean:
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if kind is Integer:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("must be a whole number")
        bound = 2 ** (_integer_bits(column) - 1)
        if not -bound <= value < bound:
            raise ValueError(f"is out of range ({-bound} to {bound - 1})")
        return value
    if not isinstance(value, str):
        raise ValueError("must be text")
    _check_text(value)
    length = getattr(column.type, "length", None)
    if length is not None and len(value) > length:
        raise ValueError(f"is longer than {length} characters")
    return value


def checked_rows(data: object) -> dict[str, list[dict]]:
    """The file's rows with database values, after checking its whole shape."""
    if not isinstance(data, dict):
        raise RestoreRefused("The file is not a cluster export (a JSON object is expected).")
    if data.get("format") != FORMAT:
        raise RestoreRefused(f"The file is not a cluster export (format is not {FORMAT!r}).")
    if data.get("format_version") != FORMAT_VERSION:
        raise RestoreRefused(
            f"The file has format version {data.get('format_version')!r}; "
            f"this installation reads version {FORMAT_VERSION}."
        )
    here = schema_revision()
    if data.get("schema") != here:
        raise RestoreRefused(
            f"The file was exported from database schema {data.get('schema')!r}; this "
            f"installation is at {here!r}. Restore it into an installation of the same version."
        )
    tables = data.get("tables")
    if not isinstance(tables, dict) or set(tables) != set(TABLES):
        raise RestoreRefused(f"The file must hold exactly these tables: {', '.join(TABLES)}.")
    decoded: dict[str, list[dict]] = {}
    for name in TABLES:
        t = table(name)
        columns = {c.name: c for c in t.columns}
        rows = tables[name]
        if not isinstance(rows, list):
            raise RestoreRefused(f"Table {name} must be a list of rows.")
        seen: set[int] = set()
        decoded[name] = []
        for index, row in enumerate(rows):
            where = f"{name}[{index}]"
            if not isinstance(row, dict) or set(row) != set(columns):
                raise RestoreRefused(f"{where} must have exactly the columns {', '.join(columns)}.")
            values = {}
            for column_name, column in columns.items():
                try:
                    values[column_name] = _decode(column, row[column_name])
                except ValueError as exc:
                    raise RestoreRefused(f"{where}.{column_name} {exc}.") from None
            if values["id"] is None or values["id"] in seen:
                raise RestoreRefused(f"{where}.id is missing or repeated.")
            seen.add(values["id"])
            decoded[name].append(values)
        decoded[name].sort(key=lambda r: r["id"])
    _check_references(decoded)
    slug = data.get("cluster")
    clusters = decoded["clusters"]
    if len(clusters) != 1 or clusters[0]["slug"] != slug:
        raise RestoreRefused("The file must hold exactly one cluster, the one it names.")
    if not SLUG_RE.fullmatch(slug):
        raise RestoreRefused(
            f"The cluster's short name {slug!r} may hold only lower-case letters, digits "
            "and hyphens (it is part of the cluster's addresses)."
        )
    _normalise_emails(decoded["users"])
    return decoded


def _normalise_emails(users: list[dict]) -> None:
    """Every person's address in the form sign-in looks it up by, once in the file."""
    seen: dict[str, int] = {}
    for row in users:
        try:
            email = emails.normalise(row["email"])
        except emails.AddressRefused as refused:
            raise RestoreRefused(
                f"users row {row['id']}: {row['email']!r} is not a valid e-mail address ({refused.reason})."
            ) from None
        if email in seen:
            raise RestoreRefused(
                f"users rows {seen[email]} and {row['id']} have the same e-mail address {email!r}."
            )
        seen[email] = row["id"]
        row["email"] = email


def _references(name: str) -> list[tuple[str, str]]:
    """(column, referenced table) of a table's foreign keys."""
    return [
        (column.name, fk.column.table.name) for column in table(name).columns for fk in column.foreign_keys
    ]


def _check_references(rows: dict[str, list[dict]]) -> None:
    ids = {name: {r["id"] for r in rows[name]} for name in TABLES}
    for name in TABLES:
        for column, target in _references(name):
            if target not in ids:
                raise RestoreRefused(f"{name}.{column} refers to {target}, which a backup lacks.")
            for row in rows[name]:
                value = row[column]
                if value is not None and value not in ids[target]:
                    raise RestoreRefused(
                        f"{name} row {row['id']}: {column} names {target} row {value}, "
                        "which is not in the file."
                    )


# --- writing ---------------------------------------------------------------------------


def _insert(t: Table, values: dict) -> int:
    values = {k: v for k, v in values.items() if k != "id"}
    return db.session.execute(insert(t).values(**values).returning(t.c.id)).scalar_one()


def _remapped(name: str, row: dict, ids: dict[str, dict[int, int]], skip: str = "") -> dict:
    values = dict(row)
    for column, target in _references(name):
        if column != skip and values[column] is not None:
            values[column] = ids[target][values[column]]
    return values


def _match_or_insert(
    name: str,
    rows: list[dict],
    ids: dict[str, dict[int, int]],
    restored: Restored,
    existing: Callable[[dict], int | None],
    new: Callable[[dict], dict] = dict,
) -> None:
    """Use the row already here (`existing`), else insert the file's (as `new` makes it)."""
    t = table(name)
    ids[name] = {}
    for row in rows:
        found = existing(row)
        if found is None:
            ids[name][row["id"]] = _insert(t, _remapped(name, new(row), ids))
            restored.inserted[name] = restored.inserted.get(name, 0) + 1
        else:
            ids[name][row["id"]] = found
            restored.reused[name] = restored.reused.get(name, 0) + 1


def _existing_definition(row: dict) -> int | None:
    t = table("workflow_definitions")
    found = db.session.execute(
        select(t.c.id, t.c.body).where(t.c.key == row["key"], t.c.version == row["version"])
    ).first()
    if found is None:
        return None
    if found.body != row["body"]:
        raise RestoreRefused(
            f"Workflow definition {row['key']} version {row['version']} exists here with "
            "different content; the file cannot be restored into this installation."
        )
    return found.id


def _existing_organisation(row: dict) -> int | None:
    t = table("organisations")
    found = db.session.scalar(select(t.c.id).where(t.c.name == row["name"]))
    if found is None and row["nip"]:
        found = db.session.scalar(select(t.c.id).where(t.c.nip == row["nip"]))
    return found


def _existing_user(row: dict) -> int | None:
    t = table("users")
    return db.session.scalar(select(t.c.id).where(func.lower(t.c.email) == row["email"]))


def _new_person(row: dict, restored: Restored, allow_admins: bool) -> dict:
    """A person of the file not here yet: their address checked against the accounts
    here as the people form checks it, admin rights only when the operator allows them."""
    if lookalike_account(row["email"]):
        raise RestoreRefused(
            f"users row {row['id']}: {row['email']!r} could be mistaken for the address of an account here."
        )
    if not row["is_admin"]:
        return row
    if not allow_admins:
        restored.admins_withheld.append(row["email"])
        return {**row, "is_admin": False}
    restored.admins_granted.append(row["email"])
    security_log.event("person.admin", email=row["email"], is_admin=True, via="cluster import")
    return row


def _audit_references(row: dict, ids: dict[str, dict[int, int]]) -> dict:
    """An audit event with the ids it mentions in its details and subject remapped."""
    row = dict(row)
    details = row["details"]
    if isinstance(details, dict):
        details = dict(details)
        for key, target in AUDIT_DETAIL_REFERENCES.items():
            value = details.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                # A row gone before the export (a deleted meeting) is named by nothing.
                details[key] = ids[target].get(value)
        row["details"] = details
    if row["verb"].startswith(AUDIT_COMMENT_SUBJECT_PREFIX):
        match = _COMMENT_SUBJECT.match(row["subject"])
        if match and int(match["id"]) in ids["comments"]:
            row["subject"] = f"{match['key']}#{ids['comments'][int(match['id'])]}"
    return row


def restore_cluster(data: object, *, allow_admins: bool = False) -> Restored:
    """Insert the file's cluster (see the module's docstring); the caller commits.

    `allow_admins`: people created from the file keep the platform admin rights it gives
    them; without it they are created without (both reported in the result).
    """
    rows = checked_rows(data)
    slug = rows["clusters"][0]["slug"]
    clusters = table("clusters")
    if db.session.scalar(select(clusters.c.id).where(clusters.c.slug == slug)) is not None:
        raise RestoreRefused(f"A cluster with the short name {slug!r} already exists here.")
    restored = Restored(slug)
    ids: dict[str, dict[int, int]] = {}
    _match_or_insert(
        "workflow_definitions", rows["workflow_definitions"], ids, restored, _existing_definition
    )
    _match_or_insert("organisations", rows["organisations"], ids, restored, _existing_organisation)
    _match_or_insert(
        "users",
        rows["users"],
        ids,
        restored,
        _existing_user,
        lambda row: _new_person(row, restored, allow_admins),
    )
    for name in TABLES[TABLES.index("clusters") :]:
        t = table(name)
        ids[name] = {}
        # A reference to the same table (a reply's parent) is set once all rows exist.
        self_refs = [c for c, target in _references(name) if target == name]
        later: list[tuple[int, str, int]] = []
        for row in rows[name]:
            values = row if name != "audit_events" else _audit_references(row, ids)
            values = _remapped(name, values, ids, skip=self_refs[0] if self_refs else "")
            for column in self_refs:
                if values[column] is not None:
                    later.append((row["id"], column, values[column]))
                    values[column] = None
            ids[name][row["id"]] = _insert(t, values)
        for old_id, column, old_target in later:
            db.session.execute(
                update(t).where(t.c.id == ids[name][old_id]).values({column: ids[name][old_target]})
            )
        if rows[name]:
            restored.inserted[name] = len(rows[name])
    db.session.flush()
    return restored
