"""Publishing an adopted strategy: the agency's API and buttons, the public pages at /p/."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import api_token, bearer, csrf_from, sign_in
from webapp.extensions import db
from webapp.models import AuditEvent, Cluster, Comment, Document, Membership, Section, User

SLUG = "makros"  # adopted in the demo: its versions are final
SECRET_COMMENT = "Uwaga-wewnetrzna-ktorej-nikt-spoza-klastra-nie-czyta"
SCRIPT = "<script>alert('published')</script>"
FAKE_DOCX = b"PK\x03\x04 the published strategy"


@pytest.fixture
def versions(app):  # noqa: ANN001, ANN201
    """MAKROS with a rendered final version (a script tag written in a section, a comment
    posted), a draft version, a final one not rendered yet, and a version of another cluster."""
    from webapp.documents import operations as documents

    with app.test_request_context():
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == SLUG))
        vision = db.session.scalar(
            select(Section).where(Section.cluster_id == cluster.id, Section.key == "vision")
        )
        vision.content = f"{vision.content}\n\n## Śródtytuł wizji\n\nUwaga: {SCRIPT}\n"
        moderator = db.session.scalar(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.cluster_id == cluster.id, Membership.role == "moderator")
        )
        db.session.add(
            Comment(cluster_id=cluster.id, section_id=vision.id, author_id=moderator.id, body=SECRET_COMMENT)
        )
        final = documents.request_document(cluster, moderator).document
        assert final.final
        db.session.commit()
        documents.start_rendering(final.id)
        assert documents.finish(final.id, FAKE_DOCX)

        def extra(version: int, **values: object) -> int:
            document = Document(
                cluster_id=values.pop("cluster_id", cluster.id),
                version=version,
                snapshot=final.snapshot,
                snapshot_hash=f"{version:064d}",
                **values,
            )
            db.session.add(document)
            db.session.flush()
            return document.id

        other = db.session.scalar(select(Cluster).where(Cluster.slug == "mak"))
        ids = {
            "final": final.id,
            "version": final.version,
            "sha256": final.sha256,
            "draft": extra(final.version + 1, final=False, status="done", data=b"PK", sha256="d" * 64),
            "queued": extra(final.version + 2, final=True, status="queued"),
            "later": extra(final.version + 3, final=True, status="done", data=b"PK later", sha256="e" * 64),
            "other": extra(900, cluster_id=other.id, final=True, status="done", data=b"PK", sha256="f" * 64),
            "emails": [
                e
                for (e,) in db.session.execute(
                    select(User.email)
                    .join(Membership, Membership.user_id == User.id)
                    .where(Membership.cluster_id == cluster.id)
                )
            ],
        }
        db.session.commit()
        db.session.remove()
    return ids


@pytest.fixture
def admin_headers(client, accounts) -> dict:  # noqa: ANN001
    return bearer(api_token(client, accounts.email("admin")))


def publish(client, headers: dict, document_id: int):  # noqa: ANN001, ANN201
    return client.post(
        f"/api/v1/clusters/{SLUG}/publication", json={"document_id": document_id}, headers=headers
    )


def test_a_published_version_is_readable_without_signing_in_and_shows_nothing_else(
    app, client, admin_headers, versions
):
    answer = publish(client, admin_headers, versions["final"])
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["cluster"] == SLUG
    assert (body["document_id"], body["version"], body["sha256"]) == (
        versions["final"],
        versions["version"],
        versions["sha256"],
    )
    assert body["url"].endswith(f"/p/{SLUG}") and body["published_at"]
    assert client.get(f"/api/v1/clusters/{SLUG}/publication", headers=admin_headers).get_json() == body

    anonymous = app.test_client()
    page = anonymous.get(f"/p/{SLUG}", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # the strategy: its title, a heading per stage and section with anchors in the contents
    assert "Mazowiecki" in html and 'id="toc-h"' in html
    for anchor in ("etap-diagnosis", "sekcja-vision", "sekcja-swot", "sekcja-action-plan", "zalacznik-1"):
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html, anchor
    assert "Diagnoza" in html and "Analiza SWOT" in html  # the document's own (Polish) titles
    assert '<div lang="pl">' in html
    # structured sections as tables, amounts and dates the Polish way, in the document's language
    assert 'class="table table-sm align-top action-plan-table"' in html
    assert "Audyt technologiczny członków" in html
    assert "120\xa0000\xa0zł" in html and "3\xa0200\xa0000\xa0zł" in html
    assert re.search(r">0?1\.06\.2014<", html)
    assert "Budżet" in html  # the table header in Polish, whatever the reader's language
    # the charts of the DOCX, inline (no route names a cluster), with a text alternative
    assert 'src="data:image/svg+xml;base64,' in html
    assert 'alt="Harmonogram działań"' in html and 'alt="Organizacje według rodzaju"' in html
    # version, checksum, the DOCX (no PDF was made)
    assert f'id="published-version">{versions["version"]}<' in html
    assert versions["sha256"] in html
    assert f'href="/p/{SLUG}/strategia.docx"' in html and "strategia.pdf" not in html
    docx = anonymous.get(f"/p/{SLUG}/strategia.docx")
    assert docx.status_code == 200 and docx.data == FAKE_DOCX
    assert anonymous.get(f"/p/{SLUG}/strategia.pdf").status_code == 404
    # nothing else of the cluster: no comment, no e-mail address, no signed-in navigation
    assert SECRET_COMMENT not in html
    assert versions["emails"] and not [e for e in versions["emails"] if e in html]
    assert "@" not in html
    assert "Sign out" not in html and "/notifications" not in html and "/c/makros" not in html
    # headings in order: the strategy's name first, a heading written in a section below its own
    main = html[html.index('<main id="main"') :]
    assert re.findall(r"<h([1-6])\b", main)[:3] == ["1", "2", "2"]
    assert "<h5>Śródtytuł wizji</h5>" in html
    # the text went through the sanitiser: the script tag written in a section is text
    assert SCRIPT not in html and "&lt;script&gt;" in html
    assert "<script>" not in re.sub(r'<script src="[^"]+"></script>', "", html)
    # every form on the page carries a CSRF token (the language switch is the only one)
    forms = re.findall(r"<form\b.*?</form>", html, flags=re.S)
    assert forms and all('name="csrf_token"' in form for form in forms)
    # the index lists it
    index = anonymous.get("/p/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f'href="/p/{SLUG}"' in index and "agri-food" in index
    assert re.search(rf"<td>{versions['version']}</td>", index)


def test_a_draft_or_a_version_not_ready_is_refused_with_409(client, admin_headers, versions):
    assert client.get(f"/api/v1/clusters/{SLUG}/publication", headers=admin_headers).status_code == 404
    draft = publish(client, {**admin_headers, "Accept-Language": "en"}, versions["draft"])
    assert draft.status_code == 409
    assert draft.get_json()["error"]["code"] == "not_final"
    assert "is a draft" in draft.get_json()["error"]["message"]
    queued = publish(client, admin_headers, versions["queued"])
    assert (queued.status_code, queued.get_json()["error"]["code"]) == (409, "not_ready")
    other = publish(client, admin_headers, versions["other"])
    assert other.status_code == 422 and other.get_json()["error"]["field"] == "document_id"
    assert publish(client, admin_headers, 10**6).status_code == 422
    assert (
        client.post(f"/api/v1/clusters/{SLUG}/publication", json={}, headers=admin_headers).status_code == 422
    )
    assert publish(client, admin_headers, versions["final"]).status_code == 201
    assert (
        client.post(
            "/api/v1/clusters/nope/publication", json={"document_id": 1}, headers=admin_headers
        ).status_code
        == 404
    )
    assert client.get(f"/p/{SLUG}").status_code == 200


def test_only_the_agency_publishes_or_withdraws(app, client, accounts, admin_headers, versions):
    moderator = bearer(api_token(client, accounts.email("moderator", SLUG)))
    url = f"/api/v1/clusters/{SLUG}/publication"
    assert client.post(url, json={"document_id": versions["final"]}, headers=moderator).status_code == 403
    assert client.get(url, headers=moderator).status_code == 403
    assert client.delete(url, headers=moderator).status_code == 403
    anonymous = app.test_client()
    assert anonymous.post(url, json={"document_id": versions["final"]}).status_code == 401
    assert anonymous.delete(url).status_code == 401
    missing = anonymous.get(f"/p/{SLUG}", headers={"Accept-Language": "en"})
    assert missing.status_code == 404  # nothing was published
    # A visitor is led to what they may read, not to a sign-in page.
    assert 'href="/p/"' in missing.get_data(as_text=True)
    assert "Back to my clusters" not in missing.get_data(as_text=True)
    assert publish(client, admin_headers, versions["final"]).status_code == 201
    assert client.delete(url, headers=moderator).status_code == 403
    assert anonymous.get(f"/p/{SLUG}").status_code == 200


def _without(html: str, slug: str) -> str:
    """The page without what differs by request anyway: the path, the CSRF token."""
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html.replace(slug, "SLUG"))


def test_unknown_unpublished_and_withdrawn_are_the_same_404_and_both_are_audited(
    app, client, admin_headers, versions
):
    anonymous = app.test_client()
    unknown = anonymous.get("/p/no-such-cluster")
    unpublished = anonymous.get("/p/mak")  # exists, never published
    assert unknown.status_code == unpublished.status_code == 404
    assert _without(unknown.get_data(as_text=True), "no-such-cluster") == _without(
        unpublished.get_data(as_text=True), "mak"
    )
    assert anonymous.get("/p/mak/strategia.docx").status_code == 404

    assert publish(client, admin_headers, versions["final"]).status_code == 201
    # another final version replaces it: 200, the page shows the new one
    replaced = publish(client, admin_headers, versions["later"])
    assert replaced.status_code == 200 and replaced.get_json()["version"] == versions["version"] + 3
    html = anonymous.get(f"/p/{SLUG}").get_data(as_text=True)
    assert f'id="published-version">{versions["version"] + 3}<' in html
    assert anonymous.get(f"/p/{SLUG}/strategia.docx").data == b"PK later"
    assert anonymous.get("/p/").get_data(as_text=True).count(f'href="/p/{SLUG}"') == 1

    url = f"/api/v1/clusters/{SLUG}/publication"
    assert client.delete(url, headers=admin_headers).status_code == 204
    withdrawn = anonymous.get(f"/p/{SLUG}")
    assert withdrawn.status_code == 404
    assert _without(withdrawn.get_data(as_text=True), SLUG) == _without(
        unknown.get_data(as_text=True), "no-such-cluster"
    )
    assert anonymous.get(f"/p/{SLUG}/strategia.docx").status_code == 404
    assert f'href="/p/{SLUG}"' not in anonymous.get("/p/").get_data(as_text=True)
    assert client.delete(url, headers=admin_headers).status_code == 404
    assert client.get(url, headers=admin_headers).status_code == 404

    with app.app_context():
        cluster_id = db.session.scalar(select(Cluster.id).where(Cluster.slug == SLUG))
        trail = db.session.execute(
            select(AuditEvent.verb, AuditEvent.subject, AuditEvent.actor_id)
            .where(AuditEvent.cluster_id == cluster_id, AuditEvent.verb.like("publication.%"))
            .order_by(AuditEvent.id)
        ).all()
        admin_id = db.session.scalar(select(User.id).where(User.email == "admin@example.org"))
    v = versions["version"]
    assert trail == [
        ("publication.publish", f"v{v}", admin_id),
        ("publication.publish", f"v{v + 3}", admin_id),
        ("publication.withdraw", f"v{v + 3}", admin_id),
    ]


def test_the_pdf_is_offered_only_when_it_was_made(app, client, admin_headers, versions):
    with app.app_context():
        document = db.session.get(Document, versions["final"])
        document.pdf, document.pdf_status = b"%PDF-1.7 published", "ready"
        db.session.commit()
    assert publish(client, admin_headers, versions["final"]).status_code == 201
    anonymous = app.test_client()
    html = anonymous.get(f"/p/{SLUG}").get_data(as_text=True)
    assert f'href="/p/{SLUG}/strategia.pdf"' in html
    pdf = anonymous.get(f"/p/{SLUG}/strategia.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data == b"%PDF-1.7 published"
    assert "attachment" in pdf.headers["Content-Disposition"]


def test_the_documents_page_has_the_agencys_buttons(app, client, accounts, versions):
    sign_in(client, accounts.email("admin"))
    page = client.get(f"/c/{SLUG}/documents/").get_data(as_text=True)
    publish_url = f"/c/{SLUG}/documents/{versions['final']}/publish"
    assert f'action="{publish_url}"' in page
    assert f"/c/{SLUG}/documents/{versions['draft']}/publish" not in page  # a draft: no button
    assert "/publication/withdraw" not in page
    csrf = csrf_from(page)
    draft = client.post(f"/c/{SLUG}/documents/{versions['draft']}/publish", data={"csrf_token": csrf})
    assert draft.status_code == 409 and "jest robocza" in draft.get_data(as_text=True)  # the admin's Polish
    done = client.post(publish_url, data={"csrf_token": csrf})
    assert done.status_code == 302
    page = client.get(f"/c/{SLUG}/documents/").get_data(as_text=True)
    assert f'action="/c/{SLUG}/publication/withdraw"' in page and "published-badge" in page
    assert app.test_client().get(f"/p/{SLUG}").status_code == 200
    assert client.post(f"/c/{SLUG}/publication/withdraw", data={"csrf_token": csrf}).status_code == 302
    assert app.test_client().get(f"/p/{SLUG}").status_code == 404
    # without the token the form is refused, as every form
    assert client.post(publish_url, data={}).status_code == 400

    member = app.test_client()
    sign_in(member, accounts.email("moderator", SLUG))
    page = member.get(f"/c/{SLUG}/documents/").get_data(as_text=True)
    assert "/publish" not in page
    assert member.post(publish_url, data={"csrf_token": csrf_from(page)}).status_code == 403
