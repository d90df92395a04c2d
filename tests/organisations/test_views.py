"""Organisations as staff use them: find, add, correct, archive."""

from __future__ import annotations

import re

from sqlalchemy import select

from crm.extensions import db
from crm.organisations.models import Organisation
from tests.conftest import page_text


def _names_in_results(html: str) -> list[str]:
    return re.findall(r'<a class="govuk-link" href="/organisations/\d+">([^<]+)</a>', html)


VALID = {
    "name": "Bedfordshire Hate Crime Partnership",
    "type": "voluntary_community_group",
    "area": "Bedfordshire",
    "address": "1 High Street\nBedford",
    "website": "www.example.org.uk",
    "phone": "01632 960 001",
    "notes": "Runs the annual hate crime conference.",
}


def test_add_an_organisation(app, client, staff):
    response = staff.post("/organisations/new", VALID)
    assert response.status_code == 302
    page = page_text(client.get(response.headers["Location"]))
    assert "Bedfordshire Hate Crime Partnership added." in page
    assert "Voluntary or community group" in page
    assert "1 High Street<br>Bedford" in page
    assert 'href="https://www.example.org.uk"' in page, "a bare website gets https://"
    with app.app_context():
        saved = db.session.scalar(select(Organisation))
        assert saved.website == "https://www.example.org.uk"


def test_mistakes_are_listed_and_nothing_typed_is_lost(app, staff):
    data = {**VALID, "type": "", "website": "not a website", "phone": "call reception"}
    page = page_text(staff.post("/organisations/new", data))
    assert "<title>Error: Add an organisation" in page
    assert "There is a problem" in page
    for message, field in (
        ("Select the type of organisation", "type"),
        ("Enter a website address, like www.example.org.uk", "website"),
        ("Enter a phone number, like 01632 960 001 or +44 808 157 0192", "phone"),
    ):
        assert f'<a href="#{field}">{message}</a>' in page
    assert 'value="Bedfordshire Hate Crime Partnership"' in page
    assert "Runs the annual hate crime conference." in page
    assert 'value="call reception"' in page
    assert 'value="not a website"' in page, "a mistaken website comes back exactly as typed"
    with app.app_context():
        assert db.session.scalar(select(Organisation)) is None


def test_limits_are_enforced_on_the_server(staff):
    page = page_text(staff.post("/organisations/new", {**VALID, "name": "x" * 201, "notes": "y" * 5001}))
    assert "Name must be 200 characters or fewer" in page
    assert "Notes must be 5,000 characters or fewer" in page


def test_a_type_that_is_not_on_the_list_is_refused(staff):
    page = page_text(staff.post("/organisations/new", {**VALID, "type": "pirates"}))
    assert "Select the type of organisation from the list" in page


def test_names_are_unique_whatever_their_case(staff, make):
    make.organisation(name="Thames Valley Police")
    page = page_text(staff.post("/organisations/new", {**VALID, "name": "  thames valley POLICE "}))
    assert "An organisation with this name already exists" in page


def test_duplicate_name_is_reported_with_the_other_mistakes(staff, make):
    make.organisation(name="Thames Valley Police")
    page = page_text(staff.post("/organisations/new", {**VALID, "name": "Thames Valley Police", "type": ""}))
    assert "An organisation with this name already exists" in page
    assert "Select the type of organisation" in page


def test_edit_keeps_its_own_name_and_saves_changes(app, client, staff, make):
    organisation = make.organisation(name="Reading Borough Council", type="local_council")
    url = f"/organisations/{organisation.id}/edit"
    form = page_text(client.get(url))
    assert 'value="Reading Borough Council"' in form
    assert '<option value="local_council" selected>' in form
    response = staff.post(
        url, {**VALID, "name": "Reading Borough Council", "type": "local_council", "area": "Berkshire"}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Organisation, organisation.id).area == "Berkshire"


def test_archive_hides_from_the_list_and_restore_brings_back(app, client, staff, make):
    organisation = make.organisation(name="Luton Borough Council")
    confirm = page_text(client.get(f"/organisations/{organisation.id}/archive"))
    assert "Are you sure you want to archive this organisation?" in confirm
    staff.post(f"/organisations/{organisation.id}/archive")
    assert "Luton Borough Council" not in _names_in_results(page_text(client.get("/organisations/")))
    archived_list = page_text(client.get("/organisations/?archived=include"))
    assert "Luton Borough Council" in _names_in_results(archived_list)
    detail = page_text(client.get(f"/organisations/{organisation.id}"))
    assert "This organisation was archived on" in detail
    staff.post(f"/organisations/{organisation.id}/restore")
    assert "Luton Borough Council" in _names_in_results(page_text(client.get("/organisations/")))


