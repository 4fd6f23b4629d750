"""The comments panel of a section page and its forms' routes.

The section page includes ``comments/_panel.html``, which asks ``comment_panel`` (a Jinja
global) for what the reader may see. Routes: load → check access → call an operation →
commit once → back to the section page; a refused form comes back with its errors (4xx).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import TypeAlias

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.routing import BuildError

from webapp.access import cluster_for
from webapp.comments import paging, queries
from webapp.comments.forms import (
    KIND_LABELS,
    VISIBILITY_LABELS,
    ActionForm,
    CommentForm,
    EditForm,
    HideForm,
    ResolveForm,
)
from webapp.comments.operations import (
    NotAllowed,
    comment_link,
    delete_comment,
    edit_comment,
    edit_window,
    hide_comment,
    post_comment,
    posting_notes,
    reopen_comment,
    resolve_comment,
)
from webapp.comments.quotes import quote_in, section_text, texts_of
from webapp.extensions import db
from webapp.markdown import render_markdown
from webapp.models import Cluster, Comment, Section, User
from webapp.models.base import utcnow
from webapp.problems import Invalid
from workflows.mentions import may_object
from workflows.roles import Permission, Role, can
from workflows.visibility import may_delete, may_edit, may_hide, may_post, may_resolve

bp = Blueprint("comments", __name__, url_prefix="/c/<slug>/s/<key>/comments")


@dataclass
class Panel:
    """Everything the panel template shows, already filtered for the reader."""

    cluster: Cluster
    section: Section
    role: Role | None
    threads: list[queries.Thread]
    count: int
    page: int  # 1: the newest comments (webapp.comments.paging)
    pages: int
    people: list[str]
    stage_objections: int
    can_comment: bool
    can_post_internal: bool
    can_hide: bool
    blank: CommentForm
    edit_form: EditForm
    hide_form: HideForm
    resolve_form: ResolveForm
    action_form: ActionForm
    error_target: str | None = None
    error_form: FlaskForm | None = None
    error_message: str | None = None
    _text: str | None = field(default=None, repr=False)
    now: datetime = field(default_factory=utcnow)

    def page_url(self, number: int) -> str:
        """Page ``number`` of the comments, on the page the reader is on."""
        values = {"slug": self.cluster.slug, "key": self.section.key, "_anchor": "comments"}
        values["comments_page"] = number
        endpoints = ("sections.view", "comments.page")
        if request.endpoint in endpoints:
            endpoints = (request.endpoint, *endpoints)
        for endpoint in endpoints:
            try:
                return url_for(endpoint, **values)
            except BuildError:
                continue
        return f"/c/{self.cluster.slug}/s/{self.section.key}?comments_page={number}#comments"

    def form(self, target: str, blank: FlaskForm) -> FlaskForm:
        """The refused form where it was filled in, else a blank one."""
        return self.error_form if self.error_target == target and self.error_form else blank

    def url(self, action: str, comment_id: int | None = None) -> str:
        """Where a form of the panel posts: ``create``, or an action on ``comment_id``."""
        values = {"slug": self.cluster.slug, "key": self.section.key}
        if comment_id is not None:
            values["comment_id"] = comment_id
        return url_for(f"comments.{action}", **values)

    def is_author(self, comment: Comment) -> bool:
        return current_user.is_authenticated and comment.author_id == current_user.id

    def removed(self, comment: Comment) -> bool:
        return comment.deleted_at is not None or comment.hidden_reason is not None

    def can_edit(self, comment: Comment) -> bool:
        age = self.now - comment.created_at
        return not self.removed(comment) and may_edit(self.is_author(comment), age, edit_window())

    def can_delete(self, comment: Comment) -> bool:
        return comment.deleted_at is None and may_delete(self.is_author(comment))

    def can_resolve(self, comment: Comment) -> bool:
        return may_resolve(self.role, self.is_author(comment))

    def can_hide_comment(self, comment: Comment) -> bool:
        return self.can_hide and not self.removed(comment)

    def can_reply_internally(self, comment: Comment) -> bool:
        return self.can_post_internal and comment.visibility == "all"

    @property
    def objection_becomes_remark(self) -> bool:
        """Said on the form before posting: this person's objection would be a remark."""
        return not may_object(self.role)

    def quote_current(self, comment: Comment) -> bool:
        if self._text is None:
            self._text = section_text(self.section.kind, self.section.content)
        return quote_in(comment.quote, self._text)

    def html(self, comment: Comment):  # noqa: ANN201 - Markup
        return render_markdown(comment.body)

    def author(self, comment: Comment) -> str:
        return comment.author.name if comment.author else _("a former participant")

    def kind_label(self, kind: str) -> str:
        return str(KIND_LABELS.get(kind, kind))

    def visibility_label(self, visibility: str) -> str:
        return str(VISIBILITY_LABELS.get(visibility, visibility))


