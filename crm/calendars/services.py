"""Meetings as iCalendar.

What a calendar holds is a meeting's details only (ruling 1): title, series,
kind, when, where and a link to its page. Never its agenda, minutes, staff
notes or attendance.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from crm.database import utcnow
from crm.formatting import LONDON
from crm.meetings.models import Meeting

PRODUCT_ID = "-//Partnership CRM//Meetings//EN"
# A meeting with no end time recorded is shown as an hour long.
DEFAULT_LENGTH = timedelta(hours=1)


# --- iCalendar ----------------------------------------------------------------------


def summary(meeting: Meeting) -> str:
    """The title with its series' name in front, unless the title names the series
    already: "Local Scrutiny and Involvement Panel: victims' letters", or
    "Domestic Abuse Scrutiny Panel: annual review" in the Thames Valley
    Domestic Abuse Scrutiny Panel (a lead of two words or more, before a colon)."""
    if meeting.series is None:
        return meeting.title
    series, title = meeting.series.name.casefold(), meeting.title.casefold()
    lead = title.partition(":")[0].strip()
    if series in title or (lead != title and len(lead.split()) > 1 and lead in series):
        return meeting.title
    return f"{meeting.series.name}: {meeting.title}"


def location(meeting: Meeting) -> str:
    """Where, as the meeting page says it: the venue, "and online", or "Online"."""
    if meeting.online:
        return f"{meeting.venue} and online" if meeting.venue else "Online"
    return meeting.venue or ""


def ends_at(meeting: Meeting) -> datetime:
    if meeting.ends_at is None or meeting.ends_at <= meeting.starts_at:
        return meeting.starts_at + DEFAULT_LENGTH
    return meeting.ends_at


def event(meeting: Meeting, *, link: str, domain: str) -> Event:
    """One meeting as a VEVENT: its details and a link to its page, nothing more."""
    item = Event()
    item.add("uid", f"meeting-{meeting.id}@{domain}")
    item.add("dtstamp", (meeting.updated_at or utcnow()).astimezone(UTC))
    item.add("sequence", meeting.version)
    item.add("summary", summary(meeting))
    item.add("dtstart", meeting.starts_at.astimezone(UTC))
    item.add("dtend", ends_at(meeting).astimezone(UTC))
    where = location(meeting)
    if where:
        item.add("location", where)
    item.add("url", link)
    item.add("description", f"{meeting.kind.label}. The meeting's page in Partnership CRM: {link}")
    item.add("status", "CONFIRMED")
    if meeting.marking.is_sensitive:
        # Shown to staff only; calendar apps hide a confidential event's details from those they share with.
        item.add("class", "CONFIDENTIAL")
    return item


def calendar(meetings: Iterable[Meeting], *, link: Callable[[Meeting], str], domain: str) -> bytes:
    """`meetings` as an iCalendar file."""
    document = Calendar()
    document.add("prodid", PRODUCT_ID)
    document.add("version", "2.0")
    document.add("calscale", "GREGORIAN")
    for meeting in meetings:
        document.add_component(event(meeting, link=link(meeting), domain=domain))
    return document.to_ical()


def filename(meeting: Meeting) -> str:
    """ "2026-03-03-hate-crime-partnership.ics": ASCII letters, digits and dashes only."""
    day = meeting.starts_at.astimezone(LONDON)
    ascii_title = unicodedata.normalize("NFKD", meeting.title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:80].rstrip("-")
    return f"{day:%Y-%m-%d}-{slug or 'meeting'}.ics"
