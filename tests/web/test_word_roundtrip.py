"""The Word round trip (issue 15): a rendered version edited as a person edits in Word
comes back as proposals on exactly the sections changed; the same after LibreOffice
re-saves it; a strategy written elsewhere is imported by its headings; bad files are
refused with nothing written; two versions compare as tracked changes."""

from __future__ import annotations

import copy
import difflib
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree
from sqlalchemy import func, select

from tests.conftest import api_token, bearer, page_csrf, sign_in
from webapp.documents import operations as documents
from webapp.extensions import db
from webapp.models import Cluster, Comment, Proposal, Upload, User
from worker.renderer import render_strategy

SLUG = "e-medycyna"  # actions drafting in the demo; its strategy has a SWOT and an action plan
TEXT = "financing"  # a text section of the drafting stage (its proposals can be accepted)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def member(client, accounts):  # noqa: ANN001, ANN201
    return bearer(api_token(client, accounts.email("member", SLUG)))


@pytest.fixture
def moderator(client, accounts):  # noqa: ANN001, ANN201
    return bearer(api_token(client, accounts.email("moderator", SLUG)))


def render_version(app) -> int:  # noqa: ANN001
    """A version of the cluster's strategy, rendered as the worker would."""
    with app.app_context():
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == SLUG))
        document = documents.request_document(cluster, None).document
        assert documents.finish(document.id, render_strategy(document.snapshot))
        db.session.commit()
        return document.id


def version_bytes(app, document_id: int) -> bytes:  # noqa: ANN001
    from webapp.models import Document

    with app.app_context():
        return db.session.get(Document, document_id).data


def section_paragraphs(document: docx.document.Document, key: str) -> list:
    """The body elements of a section: after its marked heading, up to the next heading."""
    body = document.element.body
    children = list(body)
    start = next(
        i
        for i, el in enumerate(children)
        if any(
            (b.get(qn("w:name")) or "").startswith(f"studio_s_{key}_r")
            for b in el.iter(qn("w:bookmarkStart"))
        )
    )
    found = []
    for el in children[start + 1 :]:
        style = el.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and style.get(qn("w:val")) in ("Heading1", "Heading2"):
            break
        found.append(el)
    return found


def set_text(p, text: str) -> None:  # noqa: ANN001
    """A paragraph's text replaced, keeping its first run's formatting (as Word does)."""
    runs = p.findall(qn("w:r"))
    for r in runs[1:]:
        p.remove(r)
    for t in runs[0].findall(qn("w:t"))[1:]:
        runs[0].remove(t)
    t = runs[0].find(qn("w:t"))
    t.text = text


def edit_like_a_person(data: bytes) -> tuple[bytes, dict]:
    """Change a sentence of a text section, add a SWOT strength, add an action row, comment."""
    document = docx.Document(io.BytesIO(data))
    paragraph = next(
        el
        for el in section_paragraphs(document, TEXT)
        if el.tag == qn("w:p")
        and el.findall(qn("w:r"))
        and el.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") is None
    )
    old_text = "".join(t.text for t in paragraph.iter(qn("w:t")))
    new_sentence = "Klaster zrzesza dziś ponad sto firm z całego regionu."
    set_text(paragraph, new_sentence)

    swot = next(el for el in section_paragraphs(document, "swot") if el.tag == qn("w:tbl"))
    strengths_cell = swot.find(qn("w:tr")).find(qn("w:tc"))
    items = strengths_cell.findall(qn("w:p"))
    added = copy.deepcopy(items[-1])
    set_text(added, "Silne zaplecze badawcze uczelni")
    items[-1].addnext(added)

    plan = next(el for el in section_paragraphs(document, "action_plan") if el.tag == qn("w:tbl"))
    rows = plan.findall(qn("w:tr"))
    body_row = copy.deepcopy(rows[-2])  # the last action; the totals row stays last
    cells = body_row.findall(qn("w:tc"))
    set_text(cells[1].find(qn("w:p")), "Wspólne stoisko na targach w Hanowerze")
    rows[-2].addnext(body_row)

    members = [
        el for el in section_paragraphs(document, "members") if el.tag == qn("w:p") and el.findall(qn("w:r"))
    ]
    target = docx.text.paragraph.Paragraph(members[0], document.part)
    document.add_comment(
        target.runs, text="Czy ta liczba jest aktualna?", author="Anna Recenzentka", initials="AR"
    )

    out = io.BytesIO()
    document.save(out)
    return out.getvalue(), {"old_profile": old_text, "new_profile": new_sentence}


