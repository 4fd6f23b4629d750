"""The section pages: read, edit (save with a base revision), conflicts, history, presence.

Each view loads the cluster through webapp.access.cluster_for (404 for outsiders), asks
workflows.editing whether the person may edit, calls an operation and commits once.
Requests made by the editor's script (``Accept: application/json``) get JSON answers, so
a failed save never leaves the page and nothing typed is lost.
"""

from __future__ import annotations

from decimal import Decimal

from babel.lists import format_list
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_currency, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from webapp.access import cluster_for
from webapp.clusters.queries import definition_of, members_by_kind
from webapp.collation import polish_sorted
from webapp.extensions import db
from webapp.inputs import query_int
from webapp.markdown import render_markdown
from webapp.meetings.queries import worked_on
from webapp.models import Cluster, Section, SectionRevision, Stage, User
from webapp.negotiation import prefers_json
from webapp.proposals.panel import proposals_panel
from webapp.proposals.presenting import text_diff
from webapp.sections import presence
from webapp.sections.editing import (
    FIELD_LABELS,
    SWOT_LABELS,
    UnreadableContent,
    amount_for_input,
    as_date,
    budget_total,
    editor_content,
    field_place,
    objective_choices,
    parse_amount,
    place_label,
    posted_content,
    with_current,
)
from webapp.sections.forms import RestoreForm, SaveForm
from webapp.sections.messages import content_error_message, read_only_message
from webapp.sections.operations import (
    SaveConflict,
    SaveResult,
    StaleBase,
    restore_revision,
    revision_content,
    save_section,
)
from webapp.sections.queries import PAGE_SIZE, revisions, section_of
from webapp.security import reads_only
from workflows.content import MAX_TEXT_CHARS, ContentError, normalize_content
from workflows.diff import diff_structured, diff_text
from workflows.editing import ROLE_FORBIDDEN, edit_refusal
from workflows.merge import resolve
from workflows.proposals import propose_refusal
from workflows.roles import MEMBER_ORGANISATION_ROLES, Permission, Role, can

bp = Blueprint("sections", __name__, url_prefix="/c/<slug>/s/<key>")


@bp.context_processor
def _labels() -> dict:
    return {"field_labels": FIELD_LABELS, "swot_labels": SWOT_LABELS}


# --- loading and answering -----------------------------------------------------------------


def json_answer(status: int, state: str, message: str = "", **extra: object) -> Response:
    response = jsonify({"status": state, "message": message, **extra})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _load(slug: str, key: str) -> tuple[Cluster, Role, Section, Stage]:
    if not current_user.is_authenticated and prefers_json():
        # The script keeps the text and says "sign in again" instead of following a redirect.
        abort(
            json_answer(
                401,
                "signed_out",
                _("Your session has ended. Sign in again (in another tab) and retry."),
            )
        )
    cluster, role = cluster_for(slug)
    section, stage = section_of(cluster, key)
    return cluster, role, section, stage


def _names(names: list[str]) -> str:
    return format_list(names, locale=get_locale()) if names else _("someone else")


def _authors_between(section: Section, after: int, upto: int) -> list[str]:
    """Who wrote the revisions after ``after`` up to ``upto`` ("theirs" of a conflict)."""
    rows = db.session.scalars(
        select(User.name)
        .join(SectionRevision, SectionRevision.author_id == User.id)
        .where(
            SectionRevision.section_id == section.id,
            SectionRevision.number > after,
            SectionRevision.number <= upto,
        )
        .distinct()
    ).all()
    return polish_sorted(rows)


# --- what the pages show -------------------------------------------------------------------


def _money(amount: Decimal | None) -> str:
    return format_currency(amount, "PLN") if amount is not None else ""


def _money_shown(amount: Decimal | None) -> str:
    """An amount for reading: whole złoty without ",00" ("1 450 000 zł"), grosze when there are any."""
    if amount is None or amount != amount.to_integral_value():
        return _money(amount)
    pattern = get_locale().currency_formats["standard"].pattern.split(";")[0]
    whole = pattern.replace(".00", "").replace(".##", "")
    return format_currency(amount, "PLN", format=whole, currency_digits=False)


def _readonly(kind: str, content: object, objectives: dict[str, str] | None = None) -> dict:
    """Content prepared for reading: safe HTML for text, formatted rows for the rest."""
    if kind == "text":
        return {"html": render_markdown(content if isinstance(content, str) else "")}
    rows = editor_content(kind, content)
    if kind == "action_plan":
        for row in rows:
            row["start_date"], row["end_date"] = as_date(row["start"]), as_date(row["end"])
            row["budget_shown"] = _money_shown(parse_amount(row["budget_pln"]))
            row["objective_label"] = (objectives or {}).get(row["objective_id"], row["objective_id"])
        return {"rows": rows, "total": _money_shown(budget_total(rows))}
    return {"rows": rows}


