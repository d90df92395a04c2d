"""The access matrix rows for the home page and the dashboard."""

from tests.access import LOGIN, AreaAccess, To, register

DASH = To("/dashboard")

register(
    AreaAccess(
        name="dashboard",
        rows=[
            ("GET", "/", None, (DASH, DASH, DASH, DASH, DASH), None),
            ("GET", "/dashboard", None, (LOGIN, 200, 200, 200, 200), None),
        ],
    )
)
