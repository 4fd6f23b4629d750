"""The DOCX reader (worker/renderer/reader/): what the renderer made reads back to what it
was made from; tracked changes and comments; files that may not be read are refused."""

from __future__ import annotations

import copy
import io
import zipfile

import docx
import pytest
from docx.oxml.ns import qn

from worker.renderer import markers
from worker.renderer.document import build_document
from worker.renderer.reader import UnreadableFile, marked_sections, match_title, open_package, read_blocks
from worker.renderer.reader import content as read
from worker.renderer.sample import sample_snapshot
from worker.renderer.structured import ACTION_COLUMNS, KPI_COLUMNS


@pytest.fixture(scope="module")
def rendered() -> tuple[dict, bytes]:
    snapshot = sample_snapshot()
    return snapshot, build_document(snapshot, charts=False)


def _sources(snapshot: dict) -> dict:
    return {s["key"]: s for stage in snapshot["stages"] for s in stage["sections"]}


def test_text_sections_read_back_to_their_markdown(rendered):
    snapshot, data = rendered
    sections = marked_sections(read_blocks(data))
    texts = {k: s for k, s in _sources(snapshot).items() if s["kind"] == "text"}
    assert texts
    for key, source in texts.items():
        assert read.to_markdown(sections[key].blocks) == source["content"].strip(), key


def test_markdown_of_every_construct_reads_back():
    source = (
        "Akapit z **pogrubieniem**, *kursywą*, ~~skreśleniem~~, `kodem` i [linkiem](https://example.org/a).\n\n"
        "# Nagłówek\n\n"
        "- punkt\n  - podpunkt\n- drugi punkt\n\n"
        "1. pierwszy\n2. drugi\n\n"
        "> cytat\n\n"
        "```\nkod blokowy\n```\n\n"
        "---\n\n"
        "| A | B |\n|---|--:|\n| x | 1 |\n\n"
        "Gwiazdka \\* i podkreślnik \\_ zostają znakami."
    )
    snapshot = {"stages": [{"key": "s", "sections": [{"key": "t", "kind": "text", "content": source}]}]}
    (section,) = marked_sections(read_blocks(build_document(snapshot, charts=False))).values()
    assert read.to_markdown(section.blocks) == source


def test_structured_sections_read_back_from_their_tables(rendered):
    snapshot, data = rendered
    sections = marked_sections(read_blocks(data))
    sources = _sources(snapshot)
    assert read.swot(sections["swot"].blocks) == sources["swot"]["content"]
    kpi = read.rows(sections["kpi"].blocks, [k for k, _, _ in KPI_COLUMNS])
    assert [r.cells["indicator"] for r in kpi] == [k["indicator"] for k in sources["kpi"]["content"]]
    assert [r.cells["year"] for r in kpi] == [str(k["year"]) for k in sources["kpi"]["content"]]
    plan = read.rows(sections["action_plan"].blocks, [k for k, _, _ in ACTION_COLUMNS], total_label=True)
    assert [r.cells["action"] for r in plan] == [a["action"] for a in sources["action_plan"]["content"]]
    goals = read.goals(sections["goals"].blocks)
    expected = sources["goals"]["content"]
    assert [g.title for g in goals] == [g["title"] for g in expected]
    assert [g.description for g in goals] == [g["description"] for g in expected]
    assert [[o[0] for o in g.objectives] for g in goals] == [
        [o["title"] for o in g["objectives"]] for g in expected
    ]


