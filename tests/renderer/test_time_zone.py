"""The renderer prints the wall-clock time of the offset a snapshot gives (the agency's
zone, chosen by the web app), never converting to UTC; metadata keeps the instant."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import docx
import pytest
from docx.oxml.ns import qn

from worker.renderer import render_strategy
from worker.renderer.sample import sample_snapshot

CLOCK = re.compile(r"\b\d\d:\d\d\b")


@pytest.fixture(scope="module")
def document() -> docx.document.Document:
    snapshot = sample_snapshot(sections=3, actions=2)
    snapshot["timezone"] = "Europe/Warsaw"
    # 08:00 and 09:00 UTC; 00:30 on 15 June in Warsaw is still 14 June in UTC.
    snapshot["created_at"] = "2026-06-15T00:30:00+02:00"
    snapshot["meetings"] = [
        {"kind": "workshop", "number": 1, "title": "Lato", "starts_at": "2026-06-15T10:00:00+02:00"},
        {"kind": "workshop", "number": 2, "title": "Zima", "starts_at": "2026-01-15T10:00:00+01:00"},
    ]
    return docx.Document(io.BytesIO(render_strategy(snapshot)))


def _rows(document: docx.document.Document, needle: str) -> list[str]:
    # Not the document history's rows ("metryka", its first column "Wersja"): dated too.
    tables = [t for t in document.tables if not t.rows or t.rows[0].cells[0].text != "Wersja"]
    rows = [" | ".join(c.text for c in row.cells) for t in tables for row in t.rows]
    return [r for r in rows if needle in r]


@pytest.mark.parametrize("day", ["15.06.2026", "15.01.2026"])
def test_meetings_print_the_time_of_their_offset(document, day):
    (row,) = [r for r in _rows(document, day) if CLOCK.search(r)]  # the meeting's, with its time
    assert "10:00" in row
    assert "08:00" not in row and "09:00" not in row


def test_the_cover_prints_the_local_day_and_metadata_keeps_utc(document):
    texts = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in document.element.body.iter(qn("w:p"))]
    assert any("15 czerwca 2026" in text for text in texts)
    assert not any("14 czerwca 2026" in text for text in texts)
    # Core properties are W3CDTF in UTC: the same instant, 22:30 on 14 June.
    assert document.core_properties.created == datetime(2026, 6, 14, 22, 30, tzinfo=UTC)
