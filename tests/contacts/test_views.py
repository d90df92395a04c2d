"""Contacts: people at partner organisations."""

from __future__ import annotations

from sqlalchemy import select

from crm.contacts.models import Contact
from crm.extensions import db
from tests.conftest import page_text


def test_add_a_contact_from_the_organisationpage_text(app, client, staff, make):
    organisation = make.organisation(name="Bedfordshire Police")
    form = page_text(client.get(f"/contacts/new?organisation_id={organisation.id}"))
    assert f'<option value="{organisation.id}" selected>' in form
    response = staff.post(
        "/contacts/new",
        {
            "name": "Sana Mirza",
            "organisation_id": str(organisation.id),
            "job_title": "Domestic abuse lead",
            "email": "s.mirza@example.org",
            "phone": "+44 1632 960 002",
        },
    )
    assert response.headers["Location"] == f"/organisations/{organisation.id}"
    page = page_text(client.get(response.headers["Location"]))
    assert "Sana Mirza added." in page
    assert "Domestic abuse lead" in page


def test_mistakes_keep_what_was_typed(app, staff, make):
    make.organisation(name="Bedfordshire Police")
    page = page_text(
        staff.post(
            "/contacts/new", {"name": "", "organisation_id": "", "email": "not-an-email", "notes": "Met at panel"}
        )
    )
    assert "Enter the contact&#39;s full name" in page
    assert "Select the contact&#39;s organisation" in page
    assert "Enter an email address in the correct format, like name@example.org" in page
    assert 'value="not-an-email"' in page
    assert "Met at panel" in page
    with app.app_context():
        assert db.session.scalar(select(Contact)) is None


def test_an_organisation_not_on_the_list_is_refused(staff, make):
    archived = make.organisation(name="Gone")
    staff.post(f"/organisations/{archived.id}/archive")
    for value in (str(archived.id), "999999", "abc"):
        page = page_text(staff.post("/contacts/new", {"name": "Someone", "organisation_id": value}))
        assert "Select an organisation from the list" in page, value


def test_contacts_list_searches_name_job_title_and_email(client, staff, make):
    police = make.organisation(name="Thames Valley Police")
    make.contact(police, name="Daniel Osei", job_title="Detective Inspector", email="d.osei@example.org")
    make.contact(police, name="Rachel Kent", job_title="Hate crime coordinator", email="r.kent@example.org")
    assert "Daniel Osei" in page_text(client.get("/contacts/?q=detective"))
    assert "Rachel Kent" not in page_text(client.get("/contacts/?q=detective"))
    assert "Rachel Kent" in page_text(client.get("/contacts/?q=r.kent"))
    fragment = page_text(client.get("/contacts/?q=hate", headers={"HX-Request": "true"}))
    assert "Rachel Kent" in fragment and "<html" not in fragment


def test_archive_and_restore_a_contact(app, client, staff, make):
    organisation = make.organisation()
    contact = make.contact(organisation, name="Amy Castle")
    staff.post(f"/contacts/{contact.id}/archive", follow_redirects=True)
    assert "Amy Castle" not in page_text(client.get("/contacts/"))
    assert "Amy Castle" in page_text(client.get("/contacts/?archived=include"))
    staff.post(f"/contacts/{contact.id}/restore", follow_redirects=True)
    assert "Amy Castle" in page_text(client.get("/contacts/"))


def test_contacts_list_queries_do_not_grow_with_rows(client, staff, make, count_queries):
    def queries():
        with count_queries() as counter:
            client.get("/contacts/")
        return counter.count

    organisation = make.organisation()
    make.contact(organisation)
    few = queries()
    for number in range(10):
        make.contact(make.organisation(name=f"Org {number}"))
    assert queries() == few


def test_an_email_cannot_add_recipients_to_the_mail_link(client, staff, make):
    contact = make.contact(make.organisation(), name="Odd Address", email="x?cc=someone@example.org")
    page = page_text(client.get(f"/contacts/{contact.id}"))
    assert 'href="mailto:x%3Fcc%3Dsomeone@example.org"' in page
    assert 'href="mailto:x?cc=' not in page
