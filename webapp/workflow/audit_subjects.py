"""What the audit page says an event was about: titles and names, never the keys stored.

The trail stores a subject as the operation gave it (a stage key, ``section#comment``, a
slug, ``v3``, a member's e-mail address) so it stays exact whatever the language; people
read it through this.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _

from webapp.models import AuditEvent, Cluster
from workflows.definition import WorkflowDefinition

#: Verbs whose subject is a stage key.
_STAGE_VERBS = ("stage.", "signoff.void")


def audit_subject(
    event: AuditEvent,
    cluster: Cluster,
    definition: WorkflowDefinition,
    lang: str,
    names: Mapping[str, str] | None = None,
) -> str:
    """`names`: people's names by e-mail address, for the membership events' subjects."""
    subject = event.subject or ""
    if event.verb.startswith("member.") and names and subject in names:
        return f"{names[subject]} ({subject})"
    if event.verb.startswith(_STAGE_VERBS):
        try:
            return definition.stage(subject).title.get(lang)
        except KeyError:
            return subject
    if event.verb == "cluster.create":
        return cluster.name
    key, hash_, number = subject.partition("#")
    if hash_ and number.isdigit():
        try:
            title = definition.section(key)[1].title.get(lang)
        except KeyError:
            return subject
        return _("%(section)s, item %(number)s", section=title, number=number)
    if event.verb.startswith(("document.", "publication.")) and subject[1:].isdigit():
        return _("version %(number)s", number=subject[1:])
    return subject
