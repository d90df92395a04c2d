"""Lists past the cap: keyset pages forwards and backwards, "Last", the capped count, tampered addresses.

The cap, the page size and the walk's window are made small here, so that a
few dozen rows behave as a hundred thousand would: past the cap the lists
page by keyset, and searched walks run out of window and fall back to
finding their matches first. What each page must show is worked out here in
Python from the rows put in, not asked of the code under test.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import insert

from crm import pagination
from crm.contacts.models import Contact
from crm.database import utcnow
from crm.extensions import db
from crm.meetings.models import Meeting
from crm.organisations.models import Organisation, OrganisationType
from tests.conftest import page_text

CAP, PER_PAGE, WINDOW = 5, 3, 4

# Names that tie once case is folded (and areas and job titles that tie outright);
# seven names start "de", six "ne"; seven rows have "ton" in the name or area.
ORGANISATIONS = [
    ("alpha trust", "police", "Luton"),
    ("Alpha Partnership", "health", "luton"),
    ("ALPHA CENTRE", "police", "Slough"),
    ("Beta Council", "local_council", "Slough"),
    ("beta forum", "voluntary_community_group", "Reading"),
    ("Gamma Police", "police", "Reading"),
    ("gamma-ray project", "education", "Luton"),
    ("Delta Services", "probation", "Watford"),
    ("delta youth", "education", "watford"),
    ("Dean Court", "courts_service", "Oxford"),
    ("DEN Aid", "voluntary_community_group", "Oxfordshire"),
    ("demo partners", "health", "Oxford"),
    ("Derby Victim Support", "victim_witness_service", "Luton"),
    ("Devon CPS", "prosecution_service", "Slough"),
    ("New Hope trust", "voluntary_community_group", "Reading"),
    ("newport Council", "local_council", "Oxford"),
    ("NEWTON Police", "police", "Watford"),
    ("Nepal Forum", "voluntary_community_group", "Luton"),
    ("next steps", "education", "Slough"),
    ("Network Rail Police", "police", "Reading"),
    ("Brighton Forum", "voluntary_community_group", "Reading"),
    ("Zeta Aid", "health", "Oxford"),
    ("zeta Court", "courts_service", "Reading"),
]
CONTACT_NAMES = ["Sam Lee", "sam lee", "Alex Kent", "alex kent", "Sana Patel", "Zoe Ward", "Amy Castle"]
JOB_TITLES = ["Officer", "officer", "Chair", "Caseworker"]


@pytest.fixture
def small(app, monkeypatch):
    """A cap of 5 rows, pages of 3 and a walk window of 4."""
    monkeypatch.setattr(pagination, "CAP", CAP)
    monkeypatch.setattr(pagination, "WINDOW", WINDOW)
    monkeypatch.setitem(app.config, "CRM_PAGE_SIZE", PER_PAGE)


def _load(app, organisations=ORGANISATIONS, contacts_each=2, archived="Alpha Archived") -> tuple[list, list]:
    """Insert the rows (as a bulk load would), one organisation archived; return them with their ids."""
    now = utcnow()
    stamps = {"created_at": now, "updated_at": now}
    orgs, people = [], []
    with app.app_context():
        for name, type_, area in [*organisations, (archived, "police", "Luton")]:
            row = {
                "name": name,
                "type": OrganisationType(type_),
                "area": area,
                "archived_at": now if name == archived else None,
                **stamps,
            }
            row["id"] = db.session.execute(insert(Organisation).values(**row).returning(Organisation.id)).scalar()
            orgs.append(row)
        n = 0
        for org in orgs:
            for _ in range(contacts_each):
                n += 1
                row = {
                    "organisation_id": org["id"],
                    "name": CONTACT_NAMES[n % len(CONTACT_NAMES)],
                    "job_title": JOB_TITLES[n % len(JOB_TITLES)],
                    "email": f"person{n}@example.org",
                    "archived_at": now if n % 9 == 0 else None,
                    **stamps,
                }
                row["id"] = db.session.execute(insert(Contact).values(**row).returning(Contact.id)).scalar()
                row["organisation"] = org
                people.append(row)
        db.session.commit()
    return orgs, people


def _organisations_in_order(orgs, sort="name", descending=False, q=None) -> list[int]:
    rows = [o for o in orgs if o["archived_at"] is None and _matches(q, o["name"], o["name"], o["area"])]
    key = {
        "name": lambda o: (o["name"].lower(), o["id"]),
        "type": lambda o: (o["type"].value, o["name"].lower(), o["id"]),
        "area": lambda o: (o["area"].lower(), o["name"].lower(), o["id"]),
    }[sort]
    return [o["id"] for o in sorted(rows, key=key, reverse=descending)]


def _contacts_in_order(people, sort="name", descending=False, q=None) -> list[int]:
    rows = [
        c
        for c in people
        if c["archived_at"] is None
        and c["organisation"]["archived_at"] is None
        and _matches(q, c["name"], c["name"], c["job_title"], c["email"])
    ]
    key = {
        "name": lambda c: (c["name"].lower(), c["id"]),
        "organisation": lambda c: (
            c["organisation"]["name"].lower(),
            c["organisation"]["id"],
            c["name"].lower(),
            c["id"],
        ),
        "job_title": lambda c: (c["job_title"].lower(), c["name"].lower(), c["id"]),
    }[sort]
    return [c["id"] for c in sorted(rows, key=key, reverse=descending)]


def _matches(q, name, *fields) -> bool:
    """A term of three characters or more anywhere in the fields; a shorter one at the start of the name."""
    if not q:
        return True
    if len(q) < 3:
        return name.lower().startswith(q.lower())
    return any(q.lower() in field.lower() for field in fields)


# --- reading pages --------------------------------------------------------------

_ROW = {
    "organisations": re.compile(r'<a class="govuk-link" href="/organisations/(\d+)">'),
    "contacts": re.compile(r'<a class="govuk-link" href="/contacts/(\d+)\?'),
    "meetings": re.compile(r'<a class="govuk-link" href="/meetings/(\d+)">'),
}
_NEXT = re.compile(r'href="([^"]+)" rel="next"')
_PREVIOUS = re.compile(r'href="([^"]+)" rel="prev"')
_LAST = re.compile(r'href="([^"]+)" aria-label="Last page"')


def _ids(list_name: str, body: str) -> list[int]:
    return [int(i) for i in _ROW[list_name].findall(body)]


def _link(pattern, body) -> str | None:
    match = pattern.search(body)
    return unescape(match.group(1)) if match else None


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return page_text(response)


def _forwards(client, list_name, url) -> list[int]:
    seen, body = [], _page(client, url)
    for _ in range(100):
        seen += _ids(list_name, body)
        following = _link(_NEXT, body)
        if following is None:
            return seen
        body = _page(client, following)
    raise AssertionError("more than 100 pages")


def _backwards_from_last(client, list_name, url) -> tuple[list[int], list[int]]:
    """Every row, reading from the "Last" page back to the first; and the "Last" page's own rows."""
    last = _link(_LAST, _page(client, url))
    assert last is not None, f"{url} has no link to its last page"
    body = _page(client, last)
    last_rows = _ids(list_name, body)
    seen = []
    for _ in range(100):
        seen = _ids(list_name, body) + seen
        previous = _link(_PREVIOUS, body)
        if previous is None:
            return seen, last_rows
        body = _page(client, previous)
    raise AssertionError("more than 100 pages")


