"""The access-control matrix: every route x every role -> the answer it must give.

Roles:
  anonymous      not signed in
  own_partner    a partner user of "Own Org"
  other_partner  a partner user of "Other Org"
  staff, admin

Where a URL takes an id, the row is listed twice: once with the target record
in "Own Org" (target "own") and once in "Other Org" (target "other"). So for a
partner, a target in its own organisation is in scope (view: 200, change:
403) and a target in the other organisation is out of scope (404).

Each POST is sent with a valid CSRF token. Where the expected answer is the
success redirect, the change must be in the database; for every other answer,
and for every GET, the database must be exactly as it was before the request.
Every body a partner receives must not name the other organisation's records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from crm.auth import services as auth_services
from crm.auth.models import User, UserSession
from crm.contacts.models import Contact
from crm.database import utcnow
from crm.extensions import db
from crm.organisations.models import Organisation

ROLES = ("anonymous", "own_partner", "other_partner", "staff", "admin")

OWN_ORG, OWN_PERSON, OWN_COLLEAGUE = "Own Org", "Own Person", "Own Colleague"
OTHER_ORG, HIDDEN_PERSON, OTHER_COLLEAGUE = "Other Org", "Hidden Person", "Other Colleague"
STAFF_ONLY_NOTE = "Staff-only note"  # organisation and contact notes are for staff only


# --- what an answer must be -------------------------------------------------


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


DASH = To("/dashboard")
USERS = To("/admin/users/")
ORG = To("/organisations/{org}")
CONTACT = To("/contacts/{contact}")


# --- the matrix ---------------------------------------------------------------
# (method, url template, target, (anonymous, own_partner, other_partner, staff, admin), action)

MATRIX = [
    # public, auth and dashboard
    ("GET", "/", None, (DASH, DASH, DASH, DASH, DASH), None),
    ("GET", "/login", None, (200, DASH, DASH, DASH, DASH), None),
    ("POST", "/login", None, (200, DASH, DASH, DASH, DASH), "login_wrong_password"),
    # Signing out when already signed out is not an error: it ends in the same place.
    ("POST", "/logout", None, (To("/login"), To("/login"), To("/login"), To("/login"), To("/login")), "logout"),
    ("GET", "/dashboard", None, (LOGIN, 200, 200, 200, 200), None),
    ("GET", "/account/password", None, (LOGIN, 200, 200, 200, 200), None),
    ("POST", "/account/password", None, (LOGIN, 200, 200, 200, 200), "password_wrong_current"),
    # organisations
    ("GET", "/organisations/", None, (LOGIN, 200, 200, 200, 200), None),
    ("GET", "/organisations/new", None, (LOGIN, 403, 403, 200, 200), None),
    (
        "POST",
        "/organisations/new",
        None,
        (LOGIN, 403, 403, To(r"/organisations/\d+"), To(r"/organisations/\d+")),
        "org_new",
    ),
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
    # contacts
    ("GET", "/contacts/", None, (LOGIN, 200, 200, 200, 200), None),
    ("GET", "/contacts/new", None, (LOGIN, 403, 403, 200, 200), None),
    ("GET", "/contacts/new?organisation_id={org}", "own", (LOGIN, 403, 403, 200, 200), None),
    ("GET", "/contacts/new?organisation_id={org}", "other", (LOGIN, 403, 403, 200, 200), None),
    ("POST", "/contacts/new", "own", (LOGIN, 403, 403, ORG, ORG), "contact_new"),
    ("POST", "/contacts/new", "other", (LOGIN, 403, 403, ORG, ORG), "contact_new"),
    ("GET", "/contacts/{contact}", "own", (LOGIN, 200, 404, 200, 200), None),
    ("GET", "/contacts/{contact}", "other", (LOGIN, 404, 200, 200, 200), None),
    ("GET", "/contacts/{contact}/edit", "own", (LOGIN, 403, 404, 200, 200), None),
    ("GET", "/contacts/{contact}/edit", "other", (LOGIN, 404, 403, 200, 200), None),
    ("POST", "/contacts/{contact}/edit", "own", (LOGIN, 403, 404, CONTACT, CONTACT), "contact_edit"),
    ("POST", "/contacts/{contact}/edit", "other", (LOGIN, 404, 403, CONTACT, CONTACT), "contact_edit"),
    ("GET", "/contacts/{contact}/archive", "own", (LOGIN, 403, 404, 200, 200), None),
    ("GET", "/contacts/{contact}/archive", "other", (LOGIN, 404, 403, 200, 200), None),
    ("POST", "/contacts/{contact}/archive", "own", (LOGIN, 403, 404, CONTACT, CONTACT), "contact_archive"),
    ("POST", "/contacts/{contact}/archive", "other", (LOGIN, 404, 403, CONTACT, CONTACT), "contact_archive"),
    ("POST", "/contacts/{contact}/restore", "own", (LOGIN, 403, 404, CONTACT, CONTACT), "contact_restore"),
    ("POST", "/contacts/{contact}/restore", "other", (LOGIN, 404, 403, CONTACT, CONTACT), "contact_restore"),
    # user administration: admins only, whoever the target is
    ("GET", "/admin/users/", None, (LOGIN, 403, 403, 403, 200), None),
    ("GET", "/admin/users/new", None, (LOGIN, 403, 403, 403, 200), None),
    ("POST", "/admin/users/new", None, (LOGIN, 403, 403, 403, USERS), "user_new"),
    ("GET", "/admin/users/{user}/edit", "own", (LOGIN, 403, 403, 403, 200), None),
    ("GET", "/admin/users/{user}/edit", "other", (LOGIN, 403, 403, 403, 200), None),
    ("POST", "/admin/users/{user}/edit", "own", (LOGIN, 403, 403, 403, USERS), "user_edit"),
    ("POST", "/admin/users/{user}/edit", "other", (LOGIN, 403, 403, 403, USERS), "user_edit"),
    ("GET", "/admin/users/{user}/disable", "own", (LOGIN, 403, 403, 403, 200), None),
    ("GET", "/admin/users/{user}/disable", "other", (LOGIN, 403, 403, 403, 200), None),
    ("POST", "/admin/users/{user}/disable", "own", (LOGIN, 403, 403, 403, USERS), "user_disable"),
    ("POST", "/admin/users/{user}/disable", "other", (LOGIN, 403, 403, 403, USERS), "user_disable"),
    ("POST", "/admin/users/{user}/enable", "own", (LOGIN, 403, 403, 403, USERS), "user_enable"),
    ("POST", "/admin/users/{user}/enable", "other", (LOGIN, 403, 403, 403, USERS), "user_enable"),
]

CASES = [
    pytest.param(
        method,
        url,
        target,
        role,
        expected[i],
        action,
        id=f"{method} {url}{f' [{target}]' if target else ''} as {role}",
    )
    for method, url, target, expected, action in MATRIX
    for i, role in enumerate(ROLES)
]


# --- the world every case runs in --------------------------------------------


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch):
    """Hundreds of logins: argon2 with minimal cost keeps the run short.
    Access control does not depend on the hash parameters."""
    monkeypatch.setattr(auth_services, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@dataclass
class World:
    own_org: Organisation
    other_org: Organisation
    own_contact: Contact
    other_contact: Contact
    own_member: User
    other_member: User
    users: dict  # role -> User (anonymous: None)

    def ids(self, target: str | None) -> dict:
        ids = {"own_org": self.own_org.id, "other_org": self.other_org.id}
        if target == "own":
            ids.update(
                org=self.own_org.id,
                contact=self.own_contact.id,
                user=self.own_member.id,
                user_email=self.own_member.email,
            )
        elif target == "other":
            ids.update(
                org=self.other_org.id,
                contact=self.other_contact.id,
                user=self.other_member.id,
                user_email=self.other_member.email,
            )
        return ids


@pytest.fixture
def world(make):
    notes = {"notes": STAFF_ONLY_NOTE}
    own_org = make.organisation(OWN_ORG, **notes)
    other_org = make.organisation(OTHER_ORG, type="probation", **notes)
    own_contact = make.contact(own_org, OWN_PERSON, **notes)
    other_contact = make.contact(other_org, HIDDEN_PERSON, **notes)
    own_member = make.user("partner", organisation=own_org, email="colleague@own.example", name=OWN_COLLEAGUE)
    other_member = make.user("partner", organisation=other_org, email="colleague@other.example", name=OTHER_COLLEAGUE)
    users = {
        "anonymous": None,
        "own_partner": make.user("partner", organisation=own_org, email="partner@own.example", name="Own Partner"),
        "other_partner": make.user(
            "partner", organisation=other_org, email="partner@other.example", name="Other Partner"
        ),
        "staff": make.user("staff", email="staff@example.org", name="Sam Staff"),
        "admin": make.user("admin", email="admin@example.org", name="Ada Admin"),
    }
    return World(own_org, other_org, own_contact, other_contact, own_member, other_member, users)


def sign_in(auth, world: World, role: str, *, refused: bool = False) -> None:
    user = world.users[role]
    if user is None:
        return
    response = auth.login(user.email)
    if refused:
        assert response.status_code == 200, f"{role} signed in, but should have been refused"
        return
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard", f"{role} could not sign in"


def snapshot(app) -> dict:
    """Every row of every table, to prove a request changed nothing."""
    with app.app_context():
        return {
            table.name: sorted((tuple(row) for row in db.session.execute(select(table))), key=repr)
            for table in db.metadata.sorted_tables
        }


def forbidden_text(role: str) -> list[str]:
    """What a partner must never be shown: the other organisation's records and staff notes."""
    common = [STAFF_ONLY_NOTE]
    if role == "own_partner":
        return [*common, OTHER_ORG, HIDDEN_PERSON, OTHER_COLLEAGUE]
    if role == "other_partner":
        return [*common, OWN_ORG, OWN_PERSON, OWN_COLLEAGUE]
    return []