def _edited(data: bytes, change) -> bytes:  # noqa: ANN001
    document = docx.Document(io.BytesIO(data))
    change(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_tracked_changes_read_as_accepted_and_comments_with_their_quote(rendered):
    _snapshot, data = rendered

    def change(document) -> None:  # noqa: ANN001
        body = document.element.body
        start = next(
            el
            for el in body
            if any(
                b.get(qn("w:name"), "").startswith("studio_s_diagnosis_0")
                for b in el.iter(qn("w:bookmarkStart"))
            )
        )
        p = start.getnext()
        run = p.findall(qn("w:r"))[0]
        gone = p.makeelement(qn("w:del"), {qn("w:id"): "1", qn("w:author"): "A"})
        dropped = copy.deepcopy(run)
        for t in dropped.iter(qn("w:t")):
            t.tag = qn("w:delText")
        gone.append(dropped)
        added = p.makeelement(qn("w:ins"), {qn("w:id"): "2", qn("w:author"): "A"})
        new_run = copy.deepcopy(run)
        for t in new_run.iter(qn("w:t")):
            t.text = "Nowe "
        added.append(new_run)
        run.addprevious(gone)
        run.addprevious(added)
        p.remove(run)
        paragraph = docx.text.paragraph.Paragraph(p, document.part)
        document.add_comment(docx.text.run.Run(new_run, paragraph), text="Sprawdzić", author="Recenzent")

    doc = read_blocks(_edited(data, change))
    section = marked_sections(doc)["diagnosis_0"]
    assert section.blocks[0].text.startswith("Nowe ")
    assert doc.insertions >= 1 and doc.deletions >= 1
    (comment,) = doc.comments
    assert comment.text == "Sprawdzić" and comment.author == "Recenzent" and comment.quote == "Nowe "
    assert section.start <= comment.block < section.end


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, value in entries.items():
            archive.writestr(name, value)
    return out.getvalue()


def _replaced(data: bytes, changes: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = {n: source.read(n) for n in source.namelist()}
    entries.update(changes)
    return _zip(entries)


def test_files_that_may_not_be_read_are_refused(rendered):
    _snapshot, data = rendered
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    cases = {
        "not_docx": b"GIF89a",
        "damaged": data[:2000],
        "bomb": _replaced(data, {"word/media/huge.bin": b"\0" * (30 * 1024 * 1024)}),
        "macros": _replaced(data, {"word/vbaProject.bin": b"x"}),
        "macros_by_type": _replaced(
            data,
            {
                "[Content_Types].xml": types.replace(
                    b"document.main+xml", b"ms-word.document.macroEnabled.main+xml"
                )
            },
        ),
        "not_docx_zip": _zip({"a.txt": b"a"}),
        "encrypted": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
    }
    expected = {"macros_by_type": "macros", "not_docx_zip": "not_docx", "encrypted": "not_docx"}
    for name, value in cases.items():
        with pytest.raises(UnreadableFile) as refused:
            read_blocks(open_package(value))
        assert refused.value.code == expected.get(name, name), name


def test_entities_are_never_expanded(rendered):
    _snapshot, data = rendered
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c SYSTEM "file:///etc/passwd">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&b;&c;</w:t></w:r></w:p></w:body></w:document>"
    )
    doc = read_blocks(_replaced(data, {"word/document.xml": bomb}))
    text = "".join(b.text for b in doc.blocks)
    assert "aaaaaaaaaa" not in text and "root:" not in text


def test_external_relationships_are_listed_not_followed(rendered):
    _snapshot, data = rendered
    rels = zipfile.ZipFile(io.BytesIO(data)).read("word/_rels/document.xml.rels")
    rels = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdZ" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'attachedTemplate" Target="file://server/share/evil.dotm" TargetMode="External"/></Relationships>',
    )
    package = open_package(_replaced(data, {"word/_rels/document.xml.rels": rels}))
    assert any("evil.dotm" in item for item in package.ignored)


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("1.4 Analiza SWOT", "swot"),
        ("1.4. ANALIZA SWOT", "swot"),
        ("II. Analiza SWOT", "swot"),
        ("SWOT analysis", "swot"),
        ("Rozdział 2 Profil klastra", "profile"),
        ("Profil  klastra:", "profile"),
        ("Profil klastrów", None),
        ("", None),
    ],
)
def test_headings_match_section_titles_whatever_their_numbering_and_case(heading, key):
    titles = {"swot": ["Analiza SWOT", "SWOT analysis"], "profile": ["Profil klastra", "Cluster profile"]}
    assert match_title(heading, titles) == key


def test_a_checksum_of_what_no_json_holds_is_still_a_checksum():
    assert len(markers.snapshot_checksum({1: "a", "b": 2})) == 64


def test_a_marker_carried_into_the_first_paragraph_keeps_that_paragraph_in_the_section(rendered):
    snapshot, data = rendered

    def change(document) -> None:  # noqa: ANN001
        body = document.element.body
        for el in body:
            start = next(
                (
                    b
                    for b in el.iter(qn("w:bookmarkStart"))
                    if b.get(qn("w:name"), "").startswith("studio_s_diagnosis_1")
                ),
                None,
            )
            if start is not None:
                paragraph = el.getnext()
                paragraph.insert(0, start)  # where Word may put it after Enter at the heading's end
                return

    section = marked_sections(read_blocks(_edited(data, change)))["diagnosis_1"]
    assert read.to_markdown(section.blocks) == _sources(snapshot)["diagnosis_1"]["content"].strip()
