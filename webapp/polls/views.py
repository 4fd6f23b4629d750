"""Poll pages of a cluster: the list, a new poll, one poll (vote and results), the
projector page and its live count.

Every view loads the cluster through `cluster_for` (404 for outsiders), asks
`workflows.polls` who may vote or manage, calls one operation and never commits.
"""

from __future__ import annotations

import base64
from datetime import datetime

import segno
from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

import charts.polls
from webapp.access import cluster_for
from webapp.clusters.queries import definition_of, stages_with_sections
from webapp.extensions import db
from webapp.form_flow import flash_redirect, handle_form, show_problem
from webapp.i18n_labels import ORGANISATION_KIND_LABELS
from webapp.links import public_url
from webapp.models import Cluster, Meeting, Poll
from webapp.polls import POLL_KIND_LABELS, STATE_LABELS, VOTER_LABELS
from webapp.polls.forms import ConfirmForm, PollForm
from webapp.polls.messages import rule_text
from webapp.polls.operations import (
    OptionInput,
    PollInput,
    apply_priorities,
    cast_vote,
    close_poll,
    create_poll,
)
from webapp.polls.queries import (
    Results,
    open_polls,
    poll_in,
    polls_of,
    results,
    results_json,
    state_of,
    vote_of,
)
from webapp.problems import Invalid, Problem
from webapp.timezone import zone
from workflows import polls as rules
from workflows.roles import Permission

bp = Blueprint("polls", __name__, url_prefix="/c/<slug>/polls")


@bp.app_template_global()
def open_polls_of(cluster: Cluster) -> list[Poll]:
    """For the cluster page: the polls open now."""
    return open_polls(cluster)


@bp.app_template_global()
def polls_at_meeting(meeting: Meeting) -> list[Poll]:
    """For a meeting's page: the polls that name it."""
    from sqlalchemy import select

    return list(db.session.scalars(select(Poll).where(Poll.meeting_id == meeting.id).order_by(Poll.opens_at)))


def _kind_labels() -> dict[str, str]:
    return {kind: str(label) for kind, label in ORGANISATION_KIND_LABELS.items()}


def _svg_uri(svg: bytes) -> str:
    """Inline in the page (the CSP allows data: images); the chart carries no CSS."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def chart_rows(res: Results) -> list[tuple[str, dict[str, int]]]:
    return [(res.labels[r.option], dict(r.by_kind)) for r in res.tally.ranked()]


def _context(cluster: Cluster, role, poll: Poll) -> dict:  # noqa: ANN001
    key = rules.voter_key(poll.voter, role, current_user.id, current_user.organisation_id)
    mine = vote_of(poll, key)
    state = state_of(poll)
    manages = rules.may_manage(role)
    visible = rules.results_visible(
        poll.hide_results, mine is not None, state is rules.PollState.CLOSED, manages
    )
    res = results(cluster, poll) if visible else None
    chart = ""
    if res is not None and res.tally.ballots:
        chart = _svg_uri(charts.polls.poll_results(chart_rows(res), _kind_labels(), title=poll.question))
    meeting = db.session.get(Meeting, poll.meeting_id) if poll.meeting_id else None
    return {
        "cluster": cluster,
        "role": role,
        "poll": poll,
        "state": state,
        "mine": mine,
        "mine_values": _ballot_values(poll, mine.ballot if mine else None),
        "may_vote": rules.may_vote(role, poll.invite_observers) and state is rules.PollState.OPEN,
        "manages": manages,
        "res": res,
        "chart": chart,
        "rule": rule_text(poll),
        "meeting": meeting,
        "kind_labels": _kind_labels(),
        "confirm": ConfirmForm(),
        "POLL_KIND_LABELS": POLL_KIND_LABELS,
        "VOTER_LABELS": VOTER_LABELS,
        "STATE_LABELS": STATE_LABELS,
        "prioritisable": _prioritisable(cluster, poll),
    }


def _prioritisable(cluster: Cluster, poll: Poll) -> bool:
    keys = {o.section_key for o in poll.options if o.section_key}
    if len(keys) != 1:
        return False
    try:
        kind = definition_of(cluster).section(next(iter(keys)))[1].kind
    except KeyError:
        return False
    return kind in rules.PRIORITISABLE


def _ballot_values(poll: Poll, ballot: dict | None) -> dict[int, object]:
    """The person's current vote per option, to fill the form again."""
    if not ballot:
        return {}
    value = ballot.get(rules.BALLOT_KEYS[rules.PollKind(poll.kind)])
    if isinstance(value, dict):
        return {int(k): v for k, v in value.items()}
    if poll.kind == rules.PollKind.RANKING:
        return {int(k): place for place, k in enumerate(value or [], 1)}
    return dict.fromkeys((int(k) for k in value or []), True)


