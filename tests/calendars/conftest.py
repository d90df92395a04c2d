"""What the calendar tests share: reading an .ics back."""

from __future__ import annotations

from icalendar import Calendar


def read_calendar(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.data)


def events_by_title(response) -> dict[str, object]:
    return {str(event["SUMMARY"]): event for event in read_calendar(response).walk("VEVENT")}
