"""The access-control matrix: every route x every role -> the answer it must give.

The rows come from each area's `tests/<area>/access.py` (see tests/access.py).

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

import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from argon2 import PasswordHasher
from pypdf import PdfReader
from sqlalchemy import select

from crm.auth import services as auth_services
from crm.auth.models import UserSession
from crm.contacts.models import Contact
from crm.database import utcnow
from crm.extensions import db
from crm.organisations.models import Organisation
from tests.access import (
    LOGIN,
    OTHER_ORG,
    OWN_ORG,
    ROLES,
    STAFF_ONLY_NOTE,
    To,
    all_actions,
    all_rows,
    build_world,
    count,
    forbidden_text,
    set_values,
    side,
)
from tests.actions.access import OTHER_ACTION, OWN_ACTION
from tests.contacts.access import HIDDEN_PERSON, OWN_PERSON
from tests.users.access import OTHER_COLLEAGUE

MATRIX = all_rows()
ACTIONS = all_actions()

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


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch):
    """Hundreds of logins: argon2 with minimal cost keeps the run short.
    Access control does not depend on the hash parameters."""
    monkeypatch.setattr(auth_services, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def world(make):
    return build_world(make)


def sign_in(auth, world, role: str, *, refused: bool = False) -> None:
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


def readable_body(response) -> str:
    """What a person reads in an answer: its text, or a PDF's text read back."""
    if response.mimetype == "application/pdf":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    return response.get_data(as_text=True)


def assert_no_leak(role: str, body: str, what: str) -> None:
    for text in forbidden_text(role):
        assert text not in body, f"{what}: a {role} is shown {text!r}"


def _filled(value, ids):
    """A form value with the world's ids filled in; a list is a field sent several times (a date's parts)."""
    if isinstance(value, list):
        return [part.format(**ids) for part in value]
    return value.format(**ids)


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
        data = {key: _filled(value, ids) for key, value in action.data.items()}
        response = auth.post(url, data)
    body = readable_body(response)
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
        assert count(app, UserSession, UserSession.user_id == user.id) == 0, f"{where}: session kept"
        after_logout = client.get("/dashboard")
        assert after_logout.status_code == 302
        assert urlsplit(after_logout.headers["Location"]).path == "/login"
    elif success:
        assert action.done(app, ids), f"{where}: answered {expected!r} but the change is not in the database"
    else:
        assert snapshot(app) == before, f"{where}: answered {response.status_code} but the database changed"
        if action and action.done is not None:
            assert not action.done(app, ids), f"{where}: the change happened"


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
        url = re.sub(r"\{\w+\}", "1", url_template)
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
            elif rule.arguments and not {"own", "other"} <= {side(t) for t in targets}:
                missing.append(f"{method} {rule.rule}: needs a row for the own and the other organisation")
    assert not missing, "routes the access matrix does not cover:\n" + "\n".join(missing)


# --- lists and counts do not leak -----------------------------------------------


@pytest.fixture
def crowded_world(world, make, app):
    """More in the other organisation than in the own one, archived records in both."""
    for name in ("Hidden Person Two", "Hidden Person Three"):
        make.contact(world.base.other_org, name)
    archived = make.contact(world.base.other_org, "Hidden Archived Person")
    set_values(app, Contact, archived.id, archived_at=utcnow())
    own_archived = make.contact(world.base.own_org, "Own Archived Person")
    set_values(app, Contact, own_archived.id, archived_at=utcnow())
    archived_org = make.organisation("Other Archived Org")
    set_values(app, Organisation, archived_org.id, archived_at=utcnow())
    return world


def partner_pages(world) -> list[str]:
    own_org, own_contact = world.ids("own")["org"], world.ids("own")["contact"]
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
        f"/organisations/{world.base.other_org.id}",
        f"/contacts/{world.ids('other')['contact']}",
        # The register every way it can be asked: searched, filtered by the other
        # organisation, sorted, paged to the end, downloaded; and the other's action by address.
        "/actions/",
        "/actions/?show=all",
        "/actions/?show=all&q=Other",
        "/actions/?show=all&q=register",
        f"/actions/?show=all&organisation={world.base.other_org.id}",
        "/actions/?show=all&sort=title&order=desc",
        "/actions/?show=all&sort=updated",
        "/actions/?show=all&page=last",
        "/actions/?rag=green&mine=yes",
        "/actions/export.csv?show=all",
        f"/actions/export.csv?show=all&organisation={world.base.other_org.id}",
        f"/actions/{world.ids('other:register')['action']}",
        f"/actions/{world.ids('other:register')['action']}/progress",
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
        for text in (OTHER_ORG, "Other Archived Org", HIDDEN_PERSON, OTHER_COLLEAGUE, STAFF_ONLY_NOTE, OTHER_ACTION):
            assert text not in body, f"{url}: the partner of {OWN_ORG} is shown {text!r}"

    # And what is in scope is really there (so the checks above mean something).
    assert OWN_ORG in client.get("/organisations/", headers=headers).get_data(as_text=True)
    contacts = client.get("/contacts/?archived=include", headers=headers).get_data(as_text=True)
    assert OWN_PERSON in contacts and "Own Archived Person" in contacts
    assert OWN_ACTION in client.get("/actions/?show=all&q=register", headers=headers).get_data(as_text=True)
    assert OWN_ACTION in client.get("/actions/export.csv?show=all").get_data(as_text=True)


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
    response = client.get(f"/contacts/new?organisation_id={world.base.other_org.id}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    selected = re.search(rf'<option value="{world.base.other_org.id}"[^>]*\bselected\b[^>]*>\s*{OTHER_ORG}', body)
    assert selected, "the organisation asked for is preselected"
    # Nothing beyond the organisation's name and the choices staff see anyway.
    assert HIDDEN_PERSON not in body and STAFF_ONLY_NOTE not in body
    # An id that does not exist is not found, not silently ignored.
    assert client.get("/contacts/new?organisation_id=999999").status_code == 404


@pytest.mark.parametrize("role", ["own_partner", "other_partner"])
def test_partner_cannot_use_contacts_new_with_any_organisation_id(app, client, auth, world, role):
    sign_in(auth, world, role)
    for organisation_id in (world.base.own_org.id, world.base.other_org.id, 999999):
        response = client.get(f"/contacts/new?organisation_id={organisation_id}")
        assert response.status_code == 403, f"organisation_id={organisation_id}: {response.status_code}"
        assert_no_leak(role, response.get_data(as_text=True), f"/contacts/new?organisation_id={organisation_id}")
    before = snapshot(app)
    for organisation_id in (world.base.own_org.id, world.base.other_org.id):
        response = auth.post(
            f"/contacts/new?organisation_id={organisation_id}",
            {"name": "Sneaky Person", "organisation_id": str(organisation_id)},
        )
        assert response.status_code == 403
    assert snapshot(app) == before
