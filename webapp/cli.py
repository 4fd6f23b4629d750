"""Command-line verbs: `flask --app webapp demo load|accounts`, `strategy export`."""

from __future__ import annotations

import json

import click
from flask import Flask
from flask.cli import AppGroup

from webapp.backup.cli import cluster_cli
from webapp.extensions import db
from webapp.transaction import unit_of_work

demo_cli = AppGroup("demo", help="The demo data set (the MSODI deck's five clusters).")


@demo_cli.command("load")
def demo_load() -> None:
    """Load the demo data; running it twice changes nothing."""
    from webapp.demo.load import load_demo

    with unit_of_work():
        loaded = load_demo()
    click.echo("Demo data loaded." if loaded else "Demo data already present; nothing changed.")


@demo_cli.command("accounts")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def demo_accounts_cmd(as_json: bool) -> None:
    """The demo accounts: email, role, cluster, organisation."""
    from webapp.demo.load import demo_accounts, demo_password

    accounts = demo_accounts()
    if as_json:
        click.echo(json.dumps(accounts, ensure_ascii=False, indent=2))
        return
    click.echo(f"Password of every demo account: {demo_password()}")
    for a in accounts:
        click.echo(f"  {a['role']:<10} {a['cluster'] or '-':<18} {a['email']}")


strategy_cli = AppGroup("strategy", help="The clusters' strategies.")


@strategy_cli.command("export")
@click.argument("slug")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True))
def strategy_export(slug: str, output: str) -> None:
    """Render the cluster's current strategy to a DOCX file, synchronously."""
    from sqlalchemy import select

    from webapp.documents.snapshot import build_snapshot, stamp
    from webapp.models import Cluster
    from webapp.models.base import utcnow
    from worker.renderer import render_strategy

    cluster = db.session.scalar(select(Cluster).where(Cluster.slug == slug))
    if cluster is None:
        raise click.ClickException(f"No cluster with the short name {slug!r}.")
    snapshot = stamp(build_snapshot(cluster), version=0, created_at=utcnow())
    data = render_strategy(snapshot)
    with open(output, "wb") as handle:
        handle.write(data)
    click.echo(f"{output}: {len(data)} bytes")


def register_cli(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(strategy_cli)
    app.cli.add_command(cluster_cli)
