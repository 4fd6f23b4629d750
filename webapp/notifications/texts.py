"""Notification texts, made in the reader's language when shown or e-mailed.

A notification stores its kind and plain parameters (names, keys, numbers), never the
text of a comment, so nothing internal can travel in it and the language is the reader's.
"""

from __future__ import annotations

from flask_babel import gettext as _

from webapp.models import Cluster
from workflows.definition import WorkflowDefinition


def _stage_title(definition: WorkflowDefinition | None, key: str, lang: str) -> str:
    try:
        return definition.stage(key).title.get(lang) if definition else key
    except KeyError:
        return key


def _section_title(definition: WorkflowDefinition | None, key: str, lang: str) -> str:
    try:
        return definition.section(key)[1].title.get(lang) if definition else key
    except KeyError:
        return key


def describe(
    kind: str,
    params: dict,
    cluster: Cluster | None,
    definition: WorkflowDefinition | None,
    lang: str,
) -> str:
    """One line saying what happened, in the current locale (call under force_locale)."""
    p = params or {}
    actor = str(p.get("actor") or _("Someone"))
    cluster_name = cluster.name if cluster is not None else ""
    stage = _stage_title(definition, str(p.get("stage", "")), lang)
    section = _section_title(definition, str(p.get("section", "")), lang)
    if kind == "review_requested":
        return _(
            "%(actor)s submitted the stage “%(stage)s” of %(cluster)s for review.",
            actor=actor, stage=stage, cluster=cluster_name,
        )  # fmt: skip
    if kind == "stage_changed":
        action = p.get("action")
        if action == "return":
            text = _(
                "%(actor)s returned the stage “%(stage)s” of %(cluster)s for more work.",
                actor=actor, stage=stage, cluster=cluster_name,
            )  # fmt: skip
        elif action == "approve":
            text = _(
                "%(actor)s approved the stage “%(stage)s” of %(cluster)s.",
                actor=actor, stage=stage, cluster=cluster_name,
            )  # fmt: skip
        else:
            text = _(
                "%(actor)s reopened the stage “%(stage)s” of %(cluster)s.",
                actor=actor, stage=stage, cluster=cluster_name,
            )  # fmt: skip
        reason = str(p.get("reason") or "").strip()
        return f"{text} {_('Reason: %(reason)s', reason=reason)}" if reason else text
    if kind == "reply":
        return _(
            "%(actor)s replied to your comment on “%(section)s” in %(cluster)s.",
            actor=actor, section=section, cluster=cluster_name,
        )  # fmt: skip
    if kind == "mention":
        return _(
            "%(actor)s mentioned you in a comment on “%(section)s” in %(cluster)s.",
            actor=actor, section=section, cluster=cluster_name,
        )  # fmt: skip
    if kind == "objection":
        return _(
            "%(actor)s objected to “%(section)s”, which you helped write, in %(cluster)s.",
            actor=actor, section=section, cluster=cluster_name,
        )  # fmt: skip
    if kind == "document_ready":
        return _(
            "Version %(version)s of the strategy of %(cluster)s is ready to download.",
            version=p.get("version", "?"), cluster=cluster_name,
        )  # fmt: skip
    return _("Something happened in %(cluster)s.", cluster=cluster_name)


def kind_label(kind: str) -> str:
    """The name of a kind of notification, for the preferences form."""
    labels = {
        "review_requested": _("A stage is submitted for review (moderators)"),
        "stage_changed": _("A stage is returned, approved or reopened"),
        "reply": _("A reply to my comment"),
        "mention": _("Someone mentions me"),
        "objection": _("An objection on a section I wrote"),
        "document_ready": _("A document I asked for is ready"),
    }
    return labels.get(kind, kind)


def mode_label(mode: str) -> str:
    labels = {
        "immediate": _("at once, by e-mail too"),
        "digest": _("in a daily e-mail digest"),
        "off": _("off"),
    }
    return labels.get(mode, mode)
