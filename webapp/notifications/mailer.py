"""E-mail: every message is first a row in the outbox, written in the same transaction as
what it tells about; with MAIL_SERVER set, Flask-Mail delivers the rows after the commit.

Why an outbox first: a rolled-back change never sends mail, an SMTP outage never fails a
request, and without SMTP (the embedded default) the admin still sees what would be sent.
"""

from __future__ import annotations

import logging
import os
import unicodedata

from flask import Flask, Response, current_app, g, has_request_context
from sqlalchemy import select, update

from webapp.extensions import db
from webapp.models import OutboxEmail
from webapp.models.base import utcnow
from webapp.transaction import unit_of_work

log = logging.getLogger(__name__)

MAX_SUBJECT = 300


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def _one_line(text: str) -> str:
    """A header value from user text (a subject names people, clusters, sections).

    Header injection: it never spans lines (every kind of line break is whitespace to
    `split`) and holds no other control character; non-ASCII letters are encoded by
    Flask-Mail (RFC 2047) when the message is made.
    """
    words = "".join(ch for ch in text if ch.isspace() or unicodedata.category(ch) != "Cc")
    return " ".join(words.split())[:MAX_SUBJECT]


def queue_email(to: str, subject: str, body: str) -> OutboxEmail:
    """Put an e-mail in the outbox (flushed, not committed)."""
    row = OutboxEmail(to=to, subject=_one_line(subject), body=body)
    db.session.add(row)
    if has_request_context():
        g.outbox_pending = True
    return row


def deliver_pending(limit: int = 200) -> int:
    """Send what waits in the outbox, when SMTP is configured; returns how many went.

    Each row is claimed by a conditional UPDATE (committed) before sending, so two
    processes never send the same e-mail; a failure is written on the row and not retried
    until someone clears it.
    """
    if not mail_configured():
        return 0
    mail = current_app.extensions.get("mail")
    if mail is None:
        # Flask-Mail is set up by init_app only when MAIL_SERVER was set before it ran.
        log.error("MAIL_SERVER was set after the app started; e-mails stay in the outbox")
        return 0
    from flask_mail import Message

    ids = db.session.scalars(
        select(OutboxEmail.id)
        .where(OutboxEmail.sent_at.is_(None), OutboxEmail.error == "")
        .order_by(OutboxEmail.id)
        .limit(limit)
    ).all()
    sent = 0
    for row_id in ids:
        with unit_of_work():
            claimed = db.session.execute(
                update(OutboxEmail)
                .where(OutboxEmail.id == row_id, OutboxEmail.sent_at.is_(None), OutboxEmail.error == "")
                .values(sent_at=utcnow())
            ).rowcount
        if not claimed:
            continue
        with unit_of_work():
            row = db.session.get(OutboxEmail, row_id)
            try:
                mail.send(Message(subject=row.subject, recipients=[row.to], body=row.body))
            except Exception as exc:  # noqa: BLE001 - any SMTP failure is kept on the row
                log.warning("e-mail %s to %s failed: %s", row.id, row.to, exc)
                row.sent_at = None
                row.error = str(exc)[:1000] or type(exc).__name__
            else:
                sent += 1
    return sent


def _deliver_after_request(response: Response) -> Response:
    """After a request that queued e-mail (and committed), send it."""
    if g.pop("outbox_pending", False) and mail_configured():
        try:
            db.session.rollback()  # whatever the view left uncommitted was not meant to stay
            deliver_pending()
        except Exception:  # noqa: BLE001 - the answer is already made; the rows wait
            log.exception("delivering the outbox failed")
            db.session.rollback()
    return response


def init_app(app: Flask) -> None:
    # Mail settings come from the environment like every other setting (webapp.config),
    # unless the app was given them explicitly (tests).
    for name, default in (
        ("MAIL_SERVER", ""),
        ("MAIL_PORT", "25"),
        ("MAIL_USERNAME", ""),
        ("MAIL_PASSWORD", ""),
        ("MAIL_DEFAULT_SENDER", "studio@localhost"),
    ):
        app.config.setdefault(name, os.environ.get(name, default))
    for flag in ("MAIL_USE_TLS", "MAIL_USE_SSL"):
        app.config.setdefault(flag, os.environ.get(flag, "") == "1")
    app.config["MAIL_PORT"] = int(app.config["MAIL_PORT"])
    if app.config["MAIL_SERVER"]:
        from flask_mail import Mail  # only a configured server needs it loaded

        Mail(app)
    app.after_request(_deliver_after_request)
