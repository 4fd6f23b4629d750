"""The documents page's publish and withdraw buttons: the agency's, with CSRF."""

from __future__ import annotations

from flask_login import current_user
from flask_wtf import FlaskForm

from webapp.models import Cluster
from webapp.publication.operations import current
from workflows.publication import may_publish


class PublishForm(FlaskForm):
    pass


def documents_page_context(cluster: Cluster) -> dict:
    """The cluster's publication, and the form only for those whose click is not refused."""
    allowed = bool(current_user.is_authenticated and may_publish(current_user.is_admin))
    return {
        "publication": current(cluster),
        "may_publish": allowed,
        "publish_form": PublishForm() if allowed else None,
    }
