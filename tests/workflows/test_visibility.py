"""Who sees, posts, resolves, edits and hides comments — as tables, without a database.

The last tests read the source tree: no module but webapp/comments/queries.py queries the
comments table, and every query there carries the visibility filter. Together with the
SQL watcher in tests/web/test_comments.py this proves there is no other path to a comment
(pages, API, counts, notifications, e-mails, documents).
"""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest

from workflows.roles import Role
from workflows.visibility import (
    COMMENT_KINDS,
    VISIBILITIES,
    blocking_visibilities,
    blocks_stage,
    can_see_comment,
    may_delete,
    may_edit,
    may_hide,
    may_post,
    may_resolve,
    reply_visibility_allowed,
    visible_to_everyone,
    visible_visibilities,
)

A, MOD, MEM, OBS = Role.ADMIN, Role.MODERATOR, Role.MEMBER, Role.OBSERVER
OUT = None  # not in the cluster

# role -> (sees "all", sees "moderators")
SEES = {
    A: (True, True),
    MOD: (True, True),
    MEM: (True, False),
    OBS: (True, False),
    OUT: (False, False),
}


@pytest.mark.parametrize("role", list(SEES))
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_who_sees_what(role, visibility):
    expected = SEES[role][VISIBILITIES.index(visibility)]
    assert can_see_comment(role, visibility) is expected
    assert (visibility in visible_visibilities(role)) is expected


@pytest.mark.parametrize("role", list(SEES))
def test_unknown_visibility_is_seen_by_nobody(role):
    assert can_see_comment(role, "public") is False
    assert can_see_comment(role, "") is False


def test_visible_visibilities_per_role():
    assert visible_visibilities(A) == ("all", "moderators")
    assert visible_visibilities(MOD) == ("all", "moderators")
    assert visible_visibilities(MEM) == ("all",)
    assert visible_visibilities(OBS) == ("all",)
    assert visible_visibilities(OUT) == ()
    assert visible_visibilities("member") == ("all",)


def test_only_what_everyone_sees_can_block_a_stage_or_be_counted_for_all():
    assert visible_to_everyone() == ("all",)
    assert blocking_visibilities() == visible_to_everyone()
    for role in (A, MOD, MEM, OBS):
        assert set(visible_to_everyone()) <= set(visible_visibilities(role))


# role -> visibilities it may post (any kind)
POSTS = {
    A: {"all", "moderators"},
    MOD: {"all", "moderators"},
    MEM: {"all"},
    OBS: {"all"},
    OUT: set(),
}


@pytest.mark.parametrize("role", list(POSTS))
@pytest.mark.parametrize("visibility", [*VISIBILITIES, "public"])
@pytest.mark.parametrize("kind", [*COMMENT_KINDS, "praise"])
def test_who_posts_what(role, visibility, kind):
    expected = visibility in POSTS[role] and kind in COMMENT_KINDS
    assert may_post(role, visibility, kind) is expected


@pytest.mark.parametrize(
    ("parent", "reply", "allowed"),
    [
        ("all", "all", True),
        ("all", "moderators", True),  # stricter is fine: an internal note under a thread
        ("moderators", "moderators", True),
        ("moderators", "all", False),  # never wider than the parent
        ("all", "public", False),
        ("public", "all", False),
    ],
)
def test_a_reply_is_never_wider_than_its_parent(parent, reply, allowed):
    assert reply_visibility_allowed(parent, reply) is allowed


@pytest.mark.parametrize(
    ("role", "is_author", "allowed"),
    [
        (A, False, True),
        (MOD, False, True),
        (MOD, True, True),
        (MEM, True, True),
        (MEM, False, False),
        (OBS, True, True),
        (OBS, False, False),
        (OUT, True, False),
        (OUT, False, False),
    ],
)
def test_who_resolves(role, is_author, allowed):
    assert may_resolve(role, is_author) is allowed


WINDOW = timedelta(minutes=15)


@pytest.mark.parametrize(
    ("is_author", "age", "allowed"),
    [
        (True, timedelta(0), True),
        (True, timedelta(minutes=14, seconds=59), True),
        (True, WINDOW, True),
        (True, WINDOW + timedelta(seconds=1), False),
        (True, timedelta(seconds=-5), False),  # a clock from the future edits nothing
        (False, timedelta(0), False),
    ],
)
def test_edit_only_own_and_only_for_a_while(is_author, age, allowed):
    assert may_edit(is_author, age, WINDOW) is allowed


def test_delete_own_hide_as_moderator():
    assert may_delete(True) and not may_delete(False)
    assert {r for r in (A, MOD, MEM, OBS, OUT) if may_hide(r)} == {A, MOD}