def _objectives(cluster: Cluster) -> list[tuple[str, str]]:
    """The operational objectives an action may serve, from the cluster's goals sections."""
    goals = db.session.scalars(
        select(Section.content)
        .where(Section.cluster_id == cluster.id, Section.kind == "goals")
        .order_by(Section.position)
    ).all()
    return objective_choices(list(goals))


def _owners(cluster: Cluster) -> list[str]:
    """Names of the member organisations (members and moderators; observers are guests)."""
    return polish_sorted(
        {
            row.organisation.name
            for group in members_by_kind(cluster).values()
            for row in group
            if row.organisation is not None and row.membership.role in MEMBER_ORGANISATION_ROLES
        }
    )


def _latest(section: Section) -> SectionRevision | None:
    if section.revision == 0:
        return None
    return db.session.scalar(
        select(SectionRevision)
        .where(SectionRevision.section_id == section.id, SectionRevision.number == section.revision)
        .options(joinedload(SectionRevision.author))
    )


def _page(
    cluster: Cluster,
    role: Role,
    section: Section,
    stage: Stage,
    *,
    typed: object = None,
    base_revision: int | None = None,
    error: str | None = None,
    error_field: str | None = None,
    conflict: dict | None = None,
    status: int = 200,
) -> tuple[str, int]:
    definition = definition_of(cluster)
    try:
        stage_def, section_def = definition.section(section.key)
    except KeyError:
        abort(404)
    refusal = edit_refusal(role, stage.state)
    may_suggest = propose_refusal(role) is None
    # Whose role may not edit but may comment gets the editor too, which then only proposes.
    # A closed stage stays a page to read (its proposals panel still takes proposals).
    suggest_only = refusal == ROLE_FORBIDDEN and may_suggest
    editable = refusal is None or suggest_only
    kind = section.kind
    editing = editor_content(kind, section.content if typed is None else typed)
    objectives = _objectives(cluster) if kind == "action_plan" else []
    extra: dict = {}
    if editable and kind == "action_plan":
        extra = {
            "objectives": with_current(objectives, [r["objective_id"] for r in editing]),
            "owners": with_current([(n, n) for n in _owners(cluster)], [r["owner"] for r in editing]),
            "total": _money(budget_total(editing)),
        }
        for row in editing:
            row["budget_input"] = amount_for_input(row["budget_pln"])
    if editable and kind == "text":
        extra["preview"] = render_markdown(editing)
    context = {
        "cluster": cluster,
        "role": role,
        "section": section,
        "stage": stage,
        "definition": definition,
        "stage_def": stage_def,
        "section_def": section_def,
        "refusal": refusal,
        "read_only_reason": read_only_message(refusal) if refusal else None,
        "may_suggest": may_suggest,
        "suggest_only": suggest_only,
        "proposals_api": url_for("api.post_proposal", slug=cluster.slug, key=section.key),
        # A text editor's preview already shows the saved text: render it once.
        "readonly": None if "preview" in extra else _readonly(kind, section.content, dict(objectives)),
        "editing": editing,
        "editor_choices": extra,
        "base_revision": section.revision if base_revision is None else base_revision,
        "latest": _latest(section),
        "meetings": worked_on(cluster, section.key),
        "error": error,
        "error_field": error_field,
        "conflict": conflict,
        "proposals": proposals_panel(role, section, stage),
        "can": lambda permission: can(role, permission),
        "Permission": Permission,
    }
    return render_template("sections/view.html", **context), status


@bp.get("")
def view(slug: str, key: str):  # noqa: ANN201
    cluster, role, section, stage = _load(slug, key)
    return _page(cluster, role, section, stage)


# --- saving ----------------------------------------------------------------------------------


def _refused(refusal: str) -> Response:
    status = 403 if refusal == ROLE_FORBIDDEN else 409
    if prefers_json():
        return json_answer(status, refusal, read_only_message(refusal))
    if status == 403:  # the role never may: an error page, not a page that looks like success
        abort(403)
    flash(read_only_message(refusal), "warning")
    return make_response(
        redirect(url_for("sections.view", slug=request.view_args["slug"], key=request.view_args["key"]))
    )


def _saved_message(result: SaveResult) -> str:
    if not result.changed:
        return _("Nothing to save: the section already holds this.")
    if result.merged:
        return _(
            "Saved as revision %(n)s. Your changes were merged with changes by %(names)s.",
            n=result.revision,
            names=_names(result.merged_authors),
        )
    return _("Saved as revision %(n)s.", n=result.revision)