def upload(client, headers, data: bytes, name: str = "strategia.docx"):  # noqa: ANN001, ANN201
    return client.post(
        f"/api/v1/clusters/{SLUG}/uploads",
        data={"file": (io.BytesIO(data), name)},
        headers=headers,
        content_type="multipart/form-data",
    )


def counts(app) -> tuple[int, int, int]:  # noqa: ANN001
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Upload)),
            db.session.scalar(select(func.count()).select_from(Proposal)),
            db.session.scalar(select(func.count()).select_from(Comment)),
        )


def check_round_trip(app, client, member, edited: bytes, texts: dict) -> dict:  # noqa: ANN001
    before = counts(app)
    answer = upload(client, member, edited)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert {p["section"] for p in body["proposals"]} == {TEXT, "swot", "action_plan"}
    assert body["comments"] == 1
    with app.app_context():
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == SLUG))
        from webapp.models import Section

        sections = {
            s.key: s for s in db.session.scalars(select(Section).where(Section.cluster_id == cluster.id))
        }
        by_key = {p["section"]: db.session.get(Proposal, p["id"]) for p in body["proposals"]}
        profile = by_key[TEXT]
        assert profile.base_revision == sections[TEXT].revision
        source = sections[TEXT].content
        assert texts["new_profile"] in profile.content
        # only the changed paragraph differs from the section's own Markdown
        changed = [
            line
            for line in difflib.ndiff(source.splitlines(), profile.content.splitlines())
            if line[:2] in ("- ", "+ ")
        ]
        assert len(changed) == 2 and changed[1] == "+ " + texts["new_profile"]
        assert changed[0][2:].replace("**", "") == texts["old_profile"]  # its Markdown, emphasis and all
        swot = by_key["swot"].content
        old_swot = sections["swot"].content
        assert swot["strengths"] == old_swot["strengths"] + ["Silne zaplecze badawcze uczelni"]
        assert {k: swot[k] for k in ("weaknesses", "opportunities", "threats")} == {
            k: old_swot[k] for k in ("weaknesses", "opportunities", "threats")
        }
        plan = by_key["action_plan"].content
        old_plan = sections["action_plan"].content
        assert plan[: len(old_plan)] == old_plan  # every row as it was, ids included
        assert len(plan) == len(old_plan) + 1
        assert plan[-1]["action"] == "Wspólne stoisko na targach w Hanowerze"
        assert plan[-1]["budget_pln"] == old_plan[-1]["budget_pln"]
        assert plan[-1]["start"] == old_plan[-1]["start"]
        assert plan[-1]["objective_id"] == old_plan[-1]["objective_id"]
        comment = db.session.scalar(select(Comment).order_by(Comment.id.desc()))
        assert comment.section_id == sections["members"].id
        assert "Czy ta liczba jest aktualna?" in comment.body
    assert counts(app) == (before[0] + 1, before[1] + 3, before[2] + 1)
    return body


def test_an_edited_version_comes_back_as_proposals_on_exactly_the_changed_sections(app, client, member):
    document_id = render_version(app)
    edited, texts = edit_like_a_person(version_bytes(app, document_id))
    body = check_round_trip(app, client, member, edited, texts)
    assert body["tracked_changes"] == {"insertions": 0, "deletions": 0}

    # the same file again: the same upload, nothing new
    before = counts(app)
    again = upload(client, member, edited)
    assert again.status_code == 200
    assert again.get_json()["id"] == body["id"]
    assert counts(app) == before