def test_search_by_name_or_area_and_filter_by_type(client, staff, make):
    make.organisation(name="Thames Valley Police", type="police", area="Thames Valley")
    make.organisation(name="Bedfordshire Police", type="police", area="Bedfordshire")
    make.organisation(name="Bedford Borough Council", type="local_council", area="Bedfordshire")
    assert _names_in_results(page_text(client.get("/organisations/?q=bedford"))) == [
        "Bedford Borough Council",
        "Bedfordshire Police",
    ]
    assert _names_in_results(page_text(client.get("/organisations/?q=thames+valley"))) == ["Thames Valley Police"]
    assert _names_in_results(page_text(client.get("/organisations/?q=bedford&type=police"))) == ["Bedfordshire Police"]
    page = page_text(client.get("/organisations/?type=health"))
    assert "No organisations found" in page


def test_search_takes_wildcards_literally_and_odd_input_safely(client, staff, make):
    make.organisation(name="Police 100% Partnership")
    make.organisation(name="%Percent Club")
    make.organisation(name="Other")
    assert _names_in_results(page_text(client.get("/organisations/?q=100%25"))) == ["Police 100% Partnership"]
    # Under three characters, a term matches the start of the name, % and all.
    assert _names_in_results(page_text(client.get("/organisations/?q=%25"))) == ["%Percent Club"]
    assert _names_in_results(page_text(client.get("/organisations/?q=_"))) == []
    for odd in ("?type=nonsense", "?page=-3", "?page=abc", "?q=" + "x" * 5000, "?q=%F0%9F%98%80"):
        assert client.get("/organisations/" + odd).status_code == 200, odd
    # A NUL character cannot be stored or searched for in any database.
    refused = client.get("/organisations/?q=%00")
    assert refused.status_code == 400
    assert "There is a problem with your request" in page_text(refused)


def test_pagination_keeps_the_filters(client, staff, make):
    for number in range(25):
        make.organisation(name=f"Council {number:02d}", type="local_council")
    make.organisation(name="A police force", type="police")
    first = page_text(client.get("/organisations/?type=local_council"))
    assert "25 organisations found, showing 1 to 20" in first
    assert "/organisations/?page=2&amp;type=local_council" in first
    second = page_text(client.get("/organisations/?type=local_council&page=2"))
    assert _names_in_results(second) == [f"Council {n:02d}" for n in range(20, 25)]


def test_list_queries_do_not_grow_with_rows(client, staff, make, count_queries):
    def queries_for_list():
        with count_queries() as counter:
            assert client.get("/organisations/").status_code == 200
        return counter.count

    organisation = make.organisation(name="First")
    make.contact(organisation)
    few = queries_for_list()
    for number in range(15):
        more = make.organisation(name=f"Org {number}")
        make.contact(more)
        make.contact(more)
    assert queries_for_list() == few


def test_organisation_page_shows_its_contacts_and_searches_them(client, staff, make):
    organisation = make.organisation(name="Hertfordshire Constabulary")
    make.contact(organisation, name="Mark Adeyemi", job_title="Chief Inspector")
    make.contact(organisation, name="Laura Finch", job_title="Victim services")
    other = make.organisation(name="Elsewhere")
    make.contact(other, name="Not Here")
    page = page_text(client.get(f"/organisations/{organisation.id}"))
    assert "Mark Adeyemi" in page and "Laura Finch" in page and "Not Here" not in page
    fragment = page_text(client.get(f"/organisations/{organisation.id}?q=inspector", headers={"HX-Request": "true"}))
    assert "Mark Adeyemi" in fragment and "Laura Finch" not in fragment
    assert "<html" not in fragment


def test_a_duplicate_that_slips_past_the_check_is_caught_by_the_database(staff, make, monkeypatch):
    """Two people adding the same partner at once: the unique index has the last word."""
    from crm.organisations import services

    make.organisation(name="Thames Valley Police")
    monkeypatch.setattr(services, "name_taken", lambda *args, **kwargs: False)
    response = staff.post("/organisations/new", {**VALID, "name": "THAMES VALLEY POLICE"})
    assert response.status_code == 200
    assert "An organisation with this name already exists" in page_text(response)