def _conflict_view(section: Section, conflict: SaveConflict, base_revision: int, mine: object) -> dict:
    """What the conflict panel shows: the overlapping spots, the whole versions, the choices."""
    kind = section.kind
    spots = [
        {
            "label": place_label(kind, c.path, conflict.theirs, conflict.yours, conflict.base),
            "base": c.base,
            "theirs": c.theirs,
            "mine": c.yours,
        }
        for c in conflict.conflicts
    ]
    if kind == "text":
        # People compare formatted text (the editor shows no Markdown): each side rendered.
        for spot in spots:
            for side in ("base", "theirs", "mine"):
                if isinstance(spot[side], str) and spot[side].strip():
                    spot[side + "_html"] = render_markdown(spot[side])
    return {
        "revision": conflict.revision,
        "base_revision": base_revision,
        "authors": _names(_authors_between(section, base_revision, conflict.revision)),
        "spots": spots,
        "base": _readonly(kind, conflict.base),
        "theirs": _readonly(kind, conflict.theirs),
        "mine": _readonly(kind, conflict.yours),
        "base_raw": conflict.base,
        "theirs_raw": conflict.theirs,
        "mine_raw": conflict.yours,
        "mine_json": mine,
    }


@bp.post("")
def save(slug: str, key: str):  # noqa: ANN201
    cluster, role, section, stage = _load(slug, key)
    refusal = edit_refusal(role, stage.state)
    if refusal:
        return _refused(refusal)
    form = SaveForm()
    if not form.validate():
        message = _("Say which revision you edited (reload the page if this keeps happening).")
        if prefers_json():
            return json_answer(400, "bad_request", message)
        abort(400)
    base = form.base_revision.data
    try:
        mine = posted_content(section.kind, request.form)
    except UnreadableContent:
        message = _(
            "The editor's content could not be read. Reload the page: your draft is kept in this browser."
        )
        if prefers_json():
            return json_answer(422, "invalid", message, field="")
        return _page(cluster, role, section, stage, error=message, status=422)
    # What is saved on top of `base`; the two change together, so a page shown again after
    # a failure always pairs an editor content with the revision it is based on.
    content = mine
    try:
        if form.resolution.data:
            # A choice on the conflict view: base and theirs are the two revisions it showed.
            theirs_revision = form.theirs_revision.data
            if theirs_revision is None or not base <= theirs_revision <= section.revision:
                raise StaleBase(section.revision)
            theirs = revision_content(section, theirs_revision)
            if theirs is None:
                raise StaleBase(section.revision)
            content = resolve(
                section.kind,
                revision_content(section, base),
                theirs,
                normalize_content(section.kind, mine),
                form.resolution.data,
            )
            base = theirs_revision
        result = save_section(section, content, base, current_user)
    except ContentError as error:
        db.session.rollback()
        message = content_error_message(error, field_place(section.kind, error.field))
        if prefers_json():
            return json_answer(422, "invalid", message, field=error.field)
        return _page(
            cluster,
            role,
            section,
            stage,
            typed=content,
            base_revision=base,
            error=message,
            error_field=error.field,
            status=422,
        )
    except StaleBase as stale:
        db.session.rollback()
        message = _(
            "The revision you edited (%(n)s) is not one of this section's. Reload the page: "
            "your draft is kept in this browser.",
            n=base,
        )
        if prefers_json():
            return json_answer(409, "unknown_base", message, revision=stale.revision)
        return _page(
            cluster,
            role,
            section,
            stage,
            typed=mine,
            base_revision=stale.revision,
            error=message,
            status=409,
        )
    except SaveConflict as conflict:
        # Nothing is written: the person chooses on screen, then saves again.
        db.session.rollback()
        view = _conflict_view(section, conflict, base, content)
        message = _(
            "Your changes overlap with changes saved meanwhile by %(names)s. "
            "Nothing was saved yet: choose what to keep.",
            names=view["authors"],
        )
        if prefers_json():
            html = render_template("sections/_conflict.html", cluster=cluster, section=section, conflict=view)
            both = resolve(section.kind, conflict.base, conflict.theirs, conflict.yours, "both")
            return json_answer(409, "conflict", message, revision=conflict.revision, html=html, both=both)
        return _page(
            cluster,
            role,
            section,
            stage,
            typed=content,
            base_revision=base,
            error=message,
            conflict=view,
            status=409,
        )
    message = _saved_message(result)
    if form.resolution.data and not result.changed:
        message = _("Kept the saved version: there was nothing else to add.")
    target = url_for("sections.view", slug=slug, key=key)
    if prefers_json():
        return json_answer(
            200,
            "saved",
            message,
            revision=result.revision,
            merged=result.merged,
            merged_with=result.merged_authors,
            changed=result.changed,
            url=target,
        )
    flash(message, "success")
    return redirect(target)


