"""Command-line verbs: `flask --app webapp demo load|accounts`, `strategy export`."""

from __future__ import annotations

import json

import click
from flask import Flask
from flask.cli import AppGroup

from webapp.extensions import db

demo_cli = AppGroup("demo", help="The demo data set (the MSODI deck's five clusters).")


@demo_cli.command("load")
def demo_load() -> None:
    """Load the demo data; running it twice changes nothing."""
    from webapp.demo.load import load_demo

    loaded = load_demo()
    db.session.commit()
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


def register_cli(app: Flask) -> None:
    app.cli.add_command(demo_cli)
