"""The Celery application, bound to the Flask app so tasks run inside its context.

Start a worker with `celery -A worker.celery_app worker`.
"""

from __future__ import annotations

from celery import Celery, Task
from flask import Flask

from webapp import create_app
from webapp.transaction import unit_of_work
from worker import sqlite_broker

SQLA_PREFIX = "sqla+"


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        """Each task runs in the app's context as one unit of work (webapp.transaction);
        a task that shows progress ends its own units along the way."""

        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context(), unit_of_work():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.config_from_object(_settings(app))
    celery.set_default()
    app.extensions["celery"] = celery
    return celery


def _settings(app: Flask) -> dict:
    settings = dict(app.config["CELERY"])
    redis_url = app.config["REDIS_URL"]
    settings.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        imports=("worker.tasks",),
        beat_schedule={
            "sweep-documents": {
                "task": "studio.sweep_documents",
                "schedule": app.config["SWEEP_INTERVAL"],
            },
            # Voters who have not voted hear that a poll closes soon (webapp.polls).
            "remind-polls": {"task": "studio.remind_polls", "schedule": 300.0},
        },
    )
    broker_url = settings.get("broker_url", "")
    if broker_url.startswith(SQLA_PREFIX):
        # The embedded SQLite broker is polled; kombu's default second between looks was
        # most of a small document's wait. A look is one indexed SELECT on a tiny table.
        sqlite_broker.Transport.polling_interval = app.config["BROKER_POLLING_INTERVAL"]
        settings["broker_url"] = broker_url.removeprefix(SQLA_PREFIX)
        settings["broker_transport"] = "worker.sqlite_broker:Transport"
    if redis_url:
        # A task whose worker was killed comes back after the visibility timeout, not an
        # hour. kombu looks for such tasks every unacked_restore_interval seconds but, by
        # default, scans Redis only on every 10th look (about every 100 s); scan on each.
        timeout = app.config["BROKER_VISIBILITY_TIMEOUT"]
        settings["broker_transport_options"] = {
            "visibility_timeout": timeout,
            "unacked_restore_interval": max(1, min(10, round(timeout / 3))),
            "unacked_restore_throttle": 1,
        }
    return settings


flask_app = create_app()
celery_app = celery_init_app(flask_app)
app = celery_app