def comment_panel(
    cluster: Cluster,
    section: Section,
    role: Role | str | None,
    error: tuple[str, FlaskForm | None, str | None] | None = None,
) -> Panel:
    """The panel for this reader: their comments, counts and the forms they may use."""
    role = Role(role) if role is not None else None
    target, form, message = error if error else (None, None, None)
    index = queries.comment_index(section, role)
    layout = paging.layout(index.rows)
    number = _page_number(layout, target)
    parts = layout.page(number)
    loaded = queries.comments_by_id(section, [i for part in parts for i in part.ids], role)
    people = [p.name for p in queries.cluster_people(cluster)]
    return Panel(
        cluster=cluster,
        section=section,
        role=role,
        threads=[_thread(part, loaded) for part in parts if part.root in loaded],
        count=index.count,
        page=number,
        pages=layout.count,
        people=people,
        stage_objections=queries.open_objections_by_stage(cluster).get(section.stage_id, 0),
        can_comment=can(role, Permission.COMMENT),
        can_post_internal=may_post(role, "moderators", "remark"),
        can_hide=may_hide(role),
        blank=CommentForm(formdata=None),
        edit_form=EditForm(formdata=None),
        hide_form=HideForm(formdata=None),
        resolve_form=ResolveForm(formdata=None),
        action_form=ActionForm(formdata=None),
        error_target=target,
        error_form=form,
        error_message=message,
    )


def _page_number(layout: paging.Layout, target: str | None) -> int:
    """The page asked for: the one holding the comment a link names (``?comment=ID``) or a
    refused form was about, else ``?comments_page=N`` (1, the newest, by default)."""
    wanted = request.args.get("comment", type=int)
    if target and target.rpartition("-")[2].isdigit():
        wanted = int(target.rpartition("-")[2])
    if wanted is not None and (found := layout.page_of(wanted)) is not None:
        return found
    number = request.args.get("comments_page", 1, type=int)
    return min(max(number, 1), layout.count)


def _thread(part: paging.Part, loaded: dict[int, Comment]) -> queries.Thread:
    replies = [loaded[i] for i in part.ids if i != part.root and i in loaded]
    return queries.Thread(loaded[part.root], replies, earlier=part.earlier, later=part.later)


def _section(cluster: Cluster, key: str) -> Section:
    section = db.session.scalar(select(Section).where(Section.cluster_id == cluster.id, Section.key == key))
    if section is None:
        abort(404)
    return section


def _load(slug: str, key: str, permission: Permission = Permission.VIEW_CLUSTER):  # noqa: ANN202
    cluster, role = cluster_for(slug, permission)
    return cluster, role, _section(cluster, key)


def _comment(section: Section, comment_id: int, role: Role) -> Comment:
    comment = queries.comment_in_section(section, comment_id, role)
    if comment is None:
        abort(404)
    return comment


def _render_page(cluster, role, section, error=None, status: int = 200):  # noqa: ANN001, ANN202
    from webapp.clusters.queries import definition_of

    return (
        render_template(
            "comments/page.html",
            cluster=cluster,
            role=role,
            section=section,
            definition=definition_of(cluster),
            can=lambda permission: can(role, permission),
            Permission=Permission,
            comment_error=error,
            preview=render_markdown(section.content) if section.kind == "text" else None,
            section_texts=texts_of(section.content) if section.kind != "text" else [],
        ),
        status,
    )


def _refused(cluster, role, section, target: str, form: FlaskForm, problem: Exception):  # noqa: ANN001, ANN202
    """Back to the page with the form as filled in and the reason, nothing saved."""
    db.session.rollback()
    if isinstance(problem, Invalid):
        field_ = getattr(form, problem.field, None)
        if field_ is not None:
            field_.errors = [*field_.errors, problem.message]
        return _render_page(cluster, role, section, (target, form, problem.message), 422)
    return _render_page(cluster, role, section, (target, form, problem.message), 403)


