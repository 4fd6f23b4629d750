"""The agency's time zone: every date and time a person sees is shown in it.

Times are stored in UTC (webapp.models.base.UTCDateTime) and the API answers ISO 8601
with their offset; pages (Babel's filters, fed from the same setting), e-mails, CSV
sheets and the document snapshot show the wall-clock time of `TIMEZONE`, DST included.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app

#: The zone when TIMEZONE is not set: the agencies the studio is made for are Polish.
DEFAULT_TIMEZONE = "Europe/Warsaw"


def zone_named(name: str) -> ZoneInfo:
    """The zone of an IANA name; a ValueError that says what is wrong for anything else,
    so a mistyped setting stops the start-up instead of showing times in the wrong zone."""
    try:
        return ZoneInfo(name)
    except (ValueError, LookupError, OSError):  # malformed, unknown, a folder ("Europe")
        raise ValueError(
            f"TIMEZONE must be an IANA time zone name such as Europe/Warsaw or UTC, not {name!r}"
        ) from None


def apply(config: MutableMapping) -> None:
    """Check TIMEZONE and make Babel's page filters use it (after tests' overrides too)."""
    name = str(config.get("TIMEZONE") or DEFAULT_TIMEZONE)
    zone_named(name)
    config["TIMEZONE"] = name
    config["BABEL_DEFAULT_TIMEZONE"] = name


def zone() -> ZoneInfo:
    """The agency's zone, as zoneinfo rather than Babel's pytz: `datetime.combine` with a
    pytz zone silently uses the zone's historical local mean time."""
    return zone_named(current_app.config.get("TIMEZONE") or DEFAULT_TIMEZONE)


def local(moment: datetime) -> datetime:
    """A stored moment as the agency's wall-clock time (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone())


def local_iso(moment: datetime) -> str:
    """ISO 8601 with the agency's offset ("2026-06-15T10:00:00+02:00"): the same instant,
    readable as local time by whoever prints it without knowing zones (the renderer)."""
    return local(moment).isoformat()
