"""The access matrix rows for meeting series: a partner sees the series its
organisation is a member of, and changes none."""

from crm.database import utcnow
from crm.series.models import MeetingSeries
from tests.access import LOGIN, Action, AreaAccess, To, count, get, register, set_values

OWN_SERIES, OTHER_SERIES = "Own Org Scrutiny Panel", "Other Org Partnership Board"
OWN_PURPOSE, OTHER_PURPOSE = "Own panel terms of reference", "Other board terms of reference"
SERIES = To("/series/{series}")
NEW_SERIES = To(r"/series/\d+")


def build(make, base):
    own = make.series(OWN_SERIES, members=[base.own_org], purpose=OWN_PURPOSE)
    other = make.series(OTHER_SERIES, members=[base.other_org], purpose=OTHER_PURPOSE)
    return {"own": {"series": own.id}, "other": {"series": other.id}}


register(
    AreaAccess(
        name="series",
        build=build,
        secrets={"own": [OWN_SERIES, OWN_PURPOSE], "other": [OTHER_SERIES, OTHER_PURPOSE]},
        rows=[
            ("GET", "/series/", None, (LOGIN, 200, 200, 200, 200), None),
            ("GET", "/series/?archived=include&q=Panel", None, (LOGIN, 200, 200, 200, 200), None),
            ("GET", "/series/new", None, (LOGIN, 403, 403, 200, 200), None),
            ("POST", "/series/new", None, (LOGIN, 403, 403, NEW_SERIES, NEW_SERIES), "series_new"),
            ("GET", "/series/{series}", "own", (LOGIN, 200, 404, 200, 200), None),
            ("GET", "/series/{series}", "other", (LOGIN, 404, 200, 200, 200), None),
            # The printed action log: a member's partners get the partner version.
            ("GET", "/series/{series}/actions.pdf", "own", (LOGIN, 200, 404, 200, 200), None),
            ("GET", "/series/{series}/actions.pdf", "other", (LOGIN, 404, 200, 200, 200), None),
            ("GET", "/series/{series}/actions.pdf?version=partner&show=all", "own", (LOGIN, 200, 404, 200, 200), None),
            ("GET", "/series/{series}/edit", "own", (LOGIN, 403, 404, 200, 200), None),
            ("GET", "/series/{series}/edit", "other", (LOGIN, 404, 403, 200, 200), None),
            ("POST", "/series/{series}/edit", "own", (LOGIN, 403, 404, SERIES, SERIES), "series_edit"),
            ("POST", "/series/{series}/edit", "other", (LOGIN, 404, 403, SERIES, SERIES), "series_edit"),
            ("GET", "/series/{series}/archive", "own", (LOGIN, 403, 404, 200, 200), None),
            ("GET", "/series/{series}/archive", "other", (LOGIN, 404, 403, 200, 200), None),
            ("POST", "/series/{series}/archive", "own", (LOGIN, 403, 404, SERIES, SERIES), "series_archive"),
            ("POST", "/series/{series}/archive", "other", (LOGIN, 404, 403, SERIES, SERIES), "series_archive"),
            # An archived series is still its members' to see: 403 for them, not 404.
            ("POST", "/series/{series}/restore", "own", (LOGIN, 403, 404, SERIES, SERIES), "series_restore"),
            ("POST", "/series/{series}/restore", "other", (LOGIN, 404, 403, SERIES, SERIES), "series_restore"),
        ],
        actions={
            "series_new": Action(
                {"name": "Brand New Panel", "member_ids": "{own_org}", "frequency": "quarterly"},
                done=lambda app, ids: count(app, MeetingSeries, MeetingSeries.name == "Brand New Panel") == 1,
            ),
            "series_edit": Action(
                {"name": "Renamed Panel", "member_ids": "{org}", "venue": "Committee Room 2"},
                done=lambda app, ids: get(app, MeetingSeries, ids["series"]).name == "Renamed Panel",
            ),
            "series_archive": Action(
                {}, done=lambda app, ids: get(app, MeetingSeries, ids["series"]).archived_at is not None
            ),
            "series_restore": Action(
                {},
                done=lambda app, ids: get(app, MeetingSeries, ids["series"]).archived_at is None,
                prepare=lambda app, ids: set_values(app, MeetingSeries, ids["series"], archived_at=utcnow()),
            ),
        },
    )
)
