"""The reference lists in the browser: an admin orders, adds and archives groups;
staff record a meeting's reach with them. Every page checked with axe, the
list on a phone too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_browser import PHONE, check_phone_page, sign_in, visit

pytestmark = pytest.mark.browser


def test_an_admin_keeps_the_groups_and_staff_record_a_meetings_reach(app, make, live_server, page, new_page, axe):
    make.reference_defaults()
    make.user("admin", email="admin@example.org")
    make.user("staff", email="staff@example.org")
    meeting = make.meeting("Community drop-in")

    sign_in(page, axe, live_server, "admin@example.org")
    page.get_by_role("link", name="Reference lists").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reference lists")
    axe(page, "the reference lists")
    page.get_by_role("link", name="Groups at increased risk of exclusion").click()
    axe(page, "the groups")

    women = page.locator("tr", has_text="Women")
    women.get_by_role("button", name="Move up").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Women moved up.")
    names = page.locator("tbody tr td:first-child").evaluate_all(
        "cells => cells.map(cell => cell.firstChild.textContent.trim())"
    )
    assert names.index("Women") < names.index("Young people")

    page.get_by_role("link", name="Add a group").click()
    page.locator("#name").fill("older PEOPLE")
    page.get_by_role("button", name="Save group").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("A group with this name already exists")
    expect(page.locator("#name")).to_have_value("older PEOPLE")
    axe(page, "a duplicate group")
    page.get_by_role("link", name="A group with this name already exists").click()
    expect(page.locator("#name")).to_be_focused()

    page.goto(live_server + "/reference/groups/")
    page.get_by_role("link", name="Archive Young people").click()
    axe(page, "archiving a group")
    page.get_by_role("button", name="Archive group").click()
    expect(page.locator("#archived-heading")).to_be_visible()
    axe(page, "the groups with one archived")

    phone = new_page(viewport=PHONE)
    sign_in(phone, axe, live_server, "admin@example.org")
    visit(phone, axe, live_server + "/reference/groups/")
    check_phone_page(phone, axe, "the groups on a phone")

    staff = new_page()
    sign_in(staff, axe, live_server, "staff@example.org")
    visit(staff, axe, f"{live_server}/meetings/{meeting.id}/edit")
    reach = staff.get_by_role("group", name="Groups reached (optional)")
    expect(reach.get_by_label("Young people")).to_have_count(0)
    reach.get_by_label("Older people").check()
    reach.get_by_label("Carers/Dependants").check()
    staff.get_by_role("button", name="Save meeting").click()
    expect(staff.locator(".govuk-summary-list")).to_contain_text("Older people")
    expect(staff.locator(".govuk-summary-list")).to_contain_text("Carers/Dependants")
    axe(staff, "a meeting with its reach")
