"""Comments on sections and the notifications they (and stage events) send.

``init_app`` registers both features: the comments panel's routes and Jinja global, and
the notifications' pages, e-mail, navbar count and CLI.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.comments import views
    from webapp.notifications import init_app as init_notifications

    views.init_app(app)
    init_notifications(app)