def assert_no_leak(role: str, body: str, what: str) -> None:
    for text in forbidden_text(role):
        assert text not in body, f"{what}: a {role} is shown {text!r}"


# --- what each changing request sends, prepares and must achieve -------------


def _org(app, organisation_id):
    with app.app_context():
        return db.session.get(Organisation, organisation_id)


def _contact(app, contact_id):
    with app.app_context():
        return db.session.get(Contact, contact_id)


def _user(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id)


def _set(app, model, id_, **values):
    with app.app_context():
        record = db.session.get(model, id_)
        for key, value in values.items():
            setattr(record, key, value)
        db.session.commit()


@dataclass(frozen=True)
class Action:
    data: dict
    done: object  # (app, world, ids) -> bool: did the change happen?
    prepare: object = None  # (app, ids) -> None, before signing in


ACTIONS = {
    "login_wrong_password": Action(
        {"email": "nobody@example.org", "password": "not the right password"},
        done=lambda app, w, ids: False,
    ),
    "logout": Action({}, done=None),
    # A wrong current password: the form comes back with an error and nothing changes.
    "password_wrong_current": Action(
        {
            "current_password": "not it",
            "new_password": "a brand new password",
            "confirm_password": "a brand new password",
        },
        done=None,
    ),  # checked separately: the session has ended
    "org_new": Action(
        {"name": "Brand New Org", "type": "police", "area": "Kent"},
        done=lambda app, w, ids: _count(app, Organisation, Organisation.name == "Brand New Org") == 1,
    ),
    "org_edit": Action(
        {"name": "Renamed Org", "type": "police", "area": "Kent"},
        done=lambda app, w, ids: _org(app, ids["org"]).name == "Renamed Org",
    ),
    "org_archive": Action({}, done=lambda app, w, ids: _org(app, ids["org"]).archived_at is not None),
    "org_restore": Action(
        {},
        done=lambda app, w, ids: _org(app, ids["org"]).archived_at is None,
        prepare=lambda app, ids: _set(app, Organisation, ids["org"], archived_at=utcnow()),
    ),
    "contact_new": Action(
        {"name": "Brand New Person", "organisation_id": "{org}"},
        done=lambda app, w, ids: (
            _count(app, Contact, Contact.name == "Brand New Person", Contact.organisation_id == ids["org"]) == 1
        ),
    ),
    "contact_edit": Action(
        {"name": "Renamed Person", "organisation_id": "{org}"},
        done=lambda app, w, ids: _contact(app, ids["contact"]).name == "Renamed Person",
    ),
    "contact_archive": Action({}, done=lambda app, w, ids: _contact(app, ids["contact"]).archived_at is not None),
    "contact_restore": Action(
        {},
        done=lambda app, w, ids: _contact(app, ids["contact"]).archived_at is None,
        prepare=lambda app, ids: _set(app, Contact, ids["contact"], archived_at=utcnow()),
    ),
    "user_new": Action(
        {
            "name": "New User",
            "email": "new.user@example.org",
            "password": "a temporary password",
            "role": "partner",
            "organisation_id": "{own_org}",
        },
        done=lambda app, w, ids: _count(app, User, User.email == "new.user@example.org") == 1,
    ),
    "user_edit": Action(
        {"name": "Renamed User", "email": "{user_email}", "role": "partner", "organisation_id": "{org}"},
        done=lambda app, w, ids: _user(app, ids["user"]).name == "Renamed User",
    ),
    "user_disable": Action({}, done=lambda app, w, ids: _user(app, ids["user"]).disabled_at is not None),
    "user_enable": Action(
        {},
        done=lambda app, w, ids: _user(app, ids["user"]).disabled_at is None,
        prepare=lambda app, ids: _set(app, User, ids["user"], disabled_at=utcnow()),
    ),
}


