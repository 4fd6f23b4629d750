"""The cluster strategy studio: the Flask application factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp import timezone
from webapp.config import load_config

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app: configuration from the environment, then `overrides` (tests)."""
    from webapp.routing import Studio

    # Studio: Flask whose URL converters bound ids and path segments (webapp.routing).
    app = Studio(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder="static",
    )
    app.config.from_mapping(load_config())
    if overrides:
        app.config.update(overrides)
    timezone.apply(app.config)  # TIMEZONE checked, Babel's zone made the same
    if proxies := app.config["TRUSTED_PROXIES"]:
        # The client's address and scheme as our proxies saw them, and only theirs: an
        # X-Forwarded-For entry beyond the last `proxies` is the client's own claim.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    from webapp import errors, i18n, i18n_labels, inputs, security, tasks
    from webapp.extensions import bootstrap, configure_sqlite, csrf, db, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    bootstrap.init_app(app)
    i18n.init_app(app)
    inputs.init_app(app)  # first of the before_request checks, whatever the order here
    security.init_app(app)
    login_manager.init_app(app)
    tasks.init_app(app)
    errors.init_app(app)
    i18n_labels.register(app)

    from webapp import (
        audit_trail,  # noqa: F401  (records every event: webapp.events)
        models,  # noqa: F401  (registers the tables with the metadata)
    )

    _register_features(app)
    return app


def _register_features(app: Flask) -> None:
    from webapp.account.views import bp as account_bp
    from webapp.admin.views import bp as admin_bp
    from webapp.api import init_api
    from webapp.auth import init_auth
    from webapp.auth.views import bp as auth_bp
    from webapp.cli import register_cli
    from webapp.clusters.views import bp as clusters_bp
    from webapp.comments import init_app as init_comments
    from webapp.documents.views import bp as documents_bp
    from webapp.meetings.views import bp as meetings_bp
    from webapp.polls.views import bp as polls_bp
    from webapp.proposals.views import bp as proposals_bp
    from webapp.publication.views import bp as publication_bp
    from webapp.sections.views import bp as sections_bp
    from webapp.stats.views import bp as stats_bp
    from webapp.views import bp as home_bp
    from webapp.workflow.views import bp as workflow_bp

    init_auth(app)
    app.register_blueprint(home_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(clusters_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(polls_bp)
    app.register_blueprint(stats_bp)
    app.register_blueprint(workflow_bp)
    app.register_blueprint(sections_bp)
    app.register_blueprint(proposals_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(publication_bp)
    init_comments(app)
    init_api(app)
    register_cli(app)
