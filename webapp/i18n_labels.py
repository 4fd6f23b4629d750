"""Translated names of the product's enumerations, for pages and messages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

ORGANISATION_KIND_LABELS = {
    "enterprise": _l("Enterprises"),
    "business_support": _l("Business-support institutions"),
    "science": _l("Science"),
    "other": _l("Other"),
}
ORGANISATION_KIND_SINGULAR = {
    "enterprise": _l("enterprise"),
    "business_support": _l("business-support institution"),
    "science": _l("science"),
    # Polish agrees the word with what it describes: an organisation (feminine) here,
    # a sector (masculine) below; the contexts keep the two translations apart.
    "other": lazy_pgettext("organisation kind", "other"),
}
ROLE_LABELS = {
    "admin": _l("administrator"),
    "moderator": _l("moderator"),
    "member": _l("member"),
    "observer": _l("observer"),
}
SECTOR_LABELS = {
    "agri-food": _l("agri-food"),
    "medical": _l("medical"),
    "creative": _l("creative"),
    "chemical": _l("chemical"),
    "other": lazy_pgettext("sector", "other"),
}
STAGE_STATE_LABELS = {
    "locked": _l("locked"),
    "drafting": _l("drafting"),
    "in_review": _l("in review"),
    "approved": _l("approved"),
}

STATUS_LABELS = {
    "queued": _l("queued"),
    "rendering": _l("being made"),
    "done": _l("ready"),
    "failed": _l("failed"),
}
ACTION_LABELS = {
    "open": _l("Open the stage"),
    "submit": _l("Submit for review"),
    "approve": _l("Approve"),
    "return": _l("Return for more work"),
    "reopen": _l("Reopen"),
}
AUDIT_LABELS = {
    "cluster.create": _l("cluster created"),
    "member.add": _l("person added"),
    "member.role": _l("role changed"),
    "member.remove": _l("person removed"),
    "stage.open": _l("stage opened"),
    "stage.submit": _l("stage submitted"),
    "stage.approve": _l("stage approved"),
    "stage.return": _l("stage returned"),
    "stage.reopen": _l("stage reopened"),
    "signoff": _l("strategy signed"),
    "signoff.void": _l("sign-offs voided"),
    "document.request": _l("document asked for"),
    "comment.post": _l("comment posted"),
    "comment.edit": _l("comment edited"),
    "comment.delete": _l("comment deleted"),
    "comment.hide": _l("comment hidden"),
    "comment.resolve": _l("objection resolved"),
    "comment.reopen": _l("objection reopened"),
    "meeting.plan": _l("meeting planned"),
    "meeting.update": _l("meeting changed"),
    "meeting.delete": _l("meeting deleted"),
    "meeting.attend": _l("attendance recorded"),
    "meeting.unattend": _l("attendance removed"),
    "meeting.import": _l("attendance list imported"),
    "publication.publish": _l("strategy published"),
    "publication.withdraw": _l("strategy withdrawn from publication"),
}


def role_choices() -> list[tuple[str, str]]:
    return [(key, str(ROLE_LABELS[key])) for key in ("member", "moderator", "observer")]


def kind_choices() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label in ORGANISATION_KIND_SINGULAR.items()]


def sector_choices() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label in SECTOR_LABELS.items()]


def register(app) -> None:  # noqa: ANN001
    app.jinja_env.globals.update(
        ORGANISATION_KIND_LABELS=ORGANISATION_KIND_LABELS,
        ROLE_LABELS=ROLE_LABELS,
        SECTOR_LABELS=SECTOR_LABELS,
        STAGE_STATE_LABELS=STAGE_STATE_LABELS,
        ACTION_LABELS=ACTION_LABELS,
        AUDIT_LABELS=AUDIT_LABELS,
        STATUS_LABELS=STATUS_LABELS,
    )
