"""Translated names of the product's enumerations, for pages and messages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from workflows import grammar

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
#: States whose Polish agrees with the title they describe ("Diagnoza zatwierdzona",
#: "Działania zatwierdzone"), by agreement class (`workflows.grammar`); a title of unknown
#: gender gets a wording naming the stage ("etap zatwierdzony"). The other states read the
#: same whatever the title ("w opracowaniu").
AGREEING_STATE_LABELS = {
    "locked": {
        grammar.MASCULINE: lazy_pgettext("agrees with a masculine noun", "locked"),
        grammar.FEMININE: lazy_pgettext("agrees with a feminine noun", "locked"),
        grammar.NEUTER: lazy_pgettext("agrees with a neuter noun", "locked"),
        grammar.PLURAL: lazy_pgettext("agrees with a plural noun", "locked"),
        grammar.VIRILE_PLURAL: lazy_pgettext("agrees with a plural noun of persons", "locked"),
        grammar.UNKNOWN: lazy_pgettext("a stage whose title's gender is unknown", "locked"),
    },
    "approved": {
        grammar.MASCULINE: lazy_pgettext("agrees with a masculine noun", "approved"),
        grammar.FEMININE: lazy_pgettext("agrees with a feminine noun", "approved"),
        grammar.NEUTER: lazy_pgettext("agrees with a neuter noun", "approved"),
        grammar.PLURAL: lazy_pgettext("agrees with a plural noun", "approved"),
        grammar.VIRILE_PLURAL: lazy_pgettext("agrees with a plural noun of persons", "approved"),
        grammar.UNKNOWN: lazy_pgettext("a stage whose title's gender is unknown", "approved"),
    },
}
REQUIRED_LABELS = {
    grammar.MASCULINE: lazy_pgettext("agrees with a masculine noun", "required"),
    grammar.FEMININE: lazy_pgettext("agrees with a feminine noun", "required"),
    grammar.NEUTER: lazy_pgettext("agrees with a neuter noun", "required"),
    grammar.PLURAL: lazy_pgettext("agrees with a plural noun", "required"),
    grammar.VIRILE_PLURAL: lazy_pgettext("agrees with a plural noun of persons", "required"),
    grammar.UNKNOWN: _l("required"),  # "wymagana": a section
}


def stage_state_label(state: str, titled: object = None) -> str:
    """A stage's state said of a title (a StageDef or SectionDef of that stage), agreeing
    with the title's gender and number; of the stage itself when no title is given."""
    forms = AGREEING_STATE_LABELS.get(state)
    if forms is None:
        return str(STAGE_STATE_LABELS.get(state, ""))
    return str(forms[getattr(titled, "agreement", grammar.UNKNOWN)])


def required_label(section: object) -> str:
    """'required' said of a section's title, agreeing with it."""
    return str(REQUIRED_LABELS[getattr(section, "agreement", grammar.UNKNOWN)])


#: A resolved thread: Polish agrees with what it is (a remark and a suggestion are feminine,
#: an objection masculine: "sprzeciw rozstrzygnięty").
RESOLVED_LABELS = {"objection": lazy_pgettext("an objection", "resolved")}


def resolved_label(kind: str) -> str:
    return str(RESOLVED_LABELS.get(kind, _l("resolved")))


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
    "confirm": _l("Confirm it still fits"),
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
    "stage.confirm": _l("stage confirmed after review"),
    "signoff.withdraw": _l("signature withdrawn"),
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
    "poll.create": _l("poll opened"),
    "poll.vote": _l("vote counted"),
    "poll.close": _l("poll closed"),
    "poll.apply": _l("poll results applied to the order"),
    "poll.remind": _l("voters reminded that the poll closes soon"),
    "proposal.create": _l("change proposed"),
    "proposal.accept": _l("proposal accepted"),
    "proposal.reject": _l("proposal rejected"),
    "proposal.withdraw": _l("proposal withdrawn"),
    "proposal.outdate": _l("proposal outdated"),
    "upload.create": _l("Word file brought in"),
    "upload.import": _l("Word file imported as proposals"),
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
        ORGANISATION_KIND_SINGULAR=ORGANISATION_KIND_SINGULAR,
        ROLE_LABELS=ROLE_LABELS,
        SECTOR_LABELS=SECTOR_LABELS,
        STAGE_STATE_LABELS=STAGE_STATE_LABELS,
        ACTION_LABELS=ACTION_LABELS,
        AUDIT_LABELS=AUDIT_LABELS,
        STATUS_LABELS=STATUS_LABELS,
        stage_state_label=stage_state_label,
        required_label=required_label,
        resolved_label=resolved_label,
    )
