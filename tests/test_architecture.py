"""Rules of the code's shape that a review would otherwise have to remember
(docs/architecture.md): one commit point, producers that emit events instead of telling
people themselves, and `workflows/` free of Flask and the database."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMMIT_POINT = ROOT / "webapp" / "transaction.py"


def _sources(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (ROOT / package).rglob("*.py"))


def commits_in(source: str) -> list[int]:
    """Lines calling `.commit()` on anything (a session, a connection)."""
    tree = ast.parse(source)
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("db.session.commit()\n", [1]),
        ("x = 1\nsession.commit()\n", [2]),
        ("def f():\n    conn.commit()  # why\n", [2]),
        ("db.session.flush()\ncommitted = True\n", []),
    ],
)
def test_the_commit_finder_finds_commits(source, expected):
    assert commits_in(source) == expected


def test_only_the_commit_point_commits():
    offenders = {
        str(path.relative_to(ROOT)): lines
        for path in _sources("webapp", "worker", "workflows", "charts")
        if path != COMMIT_POINT and (lines := commits_in(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "commit through webapp.transaction (the request, a task, a CLI verb)"
    assert commits_in(COMMIT_POINT.read_text(encoding="utf-8"))


NOTIFY_IMPORT = re.compile(r"from webapp\.notifications\.operations import [^\n]*\bnotify")


def test_producers_emit_events_and_never_notify_directly():
    offenders = [
        str(path.relative_to(ROOT))
        for path in _sources("webapp", "worker")
        if "notifications" not in path.parts and NOTIFY_IMPORT.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_workflows_are_pure():
    imported: dict[str, set[str]] = {}
    for path in _sources("workflows"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.setdefault(node.module.split(".")[0], set()).add(path.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    imported.setdefault(alias.name.split(".")[0], set()).add(path.name)
    forbidden = ("flask", "sqlalchemy", "webapp", "worker")
    assert {name: imported[name] for name in forbidden if name in imported} == {}


def role_literals_in(source: str) -> list[int]:
    """Lines spelling a set of cluster roles as a tuple of strings, e.g. ("member", "moderator")."""
    roles = {"admin", "moderator", "member", "observer"}
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Tuple | ast.List | ast.Set)
        and node.elts
        and all(isinstance(e, ast.Constant) and e.value in roles for e in node.elts)
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('x = ("member", "moderator")\n', [1]),
        ('if role in ("moderator",):\n    pass\n', [1]),
        ("x = MEMBER_ORGANISATION_ROLES\n", []),
        ('x = ("member", "title")\n', []),
    ],
)
def test_the_role_literal_finder_finds_role_sets(source, expected):
    assert role_literals_in(source) == expected


def test_role_sets_are_named_in_workflows_roles():
    """Who counts as a member organisation, who reviews, who is told: named once."""
    allowed = {ROOT / "workflows" / "roles.py", ROOT / "webapp" / "i18n_labels.py"}  # labels' order
    offenders = {
        str(path.relative_to(ROOT)): lines
        for path in _sources("webapp", "worker")
        if path not in allowed and (lines := role_literals_in(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_platform_rights_are_asked_in_one_place():
    """One gate for the agency's pages and API calls: webapp.access.require_platform_right."""
    defined = [
        str(path.relative_to(ROOT))
        for path in _sources("webapp")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and node.name in ("require_admin", "require_platform_right")
    ]
    assert defined == ["webapp/access.py"]


def emitted_verbs(source: str) -> set[str]:
    """The verbs an operation emits as literals: `emit("feature.verb", ...)`."""
    return {
        node.args[0].value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute | ast.Name)
        and getattr(node.func, "attr", getattr(node.func, "id", "")) == "emit"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def test_the_verb_finder_finds_emitted_verbs():
    source = 'events.emit("a.b", c)\nemit(\n    "x.y",\n    c,\n)\nemit(f"s.{v}")\n'
    assert emitted_verbs(source) == {"a.b", "x.y"}


def test_every_event_reaches_people_with_a_label_not_its_key():
    """The audit trail shows labels; a verb without one would show `comment.post` to people."""
    from webapp.audit_trail import NOT_RECORDED
    from webapp.i18n_labels import ACTION_LABELS, AUDIT_LABELS

    verbs = set().union(*(emitted_verbs(p.read_text(encoding="utf-8")) for p in _sources("webapp", "worker")))
    verbs |= {f"stage.{action}" for action in ACTION_LABELS}  # emitted as f"stage.{action}"
    assert verbs - NOT_RECORDED - set(AUDIT_LABELS) == set()
