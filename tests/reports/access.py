"""The access matrix rows for reports: staff (and admins) produce reach and the
panel report; partners may read neither (a panel gets the printed report)."""

from tests.access import LOGIN, AreaAccess, register

STAFF_ONLY = (LOGIN, 403, 403, 200, 200)


def build(make, base):
    # The CSV route's variable part names a table of the report, not a record.
    return {"own": {"table": "groups"}, "other": {"table": "reach"}}


register(
    AreaAccess(
        name="reports",
        build=build,
        rows=[
            ("GET", "/reports/reach", None, STAFF_ONLY, None),
            ("GET", "/reports/reach?quarter=2026-Q3", None, STAFF_ONLY, None),
            ("GET", "/reports/reach?from=1/4/2026&to=30/6/2026", None, STAFF_ONLY, None),
            ("GET", "/reports/panel", None, STAFF_ONLY, None),
            ("GET", "/reports/panel.pdf?quarter=2026-Q3", None, STAFF_ONLY, None),
            ("GET", "/reports/panel/{table}.csv", "own", STAFF_ONLY, None),
            ("GET", "/reports/panel/{table}.csv", "other", STAFF_ONLY, None),
        ],
    )
)
