"""A meeting as an iCalendar (RFC 5545) file, to add it to a calendar.

User text (title, place, agenda, the cluster's name) goes in only through `_text`:
icalendar escapes `,` `;` `\\` and line breaks of TEXT values and folds long lines, but
passes other control characters through, which RFC 5545 forbids in TEXT; and a line or
paragraph separator (U+0085, U+2028, U+2029) is a line break to some readers.
"""

from __future__ import annotations

import re

from icalendar import Calendar, Event

from webapp.meetings import DEFAULT_DURATION
from webapp.models import Cluster, Meeting
from webapp.models.base import utcnow

PRODID = "-//Cluster strategy studio//Meetings//PL"

_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# Controls RFC 5545 forbids in TEXT (it allows a tab; icalendar escapes line feeds).
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


def _text(value: str) -> str:
    """User text as an iCalendar TEXT value (before icalendar's escaping)."""
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\n", value))


def meeting_calendar(cluster: Cluster, meeting: Meeting, url: str, host: str) -> bytes:
    """One VEVENT. The UID is stable, so importing the file again updates the entry."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@{host}")
    event.add("dtstamp", utcnow())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at or meeting.starts_at + DEFAULT_DURATION)
    event.add("summary", _text(f"{meeting.title} – {cluster.name}"))
    if meeting.place:
        event.add("location", _text(meeting.place))
    description = "\n\n".join(part for part in (meeting.agenda, url) if part)
    if description:
        event.add("description", _text(description))
    event.add("url", url)
    event.add("status", "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
