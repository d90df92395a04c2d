"""Searching through the trigram indexes finds exactly what ILIKE '%term%' finds.

Both lists' searches are checked against a plain ILIKE over the same
columns, on both databases, with awkward terms: LIKE's wildcards, quotes,
backslashes, FTS5's own syntax, letters outside ASCII and terms of exactly
three characters. On SQLite the indexed search goes through the FTS5 table;
on PostgreSQL through the pg_trgm indexes.
"""

from __future__ import annotations

import pytest
from sqlalchemy import insert, or_, select, text

from crm.auth.models import Role, User
from crm.contacts import services as contact_services
from crm.contacts.models import Contact
from crm.database import like_pattern, utcnow
from crm.extensions import db
from crm.organisations import services as organisation_services
from crm.organisations.models import Organisation, OrganisationType

NAMES = [
    "Police 100% Partnership",
    "100 Percent Club",
    "Under_score Trust",
    "Underscore Trust",
    "O'Brien & Sons",
    'The "Quoted" Forum',
    "Back\\slash Society",
    "Zoë's Café",
    "ZOË HOUSE",
    "zoe house annexe",
    "Crème Brûlée Bakery",
    "Ünïcödé Ltd",
    "NEAR OR FAR",
    "col: name",
    "star* gazers",
    "(brackets) and ^carets^",
    "ABC",
    "abcdef",
    "x\ty tabbed",
    "  leading spaces",
    "İstanbul Link",
    "Straße Verein",
    "ÅÄÖ Förening",
]
AREAS = ["Bedfordshire", "Zoë Town", "100% Area", "Luton", "Back\\slash Vale", "ÉIRE"]
TERMS = [
    "100%",
    "0% ",
    "%%%",
    "r_s",
    "der_",
    "___",
    "O'B",
    "'s ",
    '"Qu',
    '""',
    '"""',
    "k\\s",
    "\\\\\\",
    "Zoë",
    "zoë",
    "ZOË",
    "zoe",
    "Café",
    "CAFÉ",
    "café",
    "rûl",
    "ÜNÏ",
    "ünï",
    "OR F",
    "NEAR",
    "col:",
    "star*",
    "(br",
    "^ca",
    "abc",
    "ABC",
    "bcd",
    "y t",
    "  l",
    "İst",
    "ist",
    "ße ",
    "sse",
    "ÅÄÖ",
    "åäö",
    "shi",
    "vale",
    "éir",
    "ÉIR",
    "not there",
    "x" * 100,
]


@pytest.fixture
def awkward(app):
    now = utcnow()
    with app.app_context():
        for n, name in enumerate(NAMES):
            organisation_id = db.session.execute(
                insert(Organisation)
                .values(
                    name=name,
                    type=OrganisationType.POLICE,
                    area=AREAS[n % len(AREAS)],
                    created_at=now,
                    updated_at=now,
                )
                .returning(Organisation.id)
            ).scalar()
            db.session.execute(
                insert(Contact).values(
                    organisation_id=organisation_id,
                    name=NAMES[-1 - n],
                    job_title=AREAS[n % len(AREAS)],
                    email=f"{name[:3].strip().lower()}.{n}@example.org",
                    created_at=now,
                    updated_at=now,
                )
            )
        db.session.commit()


def _staff() -> User:
    return User(role=Role.STAFF)


def _ids(query) -> set[int]:
    return set(db.session.scalars(query))


def _ilike(model, columns, term) -> set[int]:
    """The reference: plain ILIKE over the searched columns, wildcards escaped."""
    pattern = like_pattern(term)
    return _ids(select(model.id).where(or_(*(column.ilike(pattern, escape="\\") for column in columns))))


def test_the_terms_are_awkward_enough():
    assert {len(term) for term in TERMS} >= {3, 4}
    assert any(len(term) == 3 for term in TERMS)


@pytest.mark.parametrize("term", TERMS)
def test_organisation_search_finds_what_ilike_finds(app, awkward, term):
    filters = organisation_services.OrganisationFilters(q=term, include_archived=True, sort="name")
    with app.app_context():
        listing = organisation_services.list_organisations(_staff(), filters)
        expected = _ilike(Organisation, (Organisation.name, Organisation.area), term)
        assert _ids(listing.rows(indexed=True).with_only_columns(Organisation.id)) == expected
        assert _ids(listing.rows(indexed=False).with_only_columns(Organisation.id)) == expected


@pytest.mark.parametrize("term", TERMS)
def test_contact_search_finds_what_ilike_finds(app, awkward, term):
    filters = contact_services.ContactFilters(q=term, include_archived=True, sort="name")
    with app.app_context():
        listing = contact_services.list_contacts(_staff(), filters)
        expected = _ilike(Contact, (Contact.name, Contact.job_title, Contact.email), term)
        assert _ids(listing.rows(indexed=True).with_only_columns(Contact.id)) == expected
        assert _ids(listing.rows(indexed=False).with_only_columns(Contact.id)) == expected


