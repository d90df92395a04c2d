"""The access matrix rows for the reference lists: admins keep them; staff and
partners may not even read their pages (staff meet the entries in forms)."""

from sqlalchemy import select

from crm.database import utcnow
from crm.extensions import db
from crm.reference.models import ExclusionGroup, IssueCategory
from tests.access import LOGIN, Action, AreaAccess, To, count, get, register, set_values

ADMIN_ONLY = (LOGIN, 403, 403, 403, 200)
# The lists belong to no organisation: "own" and "other" are two entries of each.
ENTRIES = {
    "own": ("Matrix Category One", "Matrix Group One"),
    "other": ("Matrix Category Two", "Matrix Group Two"),
}
# kind in the address -> (the target's key, the model)
KINDS = {"categories": ("category", IssueCategory), "groups": ("group", ExclusionGroup)}


def build(make, base):
    targets = {}
    for side, (category, group) in ENTRIES.items():
        targets[side] = {"category": make.category(category).id, "group": make.group(group).id}
    return targets


def _first_id(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(model.id).order_by(model.position, model.name, model.id).limit(1))


def _rows(kind: str) -> list[tuple]:
    """Every row twice, once per target: the matrix asks that of every route with a
    variable part (here the list's kind), though neither entry is an organisation's."""
    key, _ = KINDS[kind]
    listed, entry = f"/reference/{kind}/", f"/reference/{kind}/{{{key}}}"
    at_entry = To(rf"/reference/{kind}/#entry-{{{key}}}")
    added = To(rf"/reference/{kind}/#entry-\d+")
    return [
        row
        for target in ("own", "other")
        for row in (
            ("GET", listed, target, ADMIN_ONLY, None),
            ("GET", f"{listed}new", target, ADMIN_ONLY, None),
            ("POST", f"{listed}new", target, (LOGIN, 403, 403, 403, added), f"{key}_new"),
            ("GET", f"{entry}/edit", target, ADMIN_ONLY, None),
            ("POST", f"{entry}/edit", target, (LOGIN, 403, 403, 403, at_entry), f"{key}_edit"),
            ("GET", f"{entry}/archive", target, ADMIN_ONLY, None),
            ("POST", f"{entry}/archive", target, (LOGIN, 403, 403, 403, at_entry), f"{key}_archive"),
            ("POST", f"{entry}/restore", target, (LOGIN, 403, 403, 403, at_entry), f"{key}_restore"),
            ("POST", f"{entry}/move", target, (LOGIN, 403, 403, 403, at_entry), f"{key}_move"),
        )
    ]


def _actions(kind: str) -> dict[str, Action]:
    key, model = KINDS[kind]
    return {
        f"{key}_new": Action(
            {"name": f"Brand New {key}", "description": "Added by an admin"},
            done=lambda app, ids: count(app, model, model.name == f"Brand New {key}") == 1,
        ),
        f"{key}_edit": Action(
            {"name": f"Renamed {key}", "description": "Renamed by an admin"},
            done=lambda app, ids: get(app, model, ids[key]).name == f"Renamed {key}",
        ),
        f"{key}_archive": Action({}, done=lambda app, ids: get(app, model, ids[key]).archived_at is not None),
        f"{key}_restore": Action(
            {},
            done=lambda app, ids: get(app, model, ids[key]).archived_at is None,
            prepare=lambda app, ids: set_values(app, model, ids[key], archived_at=utcnow()),
        ),
        # First in the list beforehand, so that moving it down always moves it.
        f"{key}_move": Action(
            {"direction": "down"},
            done=lambda app, ids: _first_id(app, model) != ids[key],
            prepare=lambda app, ids: set_values(app, model, ids[key], position=0),
        ),
    }


register(
    AreaAccess(
        name="reference",
        build=build,
        rows=[
            ("GET", "/reference/", None, ADMIN_ONLY, None),
            *_rows("categories"),
            *_rows("groups"),
        ],
        actions={**_actions("categories"), **_actions("groups")},
    )
)