def ballot_from_form(poll: Poll, form: dict) -> dict:
    """The page's fields as the API's ballot; empty fields are left out. A field that is
    not a whole number is refused here, naming the option."""
    labels = {o.id: o.label for o in poll.options}

    def number(name: str, option: int) -> int | None:
        raw = (form.get(f"{name}-{option}") or "").strip()
        if not raw:
            return None
        if not raw.isdigit() or len(raw) > 6:
            raise Invalid("ballot", _("„%(option)s”: give a whole number.", option=labels[option]))
        return int(raw)

    kind = rules.PollKind(poll.kind)
    if kind is rules.PollKind.DOT:
        return {"dots": {str(o): n for o in labels if (n := number("dots", o))}}
    if kind is rules.PollKind.SCORE:
        return {"scores": {str(o): n for o in labels if (n := number("score", o)) is not None}}
    if kind is rules.PollKind.RANKING:
        places = {o: n for o in labels if (n := number("rank", o)) is not None}
        if len(set(places.values())) != len(places):
            raise Invalid("ballot", _("Give each ranked option its own place."))
        return {"ranking": [o for o, _n in sorted(places.items(), key=lambda item: item[1])]}
    chosen = request.form.getlist("choice")
    return {"choices": [int(c) if c.isdigit() and len(c) <= 10 else c for c in chosen]}


@bp.route("")
def index(slug: str):  # noqa: ANN201
    cluster, role = cluster_for(slug)
    polls = polls_of(cluster)
    return render_template(
        "polls/index.html",
        cluster=cluster,
        polls=[(p, state_of(p)) for p in polls],
        manages=rules.may_manage(role),
        POLL_KIND_LABELS=POLL_KIND_LABELS,
        STATE_LABELS=STATE_LABELS,
    )


def _item_choices(cluster: Cluster) -> list[tuple[str, str]]:
    """Items of the structured sections a poll may draw on: value "section|item"."""
    definition = definition_of(cluster)
    lang = str(cluster.language or "pl")
    choices = []
    for _stage, sections in stages_with_sections(cluster):
        for section in sections:
            if section.kind not in rules.OPTION_SOURCES:
                continue
            title = definition.section(section.key)[1].title.get(lang)
            for item_id, label in rules.section_items(section.kind, section.content):
                choices.append((f"{section.key}|{item_id}", f"{title}: {label}"))
    return choices


def _meeting_choices(cluster: Cluster) -> list[tuple[str, str]]:
    from sqlalchemy import select

    meetings = db.session.scalars(
        select(Meeting).where(Meeting.cluster_id == cluster.id).order_by(Meeting.starts_at)
    ).all()
    return [("", _("none"))] + [(str(m.id), m.title) for m in meetings]


@bp.route("/new", methods=["GET", "POST"])
def new(slug: str):  # noqa: ANN201
    cluster, _role = cluster_for(slug, Permission.MANAGE_POLLS)
    form = PollForm()
    form.items.choices = _item_choices(cluster)
    form.meeting_id.choices = _meeting_choices(cluster)
    if request.method == "GET" and request.args.get("section"):
        prefix = f"{request.args['section']}|"
        form.items.data = [value for value, _label in form.items.choices if value.startswith(prefix)]
    if request.method == "GET" and request.args.get("meeting", "").isdigit():
        form.meeting_id.data = request.args["meeting"]

    def operation() -> Poll:
        options = [
            OptionInput(section=v.split("|", 1)[0], item_id=v.split("|", 1)[1])
            for v in form.items.data or []
            if "|" in v
        ]
        options += [OptionInput(label=line) for line in (form.typed.data or "").splitlines() if line.strip()]
        closes_at = form.closes_at.data.replace(tzinfo=zone()) if form.closes_at.data else None
        meeting = form.meeting_id.data
        return create_poll(
            cluster,
            PollInput(
                question=form.question.data,
                kind=form.kind.data,
                options=options,
                voter=form.voter.data,
                dots=form.dots.data,
                max_per_option=form.max_per_option.data,
                multiple=form.multiple.data,
                anonymous=form.anonymous.data,
                hide_results=form.hide_results.data,
                invite_observers=form.invite_observers.data,
                closes_at=closes_at,
                meeting_id=int(meeting) if meeting and meeting.isdigit() else None,
                options_field="typed",
            ),
            current_user,
        )

    return handle_form(
        form,
        operation,
        done=lambda poll: flash_redirect(
            _("The poll is open."), url_for("polls.detail", slug=slug, poll_id=poll.id)
        ),
        render=lambda status: (render_template("polls/new.html", cluster=cluster, form=form), status),
    )


@bp.route("/<int:poll_id>")
def detail(slug: str, poll_id: int):  # noqa: ANN201
    cluster, role = cluster_for(slug)
    poll = poll_in(cluster, poll_id)
    return render_template("polls/detail.html", **_context(cluster, role, poll))


