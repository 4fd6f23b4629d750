"""The JSON API under /api/v1 (docs/api.md), described by flask-smorest's OpenAPI."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api as SmorestApi

from webapp.api.blueprint import blp


class Api(SmorestApi):
    """flask-smorest without its app-wide error handler: webapp.errors answers every
    error (pages and API alike), in the API's `{"error": {...}}` shape (docs/api.md)."""

    def _register_error_handlers(self) -> None:
        pass


def init_api(app: Flask) -> None:
    # The modules register their routes on the blueprint when imported.
    from webapp.api import (  # noqa: F401
        clusters,
        comments,
        documents,
        meetings,
        notifications,
        people,
        polls,
        proposals,
        publication,
        sections,
        stats,
        tokens,
        uploads,
        workflow,
    )

    api = Api(app, spec_kwargs={"info": {"description": "Cluster strategy studio API"}})
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.register_blueprint(blp)
