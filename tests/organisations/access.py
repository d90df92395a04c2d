"""The access matrix rows for organisations: a partner sees only its own, and changes none."""

from crm.database import utcnow
from crm.organisations.models import Organisation
from tests.access import LOGIN, Action, AreaAccess, To, count, get, register, set_values

ORG = To("/organisations/{org}")
NEW_ORG = To(r"/organisations/\d+")


def build(make, base):
    return {"own": {"org": base.own_org.id}, "other": {"org": base.other_org.id}}


register(
    AreaAccess(
        name="organisations",
        build=build,
        rows=[
            ("GET", "/organisations/", None, (LOGIN, 200, 200, 200, 200), None),
            ("GET", "/organisations/new", None, (LOGIN, 403, 403, 200, 200), None),
            ("POST", "/organisations/new", None, (LOGIN, 403, 403, NEW_ORG, NEW_ORG), "org_new"),
            ("GET", "/organisations/{org}", "own", (LOGIN, 200, 404, 200, 200), None),
            ("GET", "/organisations/{org}", "other", (LOGIN, 404, 200, 200, 200), None),
            ("GET", "/organisations/{org}/edit", "own", (LOGIN, 403, 404, 200, 200), None),
            ("GET", "/organisations/{org}/edit", "other", (LOGIN, 404, 403, 200, 200), None),
            ("POST", "/organisations/{org}/edit", "own", (LOGIN, 403, 404, ORG, ORG), "org_edit"),
            ("POST", "/organisations/{org}/edit", "other", (LOGIN, 404, 403, ORG, ORG), "org_edit"),
            ("GET", "/organisations/{org}/archive", "own", (LOGIN, 403, 404, 200, 200), None),
            ("GET", "/organisations/{org}/archive", "other", (LOGIN, 404, 403, 200, 200), None),
            ("POST", "/organisations/{org}/archive", "own", (LOGIN, 403, 404, ORG, ORG), "org_archive"),
            ("POST", "/organisations/{org}/archive", "other", (LOGIN, 404, 403, ORG, ORG), "org_archive"),
            # The organisation to restore is archived, so its own partner users cannot sign in at all.
            ("POST", "/organisations/{org}/restore", "own", (LOGIN, LOGIN, 404, ORG, ORG), "org_restore"),
            ("POST", "/organisations/{org}/restore", "other", (LOGIN, 404, LOGIN, ORG, ORG), "org_restore"),
        ],
        actions={
            "org_new": Action(
                {"name": "Brand New Org", "type": "police", "area": "Kent"},
                done=lambda app, ids: count(app, Organisation, Organisation.name == "Brand New Org") == 1,
            ),
            "org_edit": Action(
                {"name": "Renamed Org", "type": "police", "area": "Kent"},
                done=lambda app, ids: get(app, Organisation, ids["org"]).name == "Renamed Org",
            ),
            "org_archive": Action({}, done=lambda app, ids: get(app, Organisation, ids["org"]).archived_at is not None),
            "org_restore": Action(
                {},
                done=lambda app, ids: get(app, Organisation, ids["org"]).archived_at is None,
                prepare=lambda app, ids: set_values(app, Organisation, ids["org"], archived_at=utcnow()),
            ),
        },
    )
)