# --- keyset pages ---------------------------------------------------------------------


def _query(sort, descending, q=None):
    args = {"sort": sort, **({"order": "desc"} if descending else {}), **({"q": q} if q else {})}
    return "?" + "&".join(f"{key}={value}" for key, value in args.items())


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("sort", ["name", "type", "area"])
@pytest.mark.parametrize("q", [None, "de", "ton", "NE"], ids=["all", "prefix", "substring", "prefix-upper"])
def test_organisations_page_through_every_row_once_in_order(app, client, staff, small, sort, descending, q):
    orgs, _ = _load(app)
    expected = _organisations_in_order(orgs, sort, descending, q)
    assert len(expected) > CAP
    url = "/organisations/" + _query(sort, descending, q)

    assert "More than 5 organisations found" in _page(client, url)
    assert _forwards(client, "organisations", url) == expected
    backwards, last = _backwards_from_last(client, "organisations", url)
    assert backwards == expected
    assert last == expected[-PER_PAGE:], "the last page shows the final rows, in order"


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("sort", ["name", "organisation", "job_title"])
@pytest.mark.parametrize("q", [None, "sa", "officer", "lee"], ids=["all", "prefix", "common", "substring"])
def test_contacts_page_through_every_row_once_in_order(app, client, staff, small, sort, descending, q):
    _, people = _load(app)
    expected = _contacts_in_order(people, sort, descending, q)
    assert len(expected) > CAP
    url = "/contacts/" + _query(sort, descending, q)

    assert "More than 5 contacts found" in _page(client, url)
    assert _forwards(client, "contacts", url) == expected
    backwards, last = _backwards_from_last(client, "contacts", url)
    assert backwards == expected
    assert last == expected[-PER_PAGE:]