def test_archiving_an_organisation_stops_its_partner_logins_and_hides_its_contacts(app, client, staff, make):
    from tests.conftest import AuthActions

    police = make.organisation(name="Bedfordshire Police")
    make.contact(police, name="Sana Mirza")
    make.user("partner", organisation=police, email="partner@example.org")
    partner = app.test_client()
    assert AuthActions(partner).login("partner@example.org").status_code == 302

    confirm = page_text(client.get(f"/organisations/{police.id}/archive"))
    assert "Its 1 partner login will stop working until you restore it." in confirm
    staff.post(f"/organisations/{police.id}/archive", follow_redirects=True)

    assert partner.get("/dashboard").status_code == 302, "the open session ends"
    assert AuthActions(partner).login("partner@example.org").status_code == 200
    assert "Sana Mirza" not in page_text(client.get("/contacts/"))
    assert "Sana Mirza" in page_text(client.get("/contacts/?archived=include"))
    assert "Sana Mirza" in page_text(client.get(f"/organisations/{police.id}")), (
        "still on the archived organisation's page"
    )

    staff.post(f"/organisations/{police.id}/restore", follow_redirects=True)
    assert AuthActions(partner).login("partner@example.org").status_code == 302
    assert "Sana Mirza" in page_text(client.get("/contacts/"))


def test_ids_and_pages_too_large_for_the_database_are_not_found(client, staff, make):
    make.organisation(name="Only One")
    for url in (
        "/organisations/99999999999999999999",
        "/organisations/2147483648",
        "/organisations/0",
        "/organisations/99999999999999999999/edit",
        "/contacts/99999999999999999999",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/contacts/new?organisation_id=99999999999999999999").status_code == 200
    huge_page = client.get("/organisations/?page=99999999999999999999")
    assert huge_page.status_code == 200
    assert "Only One" in page_text(huge_page), "a page past the end shows the last page"


def test_a_page_past_the_end_shows_the_lastpage_text(client, staff, make):
    for number in range(23):
        make.organisation(name=f"Council {number:02d}")
    page = page_text(client.get("/organisations/?page=5"))
    assert "23 organisations found, showing 21 to 23" in page
    assert _names_in_results(page) == ["Council 20", "Council 21", "Council 22"]


def test_a_long_bare_website_is_checked_after_https_is_added(app, staff):
    domain = "a" * 286 + ".org.uk"  # 293 characters: 301 with https://
    page = page_text(staff.post("/organisations/new", {**VALID, "website": domain}))
    assert "Website must be 300 characters or fewer" in page
    with app.app_context():
        assert db.session.scalar(select(Organisation)) is None


def test_a_name_of_spaces_is_no_name(app, staff):
    page = page_text(staff.post("/organisations/new", {**VALID, "name": "    "}))
    assert "Enter the organisation&#39;s name" in page


def test_sort_by_a_column_and_keep_the_sort_across_pages_and_filters(client, staff, make):
    make.organisation(name="Alpha", type="police", area="Oxfordshire")
    make.organisation(name="Bravo", type="health", area="Bedfordshire")
    make.organisation(name="Charlie", type="local_council", area="Berkshire")
    assert _names_in_results(page_text(client.get("/organisations/"))) == ["Alpha", "Bravo", "Charlie"]
    by_area = page_text(client.get("/organisations/?sort=area"))
    assert _names_in_results(by_area) == ["Bravo", "Charlie", "Alpha"]
    assert 'aria-sort="ascending"' in by_area
    assert 'href="/organisations/?sort=area&amp;order=desc"' in by_area, "the heading reverses the sort"
    assert '<input type="hidden" name="sort" value="area">' in by_area, "filtering keeps the sort"
    assert _names_in_results(page_text(client.get("/organisations/?sort=area&order=desc"))) == [
        "Alpha",
        "Charlie",
        "Bravo",
    ]
    # By type label as people read it: Health, Local council, Police.
    assert _names_in_results(page_text(client.get("/organisations/?sort=type"))) == ["Bravo", "Charlie", "Alpha"]
    assert _names_in_results(page_text(client.get("/organisations/?sort=nonsense"))) == ["Alpha", "Bravo", "Charlie"]
    for number in range(20):
        make.organisation(name=f"Zulu {number:02d}", area="Aaa")
    page_two = page_text(client.get("/organisations/?sort=area&order=desc&page=2"))
    assert "sort=area&amp;order=desc" in page_two
