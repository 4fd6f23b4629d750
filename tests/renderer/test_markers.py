"""The markers a rendered DOCX carries (worker/renderer/markers.py): custom properties
naming the version, a bookmark per section with its revision — deterministic, and kept
when LibreOffice re-saves the file."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from worker.renderer import markers
from worker.renderer.document import build_document
from worker.renderer.reader import Table, marked_sections, read_blocks
from worker.renderer.sample import sample_snapshot

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _snapshot() -> dict:
    snapshot = sample_snapshot()
    snapshot["document_id"] = 42
    return snapshot


def _shown(snapshot: dict) -> list[tuple[str, int]]:
    return [(s["key"], s["revision"]) for stage in snapshot["stages"] for s in stage["sections"]]


def test_the_same_snapshot_gives_the_same_bytes_markers_included():
    snapshot = _snapshot()
    assert build_document(snapshot, charts=False) == build_document(snapshot, charts=False)


def test_custom_properties_name_the_version():
    snapshot = _snapshot()
    read = read_blocks(build_document(snapshot, charts=False))
    props = read.properties
    assert props[markers.CLUSTER] == snapshot["cluster"]["slug"]
    assert props[markers.VERSION] == str(snapshot["version"])
    assert props[markers.DOCUMENT] == "42"
    assert props[markers.CHECKSUM] == markers.snapshot_checksum(snapshot)
    assert [tuple(x) for x in json.loads(props[markers.SECTIONS])] == _shown(snapshot)
    # another snapshot, another checksum
    changed = _snapshot()
    changed["stages"][0]["sections"][0]["content"] += " Zmiana."
    assert markers.snapshot_checksum(changed) != props[markers.CHECKSUM]


def test_each_section_is_bookmarked_from_its_heading_to_the_next():
    snapshot = _snapshot()
    data = build_document(snapshot, charts=False)
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")).find(f"{W}body")
    starts = {
        b.get(f"{W}name"): b.get(f"{W}id")
        for b in body.iter(f"{W}bookmarkStart")
        if b.get(f"{W}name").startswith("studio_")
    }
    assert sorted(starts) == sorted(f"studio_s_{k}_r{r}" for k, r in _shown(snapshot))
    ends = {b.get(f"{W}id") for b in body.iter(f"{W}bookmarkEnd")}
    assert set(starts.values()) <= ends
    sections = marked_sections(read_blocks(data))
    titles = {s["key"]: s["title"] for stage in snapshot["stages"] for s in stage["sections"]}
    blocks = read_blocks(data).blocks
    for key, section in sections.items():
        heading = blocks[section.start - 1]
        assert heading.heading == 2 and heading.text.endswith(titles[key])
        assert section.end > section.start


def test_a_key_too_long_for_a_bookmark_is_named_by_its_position():
    snapshot = _snapshot()
    long_key = "a_section_key_far_longer_than_forty_characters"
    snapshot["stages"][0]["sections"][0]["key"] = long_key
    sections = marked_sections(read_blocks(build_document(snapshot, charts=False)))
    assert long_key in sections
    assert markers.parse_bookmark("studio_s0_r3", [long_key]) == (long_key, 3)
    assert markers.parse_bookmark("studio_s_swot_r3_1") is None  # a renamed copy is no marker
    assert markers.parse_bookmark("_Toc100000001") is None


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_resaving_keeps_the_markers(tmp_path: Path):
    snapshot = _snapshot()
    data = build_document(snapshot, charts=False)
    source = tmp_path / "in" / "strategia.docx"
    source.parent.mkdir()
    source.write_bytes(data)
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless"]
        + ["--convert-to", "docx", "--outdir", str(tmp_path / "out"), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    resaved = (tmp_path / "out" / "strategia.docx").read_bytes()
    assert resaved != data
    before, after = read_blocks(data), read_blocks(resaved)
    assert after.properties == before.properties
    old, new = marked_sections(before), marked_sections(after)
    assert [(k, s.revision) for k, s in new.items()] == [(k, s.revision) for k, s in old.items()]
    for key, section in old.items():  # the same content between the same markers
        assert _texts(new[key].blocks) == _texts(section.blocks)


def _texts(blocks: list) -> list:
    """What a reader sees; LibreOffice drops empty paragraphs (a section break's)."""
    found = [b.texts() if isinstance(b, Table) else b.text for b in blocks]
    return [t for t in found if t]