def test_keyset_links_keep_the_filters_and_sort(app, client, staff, small):
    _load(app)
    body = _page(client, "/organisations/?sort=area&order=desc&q=ton")
    following = _link(_NEXT, body)
    assert "sort=area" in following and "order=desc" in following and "q=ton" in following
    assert "after=" in following
    assert "page=last" in _link(_LAST, body)
    assert 'aria-current="page"' in body.split('aria-label="First page"')[1].split("</a>")[0], "on the first page"


def test_a_contacts_page_links_back_to_itself(app, client, staff, small):
    _load(app)
    second = _link(_NEXT, _page(client, "/contacts/"))
    body = _page(client, second)
    after = re.search(r"after=([\w-]+)", second).group(1)
    assert f"after%3D{after}" in body, "each contact links back to this page of the list"


def test_a_partner_pages_through_its_own_contacts_only(app, client, auth, make, small):
    own = make.organisation(name="Own Org")
    other = make.organisation(name="Other Org")
    mine = [make.contact(own, name=f"Person {n:02d}").id for n in range(8)]
    for n in range(8):
        make.contact(other, name=f"Person {n:02d} elsewhere")
    make.user("partner", organisation=own, email="partner@own.example")
    auth.login("partner@own.example")

    assert _forwards(client, "contacts", "/contacts/") == mine
    assert _backwards_from_last(client, "contacts", "/contacts/")[0] == mine


# --- the capped count -------------------------------------------------------------------


def test_counts_up_to_the_cap_are_exact_and_past_it_say_more_than(app, client, staff, small):
    orgs, _ = _load(app)
    exact = _organisations_in_order(orgs, q="Slough")
    assert 1 < len(exact) <= CAP
    body = _page(client, "/organisations/?q=Slough")
    assert f"{len(exact)} organisations found, showing 1 to 3" in body
    assert "More than" not in body
    assert 'aria-label="Page 2"' in body, "numbered pages up to the cap"
    body = _page(client, "/organisations/")
    assert "More than 5 organisations found" in body
    assert 'aria-label="Page 2"' not in body, "no numbered pages past the cap"


def test_past_1000_rows_the_list_says_more_than_1000(app, client, staff):
    add_organisations(app, 1001)
    assert "More than 1,000 organisations found" in _page(client, "/organisations/")
    archive_one(app)
    body = _page(client, "/organisations/")
    assert "1,000 organisations found, showing 1 to 20" in body, "exactly the cap: a number, with its comma"


def add_organisations(app, count: int) -> None:
    now = utcnow()
    rows = [
        {"name": f"Organisation {n:04d}", "type": OrganisationType.POLICE, "created_at": now, "updated_at": now}
        for n in range(count)
    ]
    with app.app_context():
        db.session.execute(insert(Organisation), rows)
        db.session.commit()


def archive_one(app) -> None:
    with app.app_context():
        db.session.execute(
            Organisation.__table__.update().where(Organisation.name == "Organisation 0000").values(archived_at=utcnow())
        )
        db.session.commit()


# --- tampered addresses ------------------------------------------------------------------


