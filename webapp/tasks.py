"""Enqueue background work by task name: the web app never imports the worker."""

from __future__ import annotations

from celery import Celery
from flask import Flask, current_app
from kombu.exceptions import OperationalError


class BrokerUnavailable(RuntimeError):
    """The broker could not take the task; the caller keeps the work for a later sweep."""


def init_app(app: Flask) -> None:
    client = Celery("studio", set_as_current=False)
    client.conf.update(app.config["CELERY"])
    app.extensions["celery_client"] = client


def client() -> Celery:
    return current_app.extensions["celery_client"]


def enqueue(name: str, *args: object) -> None:
    """Send a task now, or raise BrokerUnavailable (never hang waiting for the broker)."""
    celery = client()
    with celery.connection_for_write() as connection:
        failures = (
            OperationalError,
            OSError,
            *connection.connection_errors,
            *connection.channel_errors,
        )
        try:
            celery.send_task(name, args=list(args), retry=False, connection=connection, ignore_result=True)
        except failures as exc:
            raise BrokerUnavailable(str(exc)) from exc
