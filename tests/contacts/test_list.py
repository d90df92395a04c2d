"""The contacts list: the same filter panel and sorting as organisations."""

from __future__ import annotations

import re

import pytest

from tests.conftest import page_text


def names_in(page: str) -> list[str]:
    """Contact names in the results table, in order."""
    table = page[page.index("<tbody") : page.index("</tbody>")]
    return re.findall(r'href="/contacts/\d+[^"]*">([^<]+)</a>', table)


@pytest.fixture
def people(make):
    police = make.organisation("Bedfordshire Police", type="police")
    council = make.organisation("Luton Borough Council", type="local_council")
    make.contact(police, "Zara Ahmed", job_title="Analyst")
    make.contact(police, "Ben Cole", job_title="Inspector")
    make.contact(council, "Amy Wood", job_title="Community safety officer")
    return police, council


def test_filter_by_organisation_name_and_type(client, staff, people):
    assert names_in(page_text(client.get("/contacts/?organisation=luton"))) == ["Amy Wood"]
    assert names_in(page_text(client.get("/contacts/?type=police"))) == ["Ben Cole", "Zara Ahmed"]
    assert names_in(page_text(client.get("/contacts/?type=police&q=zara"))) == ["Zara Ahmed"]
    assert names_in(page_text(client.get("/contacts/?type=pirates"))) == ["Amy Wood", "Ben Cole", "Zara Ahmed"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("", ["Amy Wood", "Ben Cole", "Zara Ahmed"]),
        ("?order=desc", ["Zara Ahmed", "Ben Cole", "Amy Wood"]),
        ("?sort=organisation", ["Ben Cole", "Zara Ahmed", "Amy Wood"]),
        # Descending is the ascending list reversed, ties included (the keyset pages need one direction).
        ("?sort=organisation&order=desc", ["Amy Wood", "Zara Ahmed", "Ben Cole"]),
        ("?sort=job_title", ["Zara Ahmed", "Amy Wood", "Ben Cole"]),
        ("?sort=nonsense", ["Amy Wood", "Ben Cole", "Zara Ahmed"]),
    ],
)
def test_sort_by_name_organisation_or_job_title(client, staff, people, args, expected):
    assert names_in(page_text(client.get(f"/contacts/{args}"))) == expected


def test_sort_headings_say_how_the_list_is_sorted_and_keep_the_filters(client, staff, people):
    page = page_text(client.get("/contacts/?type=police&sort=organisation"))
    assert re.search(
        r'aria-sort="ascending">\s*<a[^>]*href="/contacts/\?type=police&amp;sort=organisation&amp;order=desc"', page
    )
    assert re.search(r'aria-sort="none">\s*<a[^>]*href="/contacts/\?type=police"', page), "name is the default sort"


def test_selected_filters_each_remove_themselves_and_clear_keeps_the_sort(client, staff, people):
    page = page_text(client.get("/contacts/?q=a&type=police&sort=job_title"))
    assert 'href="/contacts/?type=police&amp;sort=job_title"' in page, "removing the search keeps the type"
    assert 'href="/contacts/?q=a&amp;sort=job_title"' in page, "removing the type keeps the search"
    assert re.search(r'href="/contacts/\?sort=job_title">Clear filters', page)
    assert "Clear filters" not in page_text(client.get("/contacts/?sort=job_title"))


def test_an_htmx_search_keeps_the_filter_region_true_and_the_address_clean(client, staff, people):
    response = client.get("/contacts/?q=zara&organisation=&type=&archived=", headers={"HX-Request": "true"})
    page = page_text(response)
    assert "<html" not in page
    assert "Clear filters" in page, "the selected filters come with the results"
    assert response.headers["HX-Replace-Url"] == "/contacts/?q=zara", "no empty parameters in the address"
    assert "Vary" in response.headers and "HX-Request" in response.headers["Vary"]


def test_the_organisations_list_answers_htmx_with_its_clean_address(client, staff, people):
    response = client.get("/organisations/?q=&type=police&sort=name", headers={"HX-Request": "true"})
    assert response.headers["HX-Replace-Url"] == "/organisations/?type=police"


def test_a_contact_links_back_to_the_list_it_was_found_in(client, staff, people):
    page = page_text(client.get("/contacts/?q=zara"))
    link = re.search(r'href="(/contacts/\d+\?back=[^"]+)">Zara Ahmed', page).group(1).replace("&amp;", "&")
    contact = page_text(client.get(link))
    assert re.search(r'class="govuk-back-link" href="/contacts/\?q=zara">Back to contacts', contact)
    # Anything else falls back to the contact's organisation.
    contact_id = re.search(r"/contacts/(\d+)", link).group(1)
    for back in ("https://evil.example/", "//evil.example", "/organisations/", "javascript:alert(1)"):
        other = page_text(client.get(f"/contacts/{contact_id}", query_string={"back": back}))
        assert "Back to Bedfordshire Police" in other, back
        assert "evil" not in other


def test_partners_get_no_organisation_filters(client, auth, make, people):
    police, _ = people
    make.user("partner", organisation=police, email="p@example.org")
    auth.login("p@example.org")
    page = page_text(client.get("/contacts/"))
    assert 'id="organisation"' not in page and 'id="type"' not in page
    assert names_in(page) == ["Ben Cole", "Zara Ahmed"]
