"""What the worker is doing with a version, in the person's words: the steps it reports
(`worker/renderer/document.py`, `worker/paginate.py`, `worker/tasks.py`) as the documents page shows
them under the progress bar."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STEP_LABELS = {
    "start": _l("Starting"),
    "charts": _l("Drawing the charts"),
    "sections": _l("Writing the sections"),
    "annexes": _l("Adding the annexes"),
    "packaging": _l("Putting the Word file together"),
    "layout": _l("Laying out the pages"),
    "page_numbers": _l("Writing the page numbers into the contents"),
    "done": _l("Finishing"),
    "pdf": _l("Making the PDF"),
}