def test_the_unchanged_file_proposes_nothing(app, client, member):
    document_id = render_version(app)
    answer = upload(client, member, version_bytes(app, document_id))
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["proposals"] == [] and answer.get_json()["comments"] == 0
    assert answer.get_json()["unmatched"] == []


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_file_resaved_by_libreoffice_keeps_its_markers(app, client, member, tmp_path: Path):
    document_id = render_version(app)
    edited, texts = edit_like_a_person(version_bytes(app, document_id))
    source = tmp_path / "in" / "strategia.docx"
    source.parent.mkdir()
    source.write_bytes(edited)
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless"]
        + ["--convert-to", "docx", "--outdir", str(tmp_path / "out"), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    resaved = (tmp_path / "out" / "strategia.docx").read_bytes()
    assert resaved != edited
    check_round_trip(app, client, member, resaved, texts)


def test_accepting_merges_with_a_concurrent_edit_of_another_paragraph(app, client, member, moderator):
    document_id = render_version(app)
    edited, texts = edit_like_a_person(version_bytes(app, document_id))
    body = upload(client, member, edited).get_json()
    proposal = next(p["id"] for p in body["proposals"] if p["section"] == TEXT)
    url = f"/api/v1/clusters/{SLUG}/sections/{TEXT}"
    now = client.get(url, headers=moderator).get_json()
    added = "\n\nAkapit dopisany w przeglądarce."
    saved = client.put(
        url, json={"content": now["content"] + added, "base_revision": now["revision"]}, headers=moderator
    )
    assert saved.status_code == 200, saved.get_json()
    accepted = client.post(f"/api/v1/proposals/{proposal}/accept", headers=moderator)
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["merged"] is True
    final = client.get(url, headers=moderator).get_json()["content"]
    assert texts["new_profile"] in final and "Akapit dopisany w przeglądarce." in final


def test_tracked_changes_are_read_as_accepted(app, client, member):
    document_id = render_version(app)
    document = docx.Document(io.BytesIO(version_bytes(app, document_id)))
    p = next(el for el in section_paragraphs(document, TEXT) if el.findall(qn("w:r")))
    first = p.findall(qn("w:r"))[0]
    deleted = copy.deepcopy(first)
    for t in deleted.findall(qn("w:t")):
        t.tag = qn("w:delText")
    wrapper = p.makeelement(qn("w:del"), {qn("w:id"): "1", qn("w:author"): "X"})
    wrapper.append(deleted)
    inserted = p.makeelement(qn("w:ins"), {qn("w:id"): "2", qn("w:author"): "X"})
    run = copy.deepcopy(first)
    for t in run.findall(qn("w:t")):
        t.text = ""
    run.findall(qn("w:t"))[0].text = "Nowy początek akapitu. "
    inserted.append(run)
    first.addprevious(wrapper)
    first.addprevious(inserted)
    p.remove(first)
    out = io.BytesIO()
    document.save(out)
    answer = upload(client, member, out.getvalue())
    body = answer.get_json()
    assert answer.status_code == 201, body
    assert body["tracked_changes"]["insertions"] >= 1 and body["tracked_changes"]["deletions"] >= 1
    (made,) = body["proposals"]
    with app.app_context():
        content = db.session.get(Proposal, made["id"]).content
    assert content.split("\n\n")[0].lstrip("# ").startswith("Nowy początek akapitu.")


# -- a strategy the studio did not make --------------------------------------------------------


def hand_written_strategy() -> bytes:
    """A consultant's draft: numbered headings, its own words, a SWOT table, an extra chapter."""
    document = docx.Document()
    document.add_heading("Strategia rozwoju Klastra Kreatywnego 2027–2030", 0)
    document.add_paragraph("Dokument przygotowany przez zespół ekspertów.")
    document.add_heading("1. DIAGNOZA", 1)
    document.add_heading("1.1. Profil klastra", 2)
    document.add_paragraph("Klaster powstał w 2015 roku i skupia 42 podmioty.")
    p = document.add_paragraph("Najważniejsze: ")
    p.add_run("wzornictwo przemysłowe").bold = True
    document.add_paragraph("studia projektowe", style="List Bullet")
    document.add_paragraph("agencje reklamowe", style="List Bullet")
    document.add_heading("1.4 Analiza SWOT", 2)
    table = document.add_table(rows=2, cols=2)
    cells = {
        (0, 0): ("Mocne strony", ["Doświadczeni projektanci", "Bliskość uczelni"]),
        (0, 1): ("Słabe strony", ["Mała skala firm"]),
        (1, 0): ("Szanse", ["Fundusze europejskie"]),
        (1, 1): ("Zagrożenia", ["Odpływ talentów"]),
    }
    for (r, c), (label, items) in cells.items():
        cell = table.cell(r, c)
        cell.paragraphs[0].add_run(label).bold = True
        for item in items:
            cell.add_paragraph(item)
    document.add_heading("Rozdział 7. Słowniczek pojęć", 1)
    document.add_paragraph("Klaster – forma współpracy przedsiębiorstw.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_hand_written_strategy_is_imported_by_its_headings(app, client, member):
    answer = upload(client, member, hand_written_strategy(), "strategia-konsultanta.docx")
    body = answer.get_json()
    assert answer.status_code == 201, body
    assert body["kind"] == "import" and body["status"] == "done"
    assert {p["section"] for p in body["proposals"]} == {"profile", "swot"}
    titles = [u["title"] for u in body["unmatched"]]
    assert "Rozdział 7. Słowniczek pojęć" in titles and "" in titles  # nothing dropped silently
    with app.app_context():
        made = {p["section"]: db.session.get(Proposal, p["id"]).content for p in body["proposals"]}
    assert made["profile"].startswith("Klaster powstał w 2015 roku i skupia 42 podmioty.")
    assert "**wzornictwo przemysłowe**" in made["profile"]
    assert "- studia projektowe\n- agencje reklamowe" in made["profile"]
    assert made["swot"]["strengths"] == ["Doświadczeni projektanci", "Bliskość uczelni"]
    assert made["swot"]["threats"] == ["Odpływ talentów"]


def test_the_import_preview_lets_the_moderator_map_what_did_not_match(app, client, accounts):
    sign_in(client, accounts.email("moderator", SLUG))
    token = page_csrf(client, f"/c/{SLUG}/documents/")
    answer = client.post(
        f"/c/{SLUG}/documents/upload",
        data={"csrf_token": token, "file": (io.BytesIO(hand_written_strategy()), "draft.docx")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302
    page = client.get(answer.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Rozdział 7. Słowniczek pojęć" in html
    assert counts(app)[1] == 0  # nothing proposed before the mapping
    with app.app_context():
        pending = db.session.scalar(select(Upload))
        parts = pending.summary["parts"]
        upload_id = pending.id
    mapping = {f"part-{p['index']}": p["section"] or "ignore" for p in parts}
    glossary = next(p for p in parts if p["title"].startswith("Rozdział 7"))
    mapping[f"part-{glossary['index']}"] = "context"
    done = client.post(
        f"/c/{SLUG}/documents/uploads/{upload_id}",
        data={"csrf_token": page_csrf(client, f"/c/{SLUG}/documents/uploads/{upload_id}"), **mapping},
    )
    assert done.status_code == 302
    summary = client.get(done.headers["Location"]).get_data(as_text=True)
    assert (
        'id="upload-proposals"' in summary
        and "Rozdział 7" not in summary.split('id="upload-proposals"')[1][:400]
    )
    with app.app_context():
        proposals = db.session.scalars(select(Proposal)).all()
        assert {p.section.key for p in proposals} == {"profile", "swot", "context"}
        assert db.session.scalar(select(Upload)).status == "done"
        assert db.session.scalar(select(Upload)).data is None


# -- bad files ----------------------------------------------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _with(data: bytes, changes: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = {name: source.read(name) for name in source.namelist()}
    entries.update(changes)
    return _zip(entries)


def bad_files(good: bytes) -> dict[str, bytes]:
    types = zipfile.ZipFile(io.BytesIO(good)).read("[Content_Types].xml")
    macro_types = types.replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
    )
    return {
        "not_docx": b"%PDF-1.7 this is no Word file",
        "damaged": good[: len(good) // 2],
        "bomb": _with(good, {"word/filler.bin": b"\0" * (40 * 1024 * 1024)}),
        "macros": _with(
            good, {"[Content_Types].xml": macro_types, "word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}
        ),
        "entity_bomb": _with(
            good,
            {
                "word/document.xml": b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
                b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c SYSTEM "file:///etc/passwd">]>'
                b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                b'<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>Profil klastra</w:t></w:r></w:p>'
                b"<w:p><w:r><w:t>&b;&c;Tekst.</w:t></w:r></w:p></w:body></w:document>"
            },
        ),
        "zip_of_something_else": _zip({"readme.txt": b"hello"}),
    }


@pytest.mark.parametrize("kind", ["not_docx", "damaged", "bomb", "macros", "zip_of_something_else"])
def test_bad_files_are_refused_with_nothing_written(app, client, member, kind):
    document_id = render_version(app)
    data = bad_files(version_bytes(app, document_id))[kind]
    before = counts(app)
    answer = upload(client, member, data)
    assert answer.status_code == 422, answer.get_json()
    error = answer.get_json()["error"]
    assert error["code"].startswith("bad_file") and error["message"]
    assert counts(app) == before


def test_an_xml_entity_bomb_is_not_expanded(app, client, member):
    document_id = render_version(app)
    data = bad_files(version_bytes(app, document_id))["entity_bomb"]
    answer = upload(client, member, data)
    body = answer.get_json()
    assert answer.status_code == 201, body  # read as a file of its own: by its headings
    (made,) = body["proposals"]
    with app.app_context():
        content = db.session.get(Proposal, made["id"]).content
    assert content == "Tekst."  # neither the entities' expansion nor the file they name


def test_a_file_over_the_limit_is_413(app, client, member):
    app.config["UPLOAD_MAX_BYTES"] = 10_000
    before = counts(app)
    answer = upload(client, member, hand_written_strategy() + b"\0" * 20_000)
    assert answer.status_code == 413
    assert answer.get_json()["error"]["code"] == "too_large"
    assert counts(app) == before


def test_external_links_and_embedded_objects_are_listed_never_fetched(app, client, member):
    data = hand_written_strategy()
    source = zipfile.ZipFile(io.BytesIO(data))
    rels = source.read("word/_rels/document.xml.rels").replace(
        b"</Relationships>",
        b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"'
        b' Target="http://attacker.invalid/track.png" TargetMode="External"/></Relationships>',
    )
    answer = upload(client, member, _with(data, {"word/_rels/document.xml.rels": rels}))
    body = answer.get_json()
    assert answer.status_code == 201, body
    assert any("attacker.invalid" in item for item in body["ignored"])


def test_an_observer_may_upload_but_someone_outside_may_not(app, client, accounts):
    observer = bearer(api_token(client, accounts.email("observer", SLUG)))
    assert upload(client, observer, hand_written_strategy()).status_code == 201
    with app.app_context():
        outsider = db.session.scalar(select(User).where(User.is_admin.is_(False)).order_by(User.id.desc()))
        email = outsider.email
    other = bearer(api_token(client, email))
    assert upload(client, other, b"x").status_code in (403, 404)


# -- compare --------------------------------------------------------------------------------------


def test_two_versions_compare_as_tracked_changes(app, client, moderator, accounts):
    first = render_version(app)
    url = f"/api/v1/clusters/{SLUG}/sections/{TEXT}"
    now = client.get(url, headers=moderator).get_json()
    paragraphs = now["content"].split("\n\n")
    removed = paragraphs.pop(1)  # a paragraph deleted
    paragraphs[0] = paragraphs[0] + " Zdanie dopisane w drugiej wersji."  # a sentence added
    paragraphs.append("Zupełnie nowy akapit.")  # a paragraph added
    body = {"content": "\n\n".join(paragraphs), "base_revision": now["revision"]}
    assert client.put(url, json=body, headers=moderator).status_code == 200
    second = render_version(app)

    compare = f"/api/v1/clusters/{SLUG}/documents/compare"
    answer = client.get(f"{compare}?from={first}&to={second}", headers=moderator)
    assert answer.status_code == 200
    assert answer.mimetype == DOCX
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(answer.data)).read("word/document.xml"))
    inserted = "".join(t.text or "" for ins in root.iter(qn("w:ins")) for t in ins.iter(qn("w:t")))
    deleted = "".join(t.text or "" for d in root.iter(qn("w:del")) for t in d.iter(qn("w:delText")))
    assert "Zdanie dopisane w drugiej wersji." in inserted and "Zupełnie nowy akapit." in inserted
    first_words = removed.replace("*", "").split()[:3]
    assert " ".join(first_words) in deleted
    with app.app_context():
        name = db.session.scalar(select(User.name).where(User.email == accounts.email("moderator", SLUG)))
    authors = {el.get(qn("w:author")) for el in root.iter(qn("w:ins"), qn("w:del"))}
    assert authors == {name}
    assert all(el.get(qn("w:date")) for el in root.iter(qn("w:ins"), qn("w:del")))
    docx.Document(io.BytesIO(answer.data))  # it still opens
    # versions reversed: the same comparison; a version not the cluster's: 404
    assert client.get(f"{compare}?from={second}&to={first}", headers=moderator).status_code == 200
    assert client.get(f"{compare}?from={first}&to=999999", headers=moderator).status_code == 404
    assert client.get(f"{compare}?from=abc&to={first}", headers=moderator).status_code == 422

    # the documents page links each version to the changes since the one before, and uploads
    sign_in(client, accounts.email("moderator", SLUG))
    page = client.get(f"/c/{SLUG}/documents/").get_data(as_text=True)
    assert f"/c/{SLUG}/documents/compare?from={first}&amp;to={second}" in page
    assert 'enctype="multipart/form-data"' in page and f"/c/{SLUG}/documents/upload" in page


def test_the_round_trip_is_in_the_openapi_description(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    upload = paths["/api/v1/clusters/{slug}/uploads"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert {"201", "200", "413", "422"} <= set(upload["responses"])
    assert "/api/v1/clusters/{slug}/documents/compare" in paths
