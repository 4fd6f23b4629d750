"""Notifications: in the app (with an unread count), by e-mail or in a daily digest.

Other features emit events (webapp.events) and ``subscriptions`` decides who is told;
``init_app`` wires the subscriptions, the pages, the mailer, the navbar's
``unread_notifications`` and the ``flask notifications`` commands.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.notifications import cli, mailer, subscriptions, views  # noqa: F401 (subscribes)

    mailer.init_app(app)
    views.init_app(app)
    cli.init_app(app)
