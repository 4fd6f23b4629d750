"""Back up one cluster to a JSON file and restore it into another installation.

`flask --app webapp cluster export SLUG -o FILE.json` writes every row that belongs to
the cluster, and the rows they refer to (the workflow definition record, the people and
organisations), as one JSON document; `flask --app webapp cluster import FILE.json` puts
them into this installation's database in one transaction, with new ids and every
reference remapped, or writes nothing at all.

The file (format version 1)::

    {"format": "cluster-strategy-studio/cluster", "format_version": 1,
     "schema": "0002",                 # the Alembic revision of the exporting database
     "exported_at": "2026-11-27T12:00:00+00:00",
     "cluster": "makros",              # its slug
     "tables": {"workflow_definitions": [{"id": 1, "key": ..., ...}], "organisations": [...],
                "users": [...], "clusters": [...], ...}}     # TABLES, in that order

Each row holds every column of its table under the column's name: datetimes as ISO 8601
in UTC, binary data (a document's DOCX bytes) in base64, JSON columns as they are. Ids
are the exporting database's; they only say which row refers to which.
"""

from __future__ import annotations

FORMAT = "cluster-strategy-studio/cluster"
FORMAT_VERSION = 1

#: The tables in a file, in the order a restore inserts them (referenced rows first).
TABLES: tuple[str, ...] = (
    "workflow_definitions",
    "organisations",
    "users",
    "clusters",
    "memberships",
    "stages",
    "sections",
    "section_revisions",
    "comments",
    "signoffs",
    "meetings",
    "attendance",
    "documents",
    "audit_events",
)

#: Ids an audit event mentions in its details (recorded by webapp.audit_trail):
#: key -> the table whose id it is. Remapped on restore like foreign keys.
AUDIT_DETAIL_REFERENCES: dict[str, str] = {
    "meeting_id": "meetings",
    "organisation_id": "organisations",
    "parent_id": "comments",
}

#: Audit verbs whose subject is "SECTION_KEY#COMMENT_ID" (webapp.comments.operations).
AUDIT_COMMENT_SUBJECT_PREFIX = "comment."