def _done(cluster: Cluster, section: Section, comment_id: int | None, message: str):  # noqa: ANN202
    link = comment_link(cluster.slug, section.key, comment_id)
    flash(message, "success")
    return redirect(link)


@bp.get("")
def page(slug: str, key: str):
    """The section's comments on a page of their own (and where a refused form returns)."""
    cluster, role, section = _load(slug, key)
    return _render_page(cluster, role, section)


@bp.post("")
def create(slug: str, key: str):
    cluster, role, section = _load(slug, key, Permission.COMMENT)
    form = CommentForm()
    target = f"reply-{form.parent_id.data}" if form.parent_id.data else "new"
    if not form.validate_on_submit():
        return _render_page(cluster, role, section, (target, form, None), 422)
    try:
        comment = post_comment(
            cluster,
            section,
            current_user._get_current_object(),
            role,
            form.body.data,
            visibility=form.visibility.data or None,
            kind=form.kind.data,
            parent_id=form.parent_id.data,
            quote=form.quote.data or "",
        )
    except (Invalid, NotAllowed) as problem:
        return _refused(cluster, role, section, target, form, problem)
    for note in posting_notes(cluster, form.kind.data, comment):
        flash(note, "warning")
    return _done(cluster, section, comment.id, _("Your comment is posted."))


#: What a comment action does: (cluster, section, comment, the person, their role, the form).
Act: TypeAlias = Callable[[Cluster, Section, Comment, User, Role, FlaskForm], object]


@dataclass(frozen=True)
class CommentAction:
    """One action on one comment; a bare button (`buttons_only`) that fails validation
    was not sent by our page (400), a form with fields goes back with its errors (422)."""

    permission: Permission
    form: type[FlaskForm]
    act: Act
    done: LazyString
    buttons_only: bool = False


#: The actions on a comment, each at POST /c/SLUG/s/KEY/comments/ID/NAME (endpoint NAME).
ACTIONS: dict[str, CommentAction] = {
    "edit": CommentAction(
        Permission.COMMENT,
        EditForm,
        lambda c, s, comment, me, _role, form: edit_comment(c, s, comment, me, form.body.data),
        _l("Your comment is changed."),
    ),
    "delete": CommentAction(
        Permission.VIEW_CLUSTER,
        ActionForm,
        lambda c, s, comment, me, _role, _form: delete_comment(c, s, comment, me),
        _l("Your comment is removed."),
        buttons_only=True,
    ),
    "hide": CommentAction(
        Permission.HIDE_COMMENT,
        HideForm,
        lambda c, s, comment, me, role, form: hide_comment(c, s, comment, me, role, form.reason.data),
        _l("The comment is hidden."),
    ),
    "resolve": CommentAction(
        Permission.VIEW_CLUSTER,
        ResolveForm,
        lambda c, s, comment, me, role, form: resolve_comment(
            c, s, comment, me, role, form.resolution.data or ""
        ),
        _l("The thread is resolved."),
    ),
    "reopen": CommentAction(
        Permission.VIEW_CLUSTER,
        ActionForm,
        lambda c, s, comment, me, role, _form: reopen_comment(c, s, comment, me, role),
        _l("The thread is open again."),
        buttons_only=True,
    ),
}


def _comment_action(slug: str, key: str, comment_id: int, name: str):  # noqa: ANN202
    """Load → check → act → commit: the one shape of every action on one comment."""
    action = ACTIONS[name]
    cluster, role, section = _load(slug, key, action.permission)
    comment = _comment(section, comment_id, role)
    form = action.form()
    target = f"{name}-{comment_id}"
    if not form.validate_on_submit():
        if action.buttons_only:
            abort(400)
        return _render_page(cluster, role, section, (target, form, None), 422)
    try:
        action.act(cluster, section, comment, current_user._get_current_object(), role, form)
    except (Invalid, NotAllowed) as problem:
        return _refused(cluster, role, section, target, form, problem)
    return _done(cluster, section, comment_id, str(action.done))


for _name in ACTIONS:
    bp.add_url_rule(
        f"/<int:comment_id>/{_name}",
        endpoint=_name,
        view_func=partial(_comment_action, name=_name),
        methods=["POST"],
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["comment_panel"] = comment_panel