def _count(app, model, *conditions) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


# --- the matrix test ------------------------------------------------------------


@pytest.mark.parametrize("method, url_template, target, role, expected, action_name", CASES)
def test_access_matrix(app, client, auth, world, method, url_template, target, role, expected, action_name):
    ids = world.ids(target)
    url = url_template.format(**ids)
    action = ACTIONS.get(action_name)
    if action and action.prepare:
        action.prepare(app, ids)

    sign_in(auth, world, role, refused=expected is LOGIN and role != "anonymous")
    before = snapshot(app)

    if method == "GET":
        response = client.get(url)
    else:
        data = {key: value.format(**ids) for key, value in action.data.items()}
        response = auth.post(url, data)
    body = response.get_data(as_text=True)
    where = f"{method} {url} as {role}"

    # The status and, for redirects, where to.
    if expected is LOGIN:
        assert response.status_code == 302, f"{where}: {response.status_code}, expected a redirect to sign in"
        location = urlsplit(response.headers["Location"])
        assert location.path == "/login", f"{where}: redirected to {response.headers['Location']}"
        # A page comes back after signing in; a form post cannot be replayed
        # (it would arrive as a GET), and with no referring page there is no next=.
        expected_next = [url] if method == "GET" else None
        assert parse_qs(location.query).get("next") == expected_next, (
            f"{where}: next= is {parse_qs(location.query).get('next')}, expected {expected_next!r}"
        )
    elif isinstance(expected, To):
        assert response.status_code == 302, f"{where}: {response.status_code}, expected {expected!r}"
        location = response.headers["Location"]
        assert re.fullmatch(expected.template.format(**ids), location), (
            f"{where}: redirected to {location}, expected {expected!r}"
        )
    else:
        assert response.status_code == expected, f"{where}: {response.status_code}, expected {expected}"

    # Nothing a partner receives names what is outside its scope.
    assert_no_leak(role, body, where)

    # Did the data change exactly when it should?
    success = isinstance(expected, To) and method == "POST" and action_name not in (None, "login_wrong_password")
    if action_name == "logout" and success and role == "anonymous":
        assert response.headers["Location"] == "/login"
    elif action_name == "logout" and success:
        user = world.users[role]
        assert _count(app, UserSession, UserSession.user_id == user.id) == 0, f"{where}: session kept"
        after_logout = client.get("/dashboard")
        assert after_logout.status_code == 302
        assert urlsplit(after_logout.headers["Location"]).path == "/login"
    elif success:
        assert action.done(app, world, ids), f"{where}: answered {expected!r} but the change is not in the database"
    else:
        assert snapshot(app) == before, f"{where}: answered {response.status_code} but the database changed"
        if action and action.done is not None:
            assert not action.done(app, world, ids), f"{where}: the change happened"


