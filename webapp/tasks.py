"""Enqueue background work by task name: the web app never imports the worker."""

from __future__ import annotations

from celery import Celery
from flask import Flask, current_app


def init_app(app: Flask) -> None:
    client = Celery("studio", set_as_current=False)
    client.conf.update(app.config["CELERY"])
    app.extensions["celery_client"] = client


def client() -> Celery:
    return current_app.extensions["celery_client"]


def enqueue(name: str, *args: object) -> None:
    """Send a task; raises kombu's OperationalError when the broker is unreachable."""
    client().send_task(name, args=list(args), retry=False)
