"""Background tasks, found by name from the web app."""

from __future__ import annotations

from celery import shared_task
from sqlalchemy import text

from webapp.extensions import db


@shared_task(name="studio.health", ignore_result=False)
def health() -> dict:
    """Proves a worker is reachable and can reach the database."""
    db.session.execute(text("SELECT 1"))
    db.session.rollback()
    return {"ok": True}
