"""The access matrix rows for calendars: a meeting's .ics follows the meeting's own visibility."""

from tests.access import LOGIN, AreaAccess, register

register(
    AreaAccess(
        name="calendars",
        rows=[
            ("GET", "/meetings/{meeting}/calendar.ics", "own", (LOGIN, 200, 404, 200, 200), None),
            ("GET", "/meetings/{meeting}/calendar.ics", "other", (LOGIN, 404, 200, 200, 200), None),
            ("GET", "/meetings/{meeting}/calendar.ics", "own:sensitive", (LOGIN, 404, 404, 200, 200), None),
        ],
    )
)
