"""Notification texts, made in the reader's language when shown or e-mailed.

A notification stores its kind and plain parameters (names, keys, numbers), never the
text of a comment, so nothing internal can travel in it and the language is the reader's.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_pgettext

from webapp.models import Cluster
from workflows.definition import WorkflowDefinition
from workflows.grammar import FEMININE, MASCULINE, UNKNOWN, person_agreement

# Polish past-tense verbs agree with the person who acted ("przekazała", "przekazał"): each
# text comes in the form the actor stated on their account ("actor_form" in the params),
# and a wording that needs no agreement when they have not stated one. Never guessed.
_UNSTATED = UNKNOWN


def _by_actor(form: str | None, texts: dict[str, object], **variables: object) -> str:
    return str(texts[person_agreement(form)]) % variables


_TEXTS = {
    "review_requested": {
        FEMININE: lazy_pgettext(
            "said of a woman", "%(actor)s submitted the stage “%(stage)s” of %(cluster)s for review."
        ),
        MASCULINE: lazy_pgettext(
            "said of a man", "%(actor)s submitted the stage “%(stage)s” of %(cluster)s for review."
        ),
        _UNSTATED: lazy_pgettext(
            "said of a person whose form is not stated",
            "%(actor)s submitted the stage “%(stage)s” of %(cluster)s for review.",
        ),
    },
    "return": {
        FEMININE: lazy_pgettext(
            "said of a woman", "%(actor)s returned the stage “%(stage)s” of %(cluster)s for more work."
        ),
        MASCULINE: lazy_pgettext(
            "said of a man", "%(actor)s returned the stage “%(stage)s” of %(cluster)s for more work."
        ),
        _UNSTATED: lazy_pgettext(
            "said of a person whose form is not stated",
            "%(actor)s returned the stage “%(stage)s” of %(cluster)s for more work.",
        ),
    },
    "approve": {
        FEMININE: lazy_pgettext(
            "said of a woman", "%(actor)s approved the stage “%(stage)s” of %(cluster)s."
        ),
        MASCULINE: lazy_pgettext("said of a man", "%(actor)s approved the stage “%(stage)s” of %(cluster)s."),
        _UNSTATED: lazy_pgettext(
            "said of a person whose form is not stated",
            "%(actor)s approved the stage “%(stage)s” of %(cluster)s.",
        ),
    },
    "reopen": {
        FEMININE: lazy_pgettext(
            "said of a woman", "%(actor)s reopened the stage “%(stage)s” of %(cluster)s."
        ),
        MASCULINE: lazy_pgettext("said of a man", "%(actor)s reopened the stage “%(stage)s” of %(cluster)s."),
        _UNSTATED: lazy_pgettext(
            "said of a person whose form is not stated",
            "%(actor)s reopened the stage “%(stage)s” of %(cluster)s.",
        ),
    },
    "reply": {
        FEMININE: lazy_pgettext(
            "said of a woman", "%(actor)s replied to your comment on “%(section)s” in %(cluster)s."
        ),
        MASCULINE: lazy_pgettext(
            "said of a man", "%(actor)s replied to your comment on “%(section)s” in %(cluster)s."
        ),
        _UNSTATED: lazy_pgettext(
            "said of a person whose form is not stated",
            "%(actor)s replied to your comment on “%(section)s” in %(cluster)s.",
        ),
    },
    "mention": {
        FEMININE: lazy_pgettext(
            "said of a woman", "%(actor)s mentioned you in a comment on “%(section)s” in %(cluster)s."
        ),
        MASCULINE: lazy_pgettext(
            "said of a man", "%(actor)s mentioned you in a comment on “%(section)s” in %(cluster)s."
        ),
        _UNSTATED: lazy_pgettext(
            "said of a person whose form is not stated",
            "%(actor)s mentioned you in a comment on “%(section)s” in %(cluster)s.",
        ),
    },
    "objection": {
        FEMININE: lazy_pgettext(
            "said of a woman", "%(actor)s objected to “%(section)s”, which you helped write, in %(cluster)s."
        ),
        MASCULINE: lazy_pgettext(
            "said of a man", "%(actor)s objected to “%(section)s”, which you helped write, in %(cluster)s."
        ),
        _UNSTATED: lazy_pgettext(
            "said of a person whose form is not stated",
            "%(actor)s objected to “%(section)s”, which you helped write, in %(cluster)s.",
        ),
    },
}


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
    # "Someone" is grammatically masculine in Polish ("Ktoś przekazał").
    form = p.get("actor_form") if p.get("actor") else MASCULINE
    cluster_name = cluster.name if cluster is not None else ""
    stage = _stage_title(definition, str(p.get("stage", "")), lang)
    section = _section_title(definition, str(p.get("section", "")), lang)
    if kind == "review_requested":
        return _by_actor(form, _TEXTS["review_requested"], actor=actor, stage=stage, cluster=cluster_name)
    if kind == "stage_changed":
        action = p.get("action")
        if action == "return":
            text = _by_actor(form, _TEXTS["return"], actor=actor, stage=stage, cluster=cluster_name)
        elif action == "approve":
            text = _by_actor(form, _TEXTS["approve"], actor=actor, stage=stage, cluster=cluster_name)
        else:
            text = _by_actor(form, _TEXTS["reopen"], actor=actor, stage=stage, cluster=cluster_name)
        reason = str(p.get("reason") or "").strip()
        return f"{text} {_('Reason: %(reason)s', reason=reason)}" if reason else text
    if kind == "reply":
        return _by_actor(form, _TEXTS["reply"], actor=actor, section=section, cluster=cluster_name)
    if kind == "mention":
        return _by_actor(form, _TEXTS["mention"], actor=actor, section=section, cluster=cluster_name)
    if kind == "objection":
        return _by_actor(form, _TEXTS["objection"], actor=actor, section=section, cluster=cluster_name)
    if kind == "document_ready":
        return _(
            "Version %(version)s of the strategy of %(cluster)s is ready to download.",
            version=p.get("version", "?"), cluster=cluster_name,
        )  # fmt: skip
    if kind == "proposal":
        return _(
            "%(actor)s proposed a change to “%(section)s” in %(cluster)s.",
            actor=actor, section=section, cluster=cluster_name,
        )  # fmt: skip
    if kind == "proposal_decided":
        decision = p.get("decision")
        if decision == "accept":
            return _(
                "%(actor)s accepted your proposal for “%(section)s” in %(cluster)s.",
                actor=actor, section=section, cluster=cluster_name,
            )  # fmt: skip
        if decision == "reject":
            return _(
                "%(actor)s rejected your proposal for “%(section)s” in %(cluster)s.",
                actor=actor, section=section, cluster=cluster_name,
            )  # fmt: skip
        return _(
            "Your proposal for “%(section)s” in %(cluster)s is outdated: the section was rewritten since.",
            section=section, cluster=cluster_name,
        )  # fmt: skip
    if kind == "poll_opened":
        return _(
            "A poll is open in %(cluster)s: „%(question)s”.",
            cluster=cluster_name, question=p.get("question", ""),
        )  # fmt: skip
    if kind == "poll_closing":
        return _(
            "The poll „%(question)s” in %(cluster)s closes soon and your vote is not in yet.",
            question=p.get("question", ""), cluster=cluster_name,
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
        "proposal": _("A change is proposed to a section I may edit"),
        "proposal_decided": _("My proposal is accepted, rejected or outdated"),
        "poll_opened": _("A poll I may vote in opens"),
        "poll_closing": _("A poll I have not voted in closes soon"),
    }
    return labels.get(kind, kind)


def mode_label(mode: str) -> str:
    labels = {
        "immediate": _("at once, by e-mail too"),
        "digest": _("in a daily e-mail digest"),
        "off": _("off"),
    }
    return labels.get(mode, mode)
