"""The access matrix as a registry: every area adds its own rows and records.

Each area's tests package has an `access.py` that calls `register(AreaAccess(...))`
with:
  rows     (method, url template, target, answers for each role, action name)
  actions  what each changing request sends, prepares and must achieve
  build    a function (make, base) -> {target: {name: value}} creating the
           area's records: one in "Own Org" ("own"), one in "Other Org"
           ("other"), and any states an area needs ("own:draft", ...)
  secrets  {"own": [...], "other": [...]}: text in each organisation's records
           that a partner of the other organisation must never be shown

`tests/test_access_matrix.py` runs every row for every role, and checks that
every route in the URL map has rows (for an id route: an own and an other
target). A new area adds an `access.py`; nothing here changes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from crm.extensions import db

ROLES = ("anonymous", "own_partner", "other_partner", "staff", "admin")
OWN_ORG, OTHER_ORG = "Own Org", "Other Org"
STAFF_ONLY_NOTE = "Staff-only note"  # notes on organisations and contacts are for staff only


class _Login:
    """302 to /login?next=<the requested path and query>."""

    def __repr__(self):
        return "LOGIN"


LOGIN = _Login()


@dataclass(frozen=True)
class To:
    """302 to a location matching this template (ids filled in, then a regex)."""

    template: str

    def __repr__(self):
        return f"302->{self.template}"


@dataclass(frozen=True)
class Action:
    data: dict
    done: object  # (app, ids) -> bool: did the change happen? None: checked elsewhere
    prepare: object = None  # (app, ids) -> None, before signing in


@dataclass
class AreaAccess:
    name: str
    rows: list[tuple]
    actions: dict[str, Action] = field(default_factory=dict)
    build: Callable | None = None
    secrets: dict[str, list[str]] = field(default_factory=dict)


REGISTRY: dict[str, AreaAccess] = {}


def register(area: AreaAccess) -> AreaAccess:
    REGISTRY[area.name] = area
    return area


def load_areas() -> dict[str, AreaAccess]:
    """Import every `tests/<area>/access.py`, each registering itself."""
    for path in sorted(Path(__file__).parent.glob("*/access.py")):
        importlib.import_module(f"tests.{path.parent.name}.access")
    return REGISTRY


def all_rows() -> list[tuple]:
    return [row for area in load_areas().values() for row in area.rows]


def all_actions() -> dict[str, Action]:
    actions = {}
    for area in load_areas().values():
        actions.update(area.actions)
    return actions


def side(target: str | None) -> str | None:
    """ "own:draft" -> "own": which organisation a target belongs to."""
    return target.split(":")[0] if target else None


# --- the world every case runs in --------------------------------------------


@dataclass
class Base:
    """What every area builds on: the two organisations and a user per role."""

    own_org: object
    other_org: object
    users: dict  # role -> User (anonymous: None)


@dataclass
class World:
    base: Base
    targets: dict[str, dict]  # target -> {name: value}, from every area

    @property
    def users(self) -> dict:
        return self.base.users

    def ids(self, target: str | None) -> dict:
        ids = {"own_org": self.base.own_org.id, "other_org": self.base.other_org.id}
        if target:
            ids.update(self.targets.get(target, {}))
        return ids


def build_world(make) -> World:
    notes = {"notes": STAFF_ONLY_NOTE}
    own_org = make.organisation(OWN_ORG, **notes)
    other_org = make.organisation(OTHER_ORG, type="probation", **notes)
    users = {
        "anonymous": None,
        "own_partner": make.user("partner", organisation=own_org, email="partner@own.example", name="Own Partner"),
        "other_partner": make.user(
            "partner", organisation=other_org, email="partner@other.example", name="Other Partner"
        ),
        "staff": make.user("staff", email="staff@example.org", name="Sam Staff"),
        "admin": make.user("admin", email="admin@example.org", name="Ada Admin"),
    }
    base = Base(own_org, other_org, users)
    targets: dict[str, dict] = {"own": {}, "other": {}}
    for area in load_areas().values():
        if area.build:
            for target, values in area.build(make, base).items():
                targets.setdefault(target, {}).update(values)
    return World(base, targets)


def forbidden_text(role: str) -> list[str]:
    """What a partner must never be shown: the other organisation's records and staff notes."""
    if role not in ("own_partner", "other_partner"):
        return []
    other_side = "other" if role == "own_partner" else "own"
    texts = [STAFF_ONLY_NOTE, OTHER_ORG if other_side == "other" else OWN_ORG]
    for area in load_areas().values():
        texts.extend(area.secrets.get(other_side, []))
    return texts


# --- helpers the areas' actions use ----------------------------------------------


def get(app, model, id_):
    with app.app_context():
        return db.session.get(model, id_)


def set_values(app, model, id_, **values):
    with app.app_context():
        record = db.session.get(model, id_)
        for key, value in values.items():
            setattr(record, key, value)
        db.session.commit()


def count(app, model, *conditions) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*conditions))
