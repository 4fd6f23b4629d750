"""`flask --app webapp cluster export SLUG -o FILE.json` and `cluster import FILE.json`."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.exc import DBAPIError

from webapp.backup.export import ClusterNotFound, export_cluster
from webapp.backup.restore import RestoreRefused, read_file, restore_cluster
from webapp.extensions import db, sqlite_write_intent
from webapp.transaction import unit_of_work

cluster_cli = AppGroup("cluster", help="Back up one cluster to a JSON file, and restore it.")


def _write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file next to `path`, then rename: never a half-written backup."""
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@cluster_cli.command("export")
@click.argument("slug")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_command(slug: str, output: Path) -> None:
    """Write all of cluster SLUG's data (people included, with their password hashes)."""
    try:
        data = export_cluster(slug)
    except ClusterNotFound:
        raise click.ClickException(f"No cluster with the short name {slug!r}.") from None
    finally:
        db.session.rollback()
    _write_atomically(output, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    counts = ", ".join(f"{len(rows)} {name}" for name, rows in data["tables"].items() if rows)
    click.echo(f"{output}: cluster {slug} ({counts})")


@cluster_cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--allow-admins",
    is_flag=True,
    help="Give the people the file makes platform admins those rights (without it they "
    "are created as ordinary people).",
)
def import_command(path: Path, allow_admins: bool) -> None:
    """Restore a cluster from FILE; refused, with nothing written, if it exists here."""
    # SQLite: take the write lock before checking that the slug is free.
    intent = sqlite_write_intent.set(True)
    try:
        with unit_of_work():
            restored = restore_cluster(read_file(path), allow_admins=allow_admins)
    except RestoreRefused as exc:
        raise click.ClickException(f"{exc} Nothing was imported.") from None
    except DBAPIError as exc:
        raise click.ClickException(
            f"The database refused the file's data: {exc.orig}. Nothing was imported."
        ) from None
    finally:
        sqlite_write_intent.reset(intent)
    inserted = ", ".join(f"{n} {name}" for name, n in restored.inserted.items())
    click.echo(f"Cluster {restored.cluster} imported: {inserted}.")
    if restored.reused:
        reused = ", ".join(f"{n} {name}" for name, n in restored.reused.items())
        click.echo(f"Already here and kept as they are: {reused}.")
    for email in restored.admins_granted:
        click.echo(f"Platform administrator rights granted to {email}.")
    for email in restored.admins_withheld:
        click.echo(
            f"{email} is an administrator in the file but was created without the rights "
            "(import with --allow-admins to grant them)."
        )