@bp.route("/<int:poll_id>/vote", methods=["POST"])
def vote(slug: str, poll_id: int):  # noqa: ANN201
    cluster, role = cluster_for(slug)
    poll = poll_in(cluster, poll_id)
    form = ConfirmForm()
    if not rules.may_vote(role, poll.invite_observers):
        flash(_("You may not vote in this poll."), "danger")
        return render_template("polls/detail.html", **_context(cluster, role, poll)), 403
    if not form.validate_on_submit():
        return render_template("polls/detail.html", **_context(cluster, role, poll)), 422
    try:
        cast_vote(cluster, poll, current_user, role, ballot_from_form(poll, request.form))
    except Problem as problem:
        status = show_problem(form, problem)
        context = _context(cluster, role, poll)
        context["mine_values"] = _typed_values(poll)
        return render_template("polls/detail.html", **context), status
    return flash_redirect(
        _("Your vote is counted. You may change it until the poll closes."),
        url_for("polls.detail", slug=slug, poll_id=poll.id),
    )


def _typed_values(poll: Poll) -> dict[int, object]:
    """What was typed, to show again with the refusal (nothing is lost)."""
    values: dict[int, object] = {}
    for option in poll.options:
        for name in ("dots", "score", "rank"):
            raw = request.form.get(f"{name}-{option.id}")
            if raw:
                values[option.id] = raw[:6]
        if str(option.id) in request.form.getlist("choice"):
            values[option.id] = True
    return values


@bp.route("/<int:poll_id>/close", methods=["POST"])
def close(slug: str, poll_id: int):  # noqa: ANN201
    cluster, _role = cluster_for(slug, Permission.MANAGE_POLLS)
    poll = poll_in(cluster, poll_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("polls.detail", slug=slug, poll_id=poll_id))
    try:
        close_poll(cluster, poll, current_user)
    except Problem as problem:
        flash(problem.message, "danger")
        return redirect(url_for("polls.detail", slug=slug, poll_id=poll_id)), problem.status
    return flash_redirect(
        _("The poll is closed; its results are final."), url_for("polls.detail", slug=slug, poll_id=poll_id)
    )


@bp.route("/<int:poll_id>/apply", methods=["POST"])
def apply(slug: str, poll_id: int):  # noqa: ANN201
    cluster, role = cluster_for(slug, Permission.MANAGE_POLLS)
    poll = poll_in(cluster, poll_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("polls.detail", slug=slug, poll_id=poll_id))
    res = results(cluster, poll)
    item_of = {o.id: o.item_id for o in poll.options}
    try:
        revision = apply_priorities(cluster, poll, current_user, role, rules.ranked_items(res.tally, item_of))
    except Problem as problem:
        flash(problem.message, "danger")
        return render_template("polls/detail.html", **_context(cluster, role, poll)), problem.status
    section = next(o.section_key for o in poll.options if o.section_key)
    flash(_("The order follows the results now (revision %(revision)d).", revision=revision), "success")
    return redirect(url_for("sections.view", slug=slug, key=section))


@bp.route("/<int:poll_id>/projector")
def projector(slug: str, poll_id: int):  # noqa: ANN201
    cluster, role = cluster_for(slug)
    poll = poll_in(cluster, poll_id)
    vote_url = public_url("polls.detail", slug=slug, poll_id=poll.id)
    qr = segno.make(vote_url, error="m")
    return render_template(
        "polls/projector.html",
        cluster=cluster,
        poll=poll,
        qr=qr.svg_data_uri(scale=8, border=2),
        vote_url=vote_url,
        live_url=url_for("polls.live", slug=slug, poll_id=poll.id),
        rule=rule_text(poll),
        **_live(cluster, role, poll),
    )


def _live(cluster: Cluster, role, poll: Poll) -> dict:  # noqa: ANN001
    """What the projector shows: counts only, never a person or an organisation."""
    state = state_of(poll)
    res = results(cluster, poll)
    shown = not poll.hide_results or state is rules.PollState.CLOSED
    chart = ""
    if shown and res.tally.ballots:
        chart = _svg_uri(charts.polls.poll_results(chart_rows(res), _kind_labels(), large=True))
    data = results_json(res)
    return {
        "state": state.value,
        "state_label": str(STATE_LABELS[state.value]),
        "turnout": data["turnout"],
        "shown": shown,
        "chart": chart,
        "options": [
            {"label": o["label"], "total": o["total"], "place": o["place"]}
            for o in sorted(data["options"], key=lambda o: o["place"])
        ]
        if shown
        else [],
        "changed_at": poll.changed_at.isoformat() if isinstance(poll.changed_at, datetime) else "",
    }


@bp.route("/<int:poll_id>/live.json")
def live(slug: str, poll_id: int) -> Response:
    cluster, role = cluster_for(slug)
    poll = poll_in(cluster, poll_id)
    return jsonify(_live(cluster, role, poll))
