"""The access matrix rows for user administration: admins only, whoever the target is."""

from crm.auth.models import User
from crm.database import utcnow
from tests.access import LOGIN, Action, AreaAccess, To, count, get, register, set_values

OWN_COLLEAGUE, OTHER_COLLEAGUE = "Own Colleague", "Other Colleague"
USERS = To("/admin/users/")
ADMIN_ONLY = (LOGIN, 403, 403, 403, 200)


def build(make, base):
    own = make.user("partner", organisation=base.own_org, email="colleague@own.example", name=OWN_COLLEAGUE)
    other = make.user("partner", organisation=base.other_org, email="colleague@other.example", name=OTHER_COLLEAGUE)
    return {
        "own": {"user": own.id, "user_email": own.email},
        "other": {"user": other.id, "user_email": other.email},
    }


register(
    AreaAccess(
        name="users",
        build=build,
        secrets={"own": [OWN_COLLEAGUE], "other": [OTHER_COLLEAGUE]},
        rows=[
            ("GET", "/admin/users/", None, ADMIN_ONLY, None),
            ("GET", "/admin/users/new", None, ADMIN_ONLY, None),
            ("POST", "/admin/users/new", None, (LOGIN, 403, 403, 403, USERS), "user_new"),
            *[
                row
                for target in ("own", "other")
                for row in (
                    ("GET", "/admin/users/{user}/edit", target, ADMIN_ONLY, None),
                    ("POST", "/admin/users/{user}/edit", target, (LOGIN, 403, 403, 403, USERS), "user_edit"),
                    ("GET", "/admin/users/{user}/disable", target, ADMIN_ONLY, None),
                    ("POST", "/admin/users/{user}/disable", target, (LOGIN, 403, 403, 403, USERS), "user_disable"),
                    ("POST", "/admin/users/{user}/enable", target, (LOGIN, 403, 403, 403, USERS), "user_enable"),
                )
            ],
        ],
        actions={
            "user_new": Action(
                {
                    "name": "New User",
                    "email": "new.user@example.org",
                    "password": "a temporary password",
                    "role": "partner",
                    "organisation_id": "{own_org}",
                },
                done=lambda app, ids: count(app, User, User.email == "new.user@example.org") == 1,
            ),
            "user_edit": Action(
                {"name": "Renamed User", "email": "{user_email}", "role": "partner", "organisation_id": "{org}"},
                done=lambda app, ids: get(app, User, ids["user"]).name == "Renamed User",
            ),
            "user_disable": Action({}, done=lambda app, ids: get(app, User, ids["user"]).disabled_at is not None),
            "user_enable": Action(
                {},
                done=lambda app, ids: get(app, User, ids["user"]).disabled_at is None,
                prepare=lambda app, ids: set_values(app, User, ids["user"], disabled_at=utcnow()),
            ),
        },
    )
)
