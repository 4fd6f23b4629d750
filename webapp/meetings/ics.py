"""A meeting as an iCalendar (RFC 5545) file, to add it to a calendar."""

from __future__ import annotations

from icalendar import Calendar, Event

from webapp.meetings import DEFAULT_DURATION
from webapp.models import Cluster, Meeting
from webapp.models.base import utcnow

PRODID = "-//Cluster strategy studio//Meetings//PL"


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
    event.add("summary", f"{meeting.title} – {cluster.name}")
    if meeting.place:
        event.add("location", meeting.place)
    description = "\n\n".join(part for part in (meeting.agenda, url) if part)
    if description:
        event.add("description", description)
    event.add("url", url)
    event.add("status", "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
