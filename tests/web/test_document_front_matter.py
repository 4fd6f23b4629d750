"""The snapshot's front matter: the agency from the settings, and the history of versions
(date, state, changed sections, who adopted it) that the document's "metryka" prints."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import make_app
from webapp.config import file_setting
from webapp.documents import operations
from webapp.extensions import db
from webapp.models import AuditEvent, Cluster, Section, User

LOGO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def app(database_url: str, tmp_path: Path):  # noqa: ANN201
    logo = tmp_path / "logo.png"
    logo.write_bytes(LOGO)
    application = make_app(
        database_url, AGENCY_NAME="Agencja Rozwoju Mazowsza", AGENCY_CITY="Płock", AGENCY_LOGO=str(logo)
    )
    yield application
    with application.app_context():
        db.engine.dispose()


def _cluster(slug: str) -> Cluster:
    return db.session.scalar(select(Cluster).where(Cluster.slug == slug))


def _edit_first_section(cluster: Cluster) -> str:
    section = db.session.scalar(
        select(Section).where(Section.cluster_id == cluster.id, Section.revision > 0).order_by(Section.id)
    )
    section.revision += 1
    section.content = "Nowa treść."
    db.session.flush()
    return section.key


def test_history_grows_by_version_with_the_changed_sections(app):
    with app.app_context():
        cluster = _cluster("mak")
        first = operations.request_document(cluster, None).document
        assert operations.request_document(cluster, None).created is False  # the history is not content
        key = _edit_first_section(cluster)
        second = operations.request_document(cluster, None).document
        versions, first_created = [first.version, second.version], first.snapshot["created_at"]
        snapshot = second.snapshot
        title = next(s["title"] for st in snapshot["stages"] for s in st["sections"] if s["key"] == key)
    history = snapshot["history"]
    assert [h["version"] for h in history] == versions
    assert history[0]["created_at"] == first_created
    assert history[1]["created_at"] == snapshot["created_at"]
    assert "changed_sections" not in history[0]  # the first version: everything is new
    assert history[1]["changed_sections"] == [title]
    assert [h["final"] for h in history] == [False, False]
    assert [h["approved_by"] for h in history] == [[], []]
    assert snapshot["agency"] == {
        "name": "Agencja Rozwoju Mazowsza",
        "city": "Płock",
        "logo": base64.b64encode(LOGO).decode(),
    }


def test_adopted_version_names_who_approved_the_last_stage(app):
    with app.app_context():
        cluster = _cluster("makros")
        document = operations.request_document(cluster, None).document
        last_stage = document.snapshot["stages"][-1]["key"]
        approvers = db.session.scalars(
            select(User.name)
            .join(AuditEvent, AuditEvent.actor_id == User.id)
            .where(AuditEvent.cluster_id == cluster.id, AuditEvent.verb == "stage.approve")
            .where(AuditEvent.subject == last_stage)
        ).all()
        (entry,) = document.snapshot["history"]
    assert entry["final"] is True and entry["version"] == document.version
    assert len(approvers) == 1 and entry["approved_by"] == approvers


def test_a_file_setting_must_name_a_file(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCX_TEMPLATE", str(tmp_path / "missing.docx"))
    with pytest.raises(ValueError, match="DOCX_TEMPLATE"):
        file_setting("DOCX_TEMPLATE")
    monkeypatch.setenv("DOCX_TEMPLATE", "")
    assert file_setting("DOCX_TEMPLATE") == ""