@pytest.mark.parametrize(
    "method, url_template, target",
    [
        pytest.param(method, url, target, id=f"{method} {url}{f' [{target}]' if target else ''}")
        for method, url, target, expected, action in MATRIX
        if expected[0] is LOGIN
    ],
)
def test_anonymous_htmx_requests_are_sent_to_sign_in(app, client, auth, world, method, url_template, target):
    """htmx cannot follow a redirect to a whole page: 401 with HX-Redirect instead of 302."""
    url = url_template.format(**world.ids(target))
    before = snapshot(app)
    # htmx says which page the request came from; a GET comes back to what it
    # asked for, a POST (which cannot be replayed) to the page it was sent from.
    headers = {"HX-Request": "true", "HX-Current-URL": "http://localhost/organisations/?q=police"}
    response = client.get(url, headers=headers) if method == "GET" else auth.post(url, {}, headers=headers)
    assert response.status_code == 401, f"{method} {url}: {response.status_code}"
    location = urlsplit(response.headers["HX-Redirect"])
    expected_next = [url] if method == "GET" else ["/organisations/?q=police"]
    assert location.path == "/login" and parse_qs(location.query).get("next") == expected_next
    assert snapshot(app) == before


# --- no route escapes the matrix ------------------------------------------------


def test_every_route_is_in_the_matrix(app):
    adapter = app.url_map.bind("localhost")
    covered: dict[tuple[str, str], set] = {}
    for method, url_template, target, expected, _action in MATRIX:
        assert len(expected) == len(ROLES)
        url = url_template.format(own_org=1, other_org=2, org=1, contact=1, user=1)
        endpoint, _ = adapter.match(urlsplit(url).path, method=method)
        covered.setdefault((endpoint, method), set()).add(target)

    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            targets = covered.get((rule.endpoint, method))
            if targets is None:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
            elif rule.arguments and not {"own", "other"} <= targets:
                missing.append(f"{method} {rule.rule}: needs a row for the own and the other organisation")
    assert not missing, "routes the access matrix does not cover:\n" + "\n".join(missing)


