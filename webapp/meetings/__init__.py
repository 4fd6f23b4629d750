"""Meetings of a cluster: the initiating conference, the workshop series, attendance.

The rules that the pages and the CSV import share live here as constants, so the form,
the operations and the sign-in sheet agree on them.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l

#: The source process: one initiating conference, then six workshops per cluster.
WORKSHOP_SERIES = 6

MEETING_KIND_LABELS = {
    "conference": _l("Initiating conference"),
    "workshop": _l("Workshop"),
    "other": _l("Other meeting"),
}

#: What a calendar shows when a meeting has no end time (a workshop is a morning's work).
DEFAULT_DURATION = timedelta(hours=3)