def test_some_terms_find_something(app, awkward):
    """So that the equivalence above is not between two empty sets."""
    with app.app_context():
        found = {term: _ilike(Organisation, (Organisation.name, Organisation.area), term) for term in TERMS}
    for term in ("100%", "r_s", "O'B", '"Qu', "k\\s", "Zoë", "zoe", "Café", "abc", "vale", "ÉIR"):
        assert found[term], term
    with app.app_context():
        names = dict(db.session.execute(select(Organisation.id, Organisation.name)).all())
    assert "100 Percent Club" not in {names[i] for i in found["100%"]}, "% is taken literally"
    assert {names[i] for i in found["r_s"]} == {"Under_score Trust"}, "_ is taken literally"


def test_every_three_character_piece_of_a_name_finds_it(app, awkward):
    with app.app_context():
        for organisation_id, name in db.session.execute(select(Organisation.id, Organisation.name)):
            for start in range(len(name) - 2):
                term = name[start : start + 3]
                filters = organisation_services.OrganisationFilters(q=term, sort="name")
                listing = organisation_services.list_organisations(_staff(), filters)
                assert organisation_id in _ids(listing.rows().with_only_columns(Organisation.id)), (name, term)


def _ascii_lower(text: str) -> str:
    return text.translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"))


@pytest.mark.parametrize("term", ["ab", "AB", "z", "zo", "%", "_", "\\", "'", '"', "Zo", "ü", "Ü", "cr", "ÅÄ"])
def test_a_short_term_matches_the_start_of_the_name(app, awkward, client, staff, term):
    with app.app_context():
        names = dict(db.session.execute(select(Organisation.id, Organisation.name)).all())
        filters = organisation_services.OrganisationFilters(q=term, sort="name")
        found = _ids(
            organisation_services.list_organisations(_staff(), filters).rows().with_only_columns(Organisation.id)
        )
        if db.engine.dialect.name == "sqlite":  # LIKE folds ASCII letters only
            expected = {i for i, name in names.items() if _ascii_lower(name).startswith(_ascii_lower(term))}
        else:  # lower() folds every letter
            expected = {i for i, name in names.items() if name.lower().startswith(term.lower())}
    assert found == expected
    response = client.get("/organisations/", query_string={"q": term})
    assert response.status_code == 200
    assert (f"{len(expected)} organisation" if expected else "No organisations found") in response.get_data(
        as_text=True
    )


def test_short_terms_find_something(app, awkward):
    with app.app_context():
        for term, at_least in (("ab", 2), ("zo", 2), ("%", 0), ("Ü", 1), ("cr", 1)):
            filters = organisation_services.OrganisationFilters(q=term, sort="name")
            listing = organisation_services.list_organisations(_staff(), filters)
            assert len(_ids(listing.rows().with_only_columns(Organisation.id))) >= at_least, term


def test_the_search_index_follows_changes(app, client, staff, make):
    organisation = make.organisation(name="Bedfordshire Police", area="Bedfordshire")
    contact = make.contact(organisation, name="Sana Mirza", job_title="Hate crime lead", email="s.mirza@example.org")

    def organisations(term):
        return client.get(f"/organisations/?q={term}").get_data(as_text=True)

    def contacts(term):
        return client.get(f"/contacts/?q={term}").get_data(as_text=True)

    assert "Bedfordshire Police" in organisations("fordshire Pol")
    response = staff.post(
        f"/organisations/{organisation.id}/edit",
        {"name": "Thames Valley Police", "type": "police", "area": "Berkshire", "version": "1"},
    )
    assert response.status_code == 302
    assert "Thames Valley Police" in organisations("Valley Pol")
    assert "Thames Valley Police" in organisations("erkshir")
    assert "1 organisation found" not in organisations("fordshire Pol")
    response = staff.post(
        f"/contacts/{contact.id}/edit",
        {"name": "Sana Begum", "organisation_id": str(organisation.id), "job_title": "Witness care", "version": "1"},
    )
    assert response.status_code == 302
    assert "Sana Begum" in contacts("a Begu")
    assert "Sana Begum" in contacts("ness car")
    assert "No contacts found" in contacts("a Mirz")
    assert "No contacts found" in contacts("Hate crime")
    assert "No contacts found" in contacts("mirza@")


def test_sqlite_search_tables_stay_in_step_with_their_tables(app, awkward):
    """FTS5's own integrity check: the index holds exactly the rows' text (SQLite only)."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL searches its tables' own indexes")
        for table in ("organisations_search", "contacts_search"):
            db.session.execute(text(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)"))
        db.session.execute(text("DELETE FROM contacts"))
        db.session.execute(text("DELETE FROM organisations"))
        for table in ("organisations_search", "contacts_search"):
            db.session.execute(text(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)"))
        db.session.commit()