def _encoded(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


TAMPERED = [
    "nonsense",
    "%%%",
    "=" * 10,
    "a" * 5000,
    base64.urlsafe_b64encode(b"\xff\xfe not json").decode(),
    _encoded([]),
    _encoded(["alpha"]),
    _encoded(["alpha", 1, 2]),
    _encoded([1, "alpha"]),
    _encoded(["alpha", 2**40]),
    _encoded(["alpha", -(2**63)]),
    _encoded(["alpha", 1.5]),
    _encoded(["alpha", True]),
    _encoded([None, 1]),
    _encoded(["nul\x00here", 1]),
    _encoded({"a": 1}),
    base64.urlsafe_b64encode(b'["\\ud800", 1]').decode(),
    base64.urlsafe_b64encode(b"[" * 3000 + b"]" * 3000).decode()[:1900],
    _encoded(["x" * 5000, 1]),
]


@pytest.mark.parametrize("arg", ["after", "before"])
def test_a_tampered_keyset_shows_the_first_page(app, client, staff, small, arg):
    orgs, people = _load(app)
    first_organisations = _organisations_in_order(orgs)[:PER_PAGE]
    first_contacts = _contacts_in_order(people)[:PER_PAGE]
    for value in TAMPERED:
        body = _page(client, f"/organisations/?{arg}={value}")
        assert _ids("organisations", body) == first_organisations, value
        body = _page(client, f"/contacts/?{arg}={value}&sort=job_title")
        assert _ids("contacts", body) == _contacts_in_order(people, "job_title")[:PER_PAGE], value
    assert _ids("contacts", _page(client, f"/contacts/?{arg}=")) == first_contacts


def test_a_keyset_from_another_sort_is_harmless(app, client, staff, small):
    orgs, _ = _load(app)
    second = _link(_NEXT, _page(client, "/organisations/?sort=area"))
    after = re.search(r"after=([\w-]+)", second).group(1)
    # Read under the name sort, the area sort's keyset fits (three keys against two): first page.
    body = _page(client, f"/organisations/?after={after}")
    assert _ids("organisations", body) == _organisations_in_order(orgs)[:PER_PAGE]


def test_a_keyset_past_the_end_shows_the_first_page(app, client, staff, small):
    orgs, _ = _load(app)
    body = _page(client, f"/organisations/?after={_encoded(['zzzz', 2**31 - 1])}")
    assert _ids("organisations", body) == _organisations_in_order(orgs)[:PER_PAGE]


# --- queries do not grow ------------------------------------------------------------------


def test_keyset_pages_run_the_same_queries_whatever_the_rows(app, client, staff, small, count_queries):
    def queries(url):
        with count_queries() as counter:
            body = _page(client, url)
        return counter.count, body

    def every_kind_of_page(list_url):
        first_count, body = queries(list_url)
        next_count, body = queries(_link(_NEXT, body))
        previous_count, _ = queries(_link(_PREVIOUS, body))
        last_count, _ = queries(_link(_LAST, body))
        return first_count, next_count, previous_count, last_count

    _load(app, ORGANISATIONS[:8], contacts_each=1)
    few = {url: every_kind_of_page(url) for url in ("/organisations/", "/contacts/", "/contacts/?sort=organisation")}
    _load(app, [(f"{name} again", type_, area) for name, type_, area in ORGANISATIONS], 3, archived="Archived Again")
    more = {url: every_kind_of_page(url) for url in few}
    assert more == few


def test_a_searched_walk_runs_a_bounded_number_of_queries(app, client, staff, small, count_queries):
    _load(app, [(f"{name} {n}", type_, area) for n in range(3) for name, type_, area in ORGANISATIONS])
    for url in ("/organisations/?q=ton", "/organisations/?q=ton&sort=area", "/contacts/?q=officer"):
        body = _page(client, url)
        with count_queries() as counter:
            _page(client, _link(_NEXT, body))
        # Session, count, window, walk, perhaps the matches past the window, contact counts.
        assert counter.count <= 6, url


def test_type_values_sort_as_their_labels_do():
    """The type sort reads an index on the stored value, and people read the labels."""
    assert sorted(OrganisationType, key=lambda t: t.value) == sorted(OrganisationType, key=lambda t: t.label.lower())


def test_meetings_page_by_their_dates_past_the_cap(app, client, staff, small):
    """A list sorted by a moment pages by keyset too: the dates travel in the
    address and come back as moments, forwards, backwards and from "Last"."""
    now = utcnow()
    starts = [now - timedelta(days=day, hours=day % 3) for day in range(1, 12)]
    starts.append(starts[3])  # two meetings at the same moment: the id breaks the tie
    with app.app_context():
        db.session.execute(
            insert(Meeting),
            [
                {"title": f"Panel {n}", "kind": "scrutiny_panel", "starts_at": start}
                for n, start in enumerate(starts, 1)
            ],
        )
        db.session.commit()
        rows = db.session.execute(db.select(Meeting.id, Meeting.starts_at)).all()
    # Past meetings read latest first, ties by the highest id first (the sort reversed whole).
    expected = [id_ for id_, _ in sorted(rows, key=lambda row: (row[1], row[0]), reverse=True)]
    assert _forwards(client, "meetings", "/meetings/?when=past") == expected
    backwards, last = _backwards_from_last(client, "meetings", "/meetings/?when=past")
    assert last == expected[-len(last) :] and backwards == expected
