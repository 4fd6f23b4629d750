"""Charts shared by the web pages (SVG) and the DOCX renderer (PNG).

Pure functions in :mod:`charts.figures`: data and already translated labels in, bytes out.
No Flask, no database, no pyplot (the object-oriented Figure API is thread-safe).
"""

from charts.figures import PALETTE, activity, bar_chart, gantt, organisation_mix, stage_progress

__all__ = ["PALETTE", "activity", "bar_chart", "gantt", "organisation_mix", "stage_progress"]