@pytest.mark.parametrize(
    ("kind", "visibility", "resolved", "removed", "blocks"),
    [
        ("objection", "all", False, False, True),
        ("objection", "moderators", False, False, False),  # internal: never blocks
        ("objection", "all", True, False, False),
        ("objection", "all", False, True, False),
        ("remark", "all", False, False, False),
        ("suggestion", "all", False, False, False),
    ],
)
def test_what_blocks_a_stage(kind, visibility, resolved, removed, blocks):
    assert blocks_stage(kind, visibility, resolved, removed) is blocks


def test_the_models_know_the_same_visibilities_and_kinds():
    from webapp.models.comments import COMMENT_KINDS as MODEL_KINDS
    from webapp.models.comments import VISIBILITIES as MODEL_VISIBILITIES

    assert MODEL_VISIBILITIES == VISIBILITIES
    assert MODEL_KINDS == COMMENT_KINDS


# --- no other path: the source tree --------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("webapp", "worker", "charts", "scripts")
THE_ONE_PLACE = "webapp/comments/queries.py"
VISIBILITY_FILTERS = frozenset({"visible_to", "_visible_to_user", "_seen_by_everyone", "_open_objection"})
TEXT_SQL = re.compile(r"\b(from|join|update|into)\s+\"?comments\b", re.IGNORECASE)


def _annotation_nodes(tree: ast.AST) -> set[int]:
    """Nodes inside type annotations (naming a type reads no row)."""
    roots: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            a = node.args
            for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]:
                if arg is not None and arg.annotation is not None:
                    roots.append(arg.annotation)
            if node.returns is not None:
                roots.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            roots.append(node.annotation)
            alias = node.annotation
            if node.value is not None and (
                (isinstance(alias, ast.Name) and alias.id == "TypeAlias")
                or (isinstance(alias, ast.Attribute) and alias.attr == "TypeAlias")
            ):
                roots.append(node.value)  # `X: TypeAlias = ...` names types, nothing else
    return {id(n) for root in roots for n in ast.walk(root)}


def comment_reads(tree: ast.AST) -> list[int]:
    """Line numbers where the Comment model is used for anything but naming a type or
    making a new row (so: a query, a filter, a join, a load by id), or where SQL text
    names the comments table."""
    skip = _annotation_nodes(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            skip.add(id(node.func))  # Comment(...) makes a new row; it reads nothing
    lines = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        is_model = (isinstance(node, ast.Name) and node.id == "Comment") or (
            isinstance(node, ast.Attribute) and node.attr == "Comment"
        )
        is_sql = (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and TEXT_SQL.search(node.value)
        )
        if is_model or is_sql:
            lines.append(node.lineno)
    return sorted(set(lines))


def _python_files():  # noqa: ANN202
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith("webapp/models/"):
                continue  # the model's own definition
            yield relative, ast.parse(path.read_text(encoding="utf-8"), filename=relative)


def test_the_detector_finds_every_use_of_comments():
    sample = ast.parse(
        "select(Comment).where(Comment.id == 1)\n"
        "db.session.get(Comment, 3)\n"
        "Comment.query.all()\n"
        "db.session.execute(text('SELECT body FROM comments'))\n"
        "q = select(x).where(models.Comment.visibility == 'all')\n"
        "db.session.add(Comment(body='x'))\n"  # a new row reads nothing
        "def f(c: Comment, d: list[Comment] | None = None) -> Comment: pass\n"
        "x: Comment = make()\n"
        "Act: TypeAlias = Callable[[Comment], None]\n"
        "Loader = Callable[[Comment], None]\n"  # no TypeAlias: could be anything, counted
    )
    assert comment_reads(sample) == [1, 2, 3, 4, 5, 10]


def test_no_module_but_the_queries_reads_comments():
    offenders = {
        relative: lines
        for relative, tree in _python_files()
        if relative != THE_ONE_PLACE and (lines := comment_reads(tree))
    }
    assert offenders == {}, (
        "comments are read only in webapp/comments/queries.py, through the visibility "
        f"filter; found elsewhere: {offenders}"
    )


def test_every_comment_query_carries_the_visibility_filter():
    tree = ast.parse((ROOT / THE_ONE_PLACE).read_text(encoding="utf-8"))
    unfiltered = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or not comment_reads(node):
            continue
        runs_query = any(isinstance(n, ast.Attribute) and n.attr == "session" for n in ast.walk(node))
        if runs_query:  # (the helpers that only build filters run nothing themselves)
            names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            if not names & VISIBILITY_FILTERS:
                unfiltered.append(node.name)
    assert unfiltered == [], f"queries on comments without the visibility filter: {unfiltered}"
    # ...and the filters themselves are made from workflows.visibility, nothing else.
    source = (ROOT / THE_ONE_PLACE).read_text(encoding="utf-8")
    assert "Comment.visibility.in_(visible_visibilities(role))" in source
    assert "Comment.visibility.in_(visible_to_everyone())" in source
    assert "Comment.visibility.in_(blocking_visibilities())" in source
    assert not re.search(r"visibility\s*==", source), "visibility compared by hand"
