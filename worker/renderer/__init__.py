"""The DOCX renderer: a strategy snapshot in, the bytes of a Word document out.

Pure: no Flask, no database, no imports from ``webapp`` or ``workflows``, so the worker
(and a benchmark, and tests) can call it with plain data. The same snapshot always gives
the same bytes (zip dates and core properties come from ``created_at``), so a document
version can be checked by its checksum.

Snapshot (plain JSON-able data; every key may be missing or of the wrong type, and the
renderer still produces a document that opens)::

    {"language": "pl" | "en",            # document language, Polish by default
     "timezone": "Europe/Warsaw",         # the agency's zone: every datetime carries its
                                          # offset there, printed as given (never to UTC)
     "version": 3,                        # printed "Wersja 3"; core property revision
     "created_at": "2026-11-27T13:00:00+01:00",  # the date printed and stamped
     "final": false,                      # false: "WERSJA ROBOCZA"/"DRAFT" on every page
     "cluster": {"slug", "name", "sector", "goal"},
     "title": "Strategia rozwoju klastra",  # the definition's title in the language
     "stages": [{"key", "title", "state",
                 "sections": [{"key", "title", "kind", "content", "revision"}]}],
     "organisations": [{"name", "kind", "city"}],  # member organisations
     "organisation_kind_labels": {"enterprise": "Przedsiębiorstwa", ...},
     "meetings": [{"kind", "title", "number", "starts_at", "place",
                   "participants": int, "organisations": [str]}],
     "signoffs": [{"organisation", "kind", "person", "signed_at", "version"}],
     "agency": {"name", "city", "logo"},  # logo: PNG as base64 text (optional)
     "history": [{"version", "created_at", "final",      # earlier versions first,
                  "changed_sections": [title],           # this one last ("metryka")
                  "approved_by": [name]}]}

Section ``content`` by ``kind`` (docs/api.md): ``text`` a Markdown string; ``swot``
``{"strengths", "weaknesses", "opportunities", "threats"}`` lists of strings; ``goals``
``[{"id", "title", "description", "objectives": [{"id", "title", "description"}]}]``;
``action_plan`` ``[{"id", "action", "objective_id", "owner", "start", "end",
"budget_pln", "funding_source", "kpi", "baseline", "target"}]`` (ISO dates, decimal
strings); ``kpi`` ``[{"id", "indicator", "unit", "baseline", "target", "year"}]``.

The document: title page (agency, title, „cluster”, version, place and year), document
history ("metryka"), table of contents (a TOC field written filled: ``contents.py``), one
numbered Heading 1 per stage ("1. Diagnoza") and Heading 2 per section ("1.4 Analiza SWOT"),
the action plan in a landscape section with its Gantt chart, sign-offs when final, and
annexes (members: a count per kind with a chart, then a table per kind; meetings: date,
local time, place, participants and organisations, a row each). Data tables take their
column widths from their content (``layout.py``), hold dates, amounts and identifiers
together with no-break characters, repeat their header row and never split a row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from worker.renderer.document import build_document
from worker.renderer.markdown_docx import reusing_parses

__all__ = ["render_strategy", "reusing_parses"]


def render_strategy(
    snapshot: Mapping[str, Any],
    progress: Callable[[int, str], None] | None = None,
    *,
    pages: Sequence[int | None] | None = None,
    template: bytes | None = None,
) -> bytes:
    """Render a strategy snapshot to DOCX bytes.

    ``progress`` (if given) is called with ``(percent, step)`` at a few points, percent
    rising from 0 to 100, step one of ``start``, ``charts``, ``sections``, ``annexes``,
    ``packaging``, ``done``.

    ``pages``: one page number per entry of the table of contents (every Heading 1 and 2,
    in document order), from a layout of an earlier rendering (``worker/paginate.py``).
    Without it the contents still list every heading, with no page numbers.
    ``template``: the bytes of an agency's reference ``.docx`` (its styles, header and
    footer); without it the house style (``style.py``).
    """
    return build_document(snapshot, progress, pages=pages, template=template)
