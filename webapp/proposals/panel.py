"""The proposals part of the section page: open ones with their diff and the buttons the
person may use, closed ones readable, and whether the person may propose."""

from __future__ import annotations

from flask_login import current_user

from webapp.models import Section, Stage
from webapp.proposals.forms import AcceptForm, ProposeForm, RejectForm, WithdrawForm
from webapp.proposals.presenting import proposal_view
from webapp.proposals.queries import CLOSED_SHOWN, OPEN_SHOWN, open_count, proposals_of
from workflows.proposals import decide_refusal, propose_refusal, withdraw_refusal
from workflows.roles import Role


def proposals_panel(role: Role | None, section: Section, stage: Stage) -> dict:
    def row(proposal) -> dict:  # noqa: ANN001
        return {
            "proposal": proposal,
            "diff": proposal_view(section, proposal),
            "may_decide": decide_refusal(role, stage.state, proposal.status) is None,
            "may_withdraw": withdraw_refusal(proposal.author_id == current_user.id, proposal.status) is None,
        }

    form = ProposeForm(base_revision=section.revision)
    if section.kind == "text":
        form.text.data = section.content or ""
    return {
        "open": [row(p) for p in proposals_of(section, open_only=True, limit=OPEN_SHOWN)],
        "open_total": open_count(section),
        "closed": [row(p) for p in proposals_of(section, open_only=False, limit=CLOSED_SHOWN)],
        "may_propose": propose_refusal(role) is None,
        "propose_form": form,
        "accept_form": AcceptForm(),
        "reject_form": RejectForm(),
        "withdraw_form": WithdrawForm(),
    }