# --- lists and counts do not leak -----------------------------------------------


@pytest.fixture
def crowded_world(world, make, app):
    """More in the other organisation than in the own one, archived records in both."""
    for name in ("Hidden Person Two", "Hidden Person Three"):
        make.contact(world.other_org, name)
    archived = make.contact(world.other_org, "Hidden Archived Person")
    _set(app, Contact, archived.id, archived_at=utcnow())
    own_archived = make.contact(world.own_org, "Own Archived Person")
    _set(app, Contact, own_archived.id, archived_at=utcnow())
    archived_org = make.organisation("Other Archived Org")
    _set(app, Organisation, archived_org.id, archived_at=utcnow())
    return world


def partner_pages(world) -> list[str]:
    own_org, own_contact = world.own_org.id, world.own_contact.id
    return [
        "/dashboard",
        "/organisations/",
        "/organisations/?archived=include",
        "/organisations/?q=Other",
        "/organisations/?q=Org&archived=include",
        "/organisations/?type=probation",
        "/organisations/?page=2",
        "/contacts/",
        "/contacts/?archived=include",
        "/contacts/?q=Hidden&archived=include",
        "/contacts/?q=Person",
        "/contacts/?page=2",
        f"/organisations/{own_org}",
        f"/organisations/{own_org}?archived=include",
        f"/organisations/{own_org}?q=Hidden&archived=include",
        f"/contacts/{own_contact}",
        f"/organisations/{world.other_org.id}",
        f"/contacts/{world.other_contact.id}",
    ]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx-fragment"])
