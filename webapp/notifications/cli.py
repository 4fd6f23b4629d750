"""`flask --app webapp notifications digest|send`: the daily digest and the outbox."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from webapp.extensions import db
from webapp.transaction import unit_of_work

notifications_cli = AppGroup("notifications", help="Notification e-mails: digests and the outbox.")


@notifications_cli.command("digest")
def digest() -> None:
    """Queue each person's daily digest, then send the outbox (when SMTP is configured).

    Run it once a day (cron, a systemd timer, or a scheduler container)."""
    from webapp.notifications.mailer import deliver_pending, mail_configured
    from webapp.notifications.operations import send_digests

    with unit_of_work():
        queued = send_digests()
    sent = deliver_pending()
    where = "sent" if mail_configured() else "kept in the outbox (no MAIL_SERVER)"
    click.echo(f"Digests queued: {queued}; e-mails {where}: {sent if mail_configured() else queued}.")


@notifications_cli.command("send")
@click.option("--retry-failed", is_flag=True, help="Try again the e-mails that failed before.")
def send(retry_failed: bool) -> None:
    """Send what waits in the outbox (when SMTP is configured)."""
    from sqlalchemy import update

    from webapp.models import OutboxEmail
    from webapp.notifications.mailer import deliver_pending, mail_configured

    if not mail_configured():
        click.echo("MAIL_SERVER is not set: e-mails stay in the outbox for the admin to see.")
        return
    if retry_failed:
        with unit_of_work():
            db.session.execute(
                update(OutboxEmail)
                .where(OutboxEmail.sent_at.is_(None), OutboxEmail.error != "")
                .values(error="")
            )
    click.echo(f"E-mails sent: {deliver_pending()}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(notifications_cli)