# --- preview and presence ----------------------------------------------------------------------


@bp.post("/preview")
@reads_only
def preview(slug: str, key: str):  # noqa: ANN201
    _load(slug, key)
    data = request.get_json(silent=True)
    text = data.get("text") if isinstance(data, dict) else request.form.get("text")
    if not isinstance(text, str):
        return json_answer(400, "bad_request", _("Send the text to preview."))
    if len(text) > MAX_TEXT_CHARS:
        return json_answer(413, "too_long", _("The text is too long to preview."))
    return json_answer(200, "ok", html=str(render_markdown(text)))


@bp.route("/presence", methods=["POST", "DELETE"])
def here(slug: str, key: str):  # noqa: ANN201
    _cluster, _role, section, _stage = _load(slug, key)
    if request.method == "DELETE":
        presence.leave(section, current_user)
        return Response(status=204)
    presence.heartbeat(section, current_user)
    others = presence.others_here(section, current_user)
    return json_answer(200, "ok", others=others, revision=section.revision)


# --- history, diff, restore --------------------------------------------------------------------


@bp.get("/history")
def history(slug: str, key: str):  # noqa: ANN201
    cluster, role, section, stage = _load(slug, key)
    before = request.args.get("before", type=query_int)
    rows = revisions(section, before=before)
    definition = definition_of(cluster)
    return render_template(
        "sections/history.html",
        cluster=cluster,
        role=role,
        section=section,
        stage=stage,
        section_def=definition.section(section.key)[1],
        rows=rows,
        older=rows[-1].number if len(rows) == PAGE_SIZE else None,
        can_restore=edit_refusal(role, stage.state) is None,
        restore_form=RestoreForm(),
    )


def _structured_changes(kind: str, old: object, new: object) -> list[dict]:
    changes = []
    for change in diff_structured(kind, old, new):
        words = None
        if isinstance(change.old, str) and isinstance(change.new, str) and " " in change.old + change.new:
            # Prose reads best word by word; amounts, dates and ids as before → after.
            words = diff_text(change.old, change.new)
        changes.append(
            {
                "label": place_label(kind, change.path, new, old),
                "op": change.op,
                "old": change.old,
                "new": change.new,
                "words": words,
                "order": isinstance(change.old, list) and isinstance(change.new, list),
            }
        )
    return changes


@bp.get("/diff")
def diff(slug: str, key: str):  # noqa: ANN201
    cluster, _role, section, _stage = _load(slug, key)
    newest = section.revision
    b = request.args.get("b", default=newest, type=query_int)
    a = request.args.get("a", default=max(b - 1, 0), type=query_int)
    if not (0 <= a <= newest and 0 <= b <= newest):
        abort(404)
    old, new = revision_content(section, a), revision_content(section, b)
    meta = {
        r.number: r
        for r in db.session.scalars(
            select(SectionRevision)
            .where(SectionRevision.section_id == section.id, SectionRevision.number.in_((a, b)))
            .options(joinedload(SectionRevision.author))
        )
    }
    kind = section.kind
    return render_template(
        "sections/diff.html",
        cluster=cluster,
        section=section,
        section_def=definition_of(cluster).section(section.key)[1],
        a=a,
        b=b,
        meta=meta,
        ops=diff_text(old or "", new or "") if kind == "text" else None,
        # Text reads as formatted text with the changed words marked (workflows.wordiff).
        formatted=text_diff(old, new) if kind == "text" else None,
        changes=None if kind == "text" else _structured_changes(kind, old, new),
    )


@bp.post("/history/<int:number>/restore")
def restore(slug: str, key: str, number: int):  # noqa: ANN201
    _cluster, role, section, stage = _load(slug, key)
    refusal = edit_refusal(role, stage.state)
    if refusal:
        return _refused(refusal)
    if not RestoreForm().validate() or number < 1:
        abort(400)
    try:
        result = restore_revision(section, number, current_user)
    except StaleBase:
        db.session.rollback()
        abort(404)
    except (ContentError, SaveConflict):
        db.session.rollback()
        flash(_("Revision %(n)s could not be restored. Please try again.", n=number), "danger")
        return redirect(url_for("sections.history", slug=slug, key=key))
    if result.changed:
        flash(
            _("Revision %(old)s is restored as revision %(new)s.", old=number, new=result.revision),
            "success",
        )
    else:
        flash(_("Revision %(n)s is the same as the current text: nothing changed.", n=number), "info")
    return redirect(url_for("sections.view", slug=slug, key=key))
