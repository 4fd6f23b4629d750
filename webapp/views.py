"""The home page: my clusters, each a card with its stages and their states."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import get_locale
from flask_login import current_user, login_required

from webapp.access import visible_clusters
from webapp.clusters.queries import definition_of, stage_states

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    clusters = visible_clusters(current_user)
    stages = stage_states([c.id for c, _role in clusters])
    lang = str(get_locale())
    cards = []
    for cluster, role in clusters:
        definition = definition_of(cluster)
        strip = [
            (definition.stage(s.key).title.get(lang), s.state, definition.stage(s.key))
            for s in stages[cluster.id]
        ]
        cards.append((cluster, role, strip))
    return render_template("home/index.html", cards=cards)


@bp.route("/healthz")
def healthz():
    """For the load balancer and docker-compose's health check."""
    from sqlalchemy import text

    from webapp.extensions import db

    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
