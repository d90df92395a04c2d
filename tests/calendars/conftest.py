"""What the calendar tests share: reading an .ics back, and a user's feed address."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from crm.auth.models import User
from crm.calendars import services
from crm.extensions import db


def read_calendar(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.data)


def events_by_title(response) -> dict[str, object]:
    return {str(event["SUMMARY"]): event for event in read_calendar(response).walk("VEVENT")}


@pytest.fixture
def feed_address(app):
    """`feed_address(user)`: give `user` a feed, and return its path (/calendar/<token>.ics)."""

    def start(user) -> str:
        with app.app_context():
            token = services.start_feed(db.session.get(User, user.id))
            db.session.commit()
        return f"/calendar/{token}.ics"

    return start
