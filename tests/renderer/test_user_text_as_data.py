"""User text in a document is data: not mathematics in its charts, not a Word field, not
markup in its XML parts (body, header, core properties)."""

from __future__ import annotations

import io
import zipfile

import docx
from docx.oxml.ns import qn

from worker.renderer import render_strategy
from worker.renderer.sample import sample_snapshot

#: A name that is mathtext, a Word field, XML and a CDATA end at once.
HOSTILE = r'$\frac{a}{b}$ $$ { INCLUDETEXT "C:\\x" } <w:instrText>PAGE</w:instrText> ]]> &amp;'
#: The Gantt chart's row labels: what made every later document of a cluster fail.
ACTIONS = ["$$", r"$\foo$", "a_b^c $_$", HOSTILE]


def _hostile_snapshot() -> dict:
    snapshot = sample_snapshot(sections=5, actions=len(ACTIONS))
    snapshot["cluster"]["name"] = HOSTILE + "\x13 PAGE \x14\x15"  # Word's field marks too
    snapshot["title"] = HOSTILE
    snapshot["organisation_kind_labels"]["enterprise"] = HOSTILE
    plan = next(s for stage in snapshot["stages"] for s in stage["sections"] if s["kind"] == "action_plan")
    for item, name in zip(plan["content"], ACTIONS, strict=True):
        item["action"] = name
    return snapshot


def test_hostile_names_render_as_written():
    data = render_strategy(_hostile_snapshot())
    document = docx.Document(io.BytesIO(data))
    assert len(document.inline_shapes) == 2, "the Gantt chart and the members chart are drawn"

    # the only fields are the document's own: page numbers and the contents
    parts = [document.element, document.sections[0].header._element]
    parts.append(document.sections[0].footer._element)
    instructions = sorted(el.text.strip() for part in parts for el in part.iter(qn("w:instrText")))
    assert instructions == ["NUMPAGES", "PAGE", 'TOC \\o "1-2" \\h \\z \\u']
    assert [el for part in parts for el in part.iter(qn("w:fldSimple"))] == []

    # the text is there, literally, where it belongs
    header = "\n".join(p.text for p in document.sections[0].header.paragraphs)
    assert HOSTILE in header
    body = "\n".join(t.text or "" for t in document.element.body.iter(qn("w:t")))
    assert HOSTILE in body and "$$" in body
    props = document.core_properties
    assert HOSTILE in props.title and props.subject.startswith(HOSTILE)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert "<w:instrText>" not in core and "&lt;w:instrText&gt;" in core