def test_partner_pages_never_show_another_organisation(app, client, auth, crowded_world, htmx):
    world = crowded_world
    sign_in(auth, world, "own_partner")
    headers = {"HX-Request": "true"} if htmx else {}
    for url in partner_pages(world):
        response = client.get(url, headers=headers)
        body = response.get_data(as_text=True)
        assert response.status_code in (200, 404), f"{url}: {response.status_code}"
        for text in (OTHER_ORG, "Other Archived Org", HIDDEN_PERSON, OTHER_COLLEAGUE, STAFF_ONLY_NOTE):
            assert text not in body, f"{url}: the partner of {OWN_ORG} is shown {text!r}"

    # And what is in scope is really there (so the checks above mean something).
    assert OWN_ORG in client.get("/organisations/", headers=headers).get_data(as_text=True)
    contacts = client.get("/contacts/?archived=include", headers=headers).get_data(as_text=True)
    assert OWN_PERSON in contacts and "Own Archived Person" in contacts


def test_partner_dashboard_counts_only_its_organisation(app, client, auth, crowded_world):
    sign_in(auth, crowded_world, "own_partner")
    body = client.get("/dashboard").get_data(as_text=True)
    # One active contact in the own organisation; the other has three, plus archived ones.
    assert '<span class="app-card__figure">1</span> person at your organisation' in body
    for text in (OTHER_ORG, HIDDEN_PERSON):
        assert text not in body


def test_staff_sees_every_organisation(app, client, auth, crowded_world):
    """The control for the partner checks: the same pages do show everything to staff."""
    sign_in(auth, crowded_world, "staff")
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert '<span class="app-card__figure">2</span> active' in dashboard
    assert '<span class="app-card__figure">4</span> people at partner organisations' in dashboard
    organisations = client.get("/organisations/").get_data(as_text=True)
    assert OWN_ORG in organisations and OTHER_ORG in organisations
    contacts = client.get("/contacts/").get_data(as_text=True)
    assert OWN_PERSON in contacts and HIDDEN_PERSON in contacts


# --- ?organisation_id= on /contacts/new ------------------------------------------


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_may_preselect_any_organisation_for_a_new_contact(app, client, auth, world, role):
    sign_in(auth, world, role)
    response = client.get(f"/contacts/new?organisation_id={world.other_org.id}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    selected = re.search(rf'<option value="{world.other_org.id}"[^>]*\bselected\b[^>]*>\s*{OTHER_ORG}', body)
    assert selected, "the organisation asked for is preselected"
    # Nothing beyond the organisation's name and the choices staff see anyway.
    assert HIDDEN_PERSON not in body and STAFF_ONLY_NOTE not in body
    # An id that does not exist is not found, not silently ignored.
    assert client.get("/contacts/new?organisation_id=999999").status_code == 404


@pytest.mark.parametrize("role", ["own_partner", "other_partner"])
def test_partner_cannot_use_contacts_new_with_any_organisation_id(app, client, auth, world, role):
    sign_in(auth, world, role)
    for organisation_id in (world.own_org.id, world.other_org.id, 999999):
        response = client.get(f"/contacts/new?organisation_id={organisation_id}")
        assert response.status_code == 403, f"organisation_id={organisation_id}: {response.status_code}"
        assert_no_leak(role, response.get_data(as_text=True), f"/contacts/new?organisation_id={organisation_id}")
    before = snapshot(app)
    for organisation_id in (world.own_org.id, world.other_org.id):
        response = auth.post(
            f"/contacts/new?organisation_id={organisation_id}",
            {"name": "Sneaky Person", "organisation_id": str(organisation_id)},
        )
        assert response.status_code == 403
    assert snapshot(app) == before
