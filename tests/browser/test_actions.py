"""Actions in a real browser: a partner's week (sign in, see what is due, post
progress, ask for more time) and the staff side of it (answer the request),
the status changed in place and without JavaScript, and the register searched
as you type and on a phone. Every page looked at is checked with axe (which
checks reflow at 320 px too)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from crm.actions import services
from tests.browser.conftest import REFLOW_WIDTH
from tests.browser.test_browser import check_phone_page, sign_in, visit, wait_for_htmx

pytestmark = pytest.mark.browser

PHONE = {"width": REFLOW_WIDTH, "height": 640}
LATE = "Brief neighbourhood officers on disability hate crime"


@pytest.fixture
def week(make):
    police = make.organisation(name="Bedfordshire Police", type="police", area="Bedfordshire")
    council = make.organisation(name="Luton Borough Council", type="local_council", area="Bedfordshire")
    lead = make.contact(police, name="Jordan Lee", job_title="Community cohesion officer")
    make.user("staff", email="staff@example.org", name="Sam Staff")
    make.user("partner", organisation=police, email="partner@example.org", name="Pat Partner")
    today = services.today()
    late = make.action(police, LATE, lead_id=lead.id, due_on=today - timedelta(days=4))
    make.action(police, "Name a contact for third-party reports", due_on=today + timedelta(days=6))
    make.action(council, "Council's own action", due_on=today + timedelta(days=2))
    return {"late": late, "today": today}


def _sign_out(page):
    page.locator("header").get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")


def _fill_date(page, day):
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))


def test_a_partners_week_and_staff_answering(app, live_server, page, axe, week):
    # The partner lands on its portal: what is late, what is due soon; nothing of the council's.
    sign_in(page, axe, live_server, "partner@example.org")
    page.wait_for_url("**/dashboard")
    axe(page, "the partner's portal")
    portal = page.locator("main")
    expect(portal).to_contain_text("Your organisation’s actions")
    expect(portal.locator(".app-rag-counts__item--red")).to_contain_text("1")
    expect(portal).not_to_contain_text("Council's own action")
    portal.get_by_role("link", name=LATE).first.click()
    expect(page.locator("h1")).to_have_text(LATE)
    axe(page, "the partner's action page")

    # Progress, in place.
    page.get_by_role("link", name="Post progress").click()
    form = page.locator("#change-slot form")
    expect(form).to_be_visible()
    axe(page, "the progress form in place")
    form.get_by_label("Progress").fill("Briefing written; first team briefed on Monday.")
    form.get_by_role("button", name="Post progress").click()
    wait_for_htmx(page)
    timeline = page.locator(".moj-timeline")
    expect(timeline).to_contain_text("Briefing written; first team briefed on Monday.")
    expect(page.locator("header.govuk-template__header")).to_have_count(1)
    axe(page, "the action after posting progress")

    # More time: a mistake first, then the request.
    page.get_by_role("link", name="Ask for a new due date").click()
    form = page.locator("#change-slot form")
    form.get_by_role("button", name="Ask for a new due date").click()
    wait_for_htmx(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the new due date")
    expect(summary).to_contain_text("Say why more time is needed")
    axe(page, "the new-date form with its errors")
    new_date = week["today"] + timedelta(days=30)
    _fill_date(page, new_date)
    page.get_by_label("Why more time is needed").fill("Two teams are on nights until the new year.")
    page.locator("#change-slot").get_by_role("button", name="Ask for a new due date").click()
    wait_for_htmx(page)
    expect(page.locator("#record")).to_contain_text("New due date asked for")
    expect(page.get_by_role("link", name="Ask for a new due date")).to_have_count(0)
    axe(page, "the action waiting for staff")
    _sign_out(page)

    # Staff see it waiting, and approve it.
    sign_in(page, axe, live_server, "staff@example.org")
    page.wait_for_url("**/dashboard")
    axe(page, "the staff dashboard")
    page.get_by_role("link", name=LATE).first.click()
    axe(page, "the answer form")
    expect(page.locator("main")).to_contain_text("Two teams are on nights until the new year.")
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("approved")
    expect(page.locator("#record")).to_contain_text(f"{new_date.day} {new_date:%B %Y}")
    axe(page, "the action after approval")
    _sign_out(page)

    # The partner reads the answer; the action is no longer late.
    sign_in(page, axe, live_server, "partner@example.org")
    page.wait_for_url("**/dashboard")
    expect(page.locator("main")).to_contain_text("Answered in the last 30 days")
    visit(page, axe, f"{live_server}/actions/{week['late'].id}")
    expect(page.locator(".moj-timeline")).to_contain_text("New due date approved")
    expect(page.locator("#status")).not_to_contain_text("Red")


def test_staff_change_the_status_in_place_and_completing_asks_what_was_done(app, live_server, page, axe, week):
    sign_in(page, axe, live_server, "staff@example.org")
    visit(page, axe, f"{live_server}/actions/{week['late'].id}")
    page.get_by_role("link", name="Change the status").click()
    form = page.locator("#change-slot form")
    expect(form).to_be_visible()
    form.get_by_label("Completed").check()
    form.get_by_role("button", name="Save status").click()
    wait_for_htmx(page)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say what was done to complete the action")
    axe(page, "the status form with its error")
    page.locator("#change-slot textarea").fill("Every team briefed; slides shared with the panel.")
    page.locator("#change-slot").get_by_role("button", name="Save status").click()
    wait_for_htmx(page)
    expect(page.locator("#status")).to_contain_text("Completed")
    expect(page.locator(".moj-timeline")).to_contain_text("Every team briefed")
    axe(page, "the completed action")


def test_the_status_changes_without_javascript(app, live_server, new_page, axe, week):
    page = new_page(java_script_enabled=False)
    sign_in(page, axe, live_server, "staff@example.org")
    visit(page, axe, f"{live_server}/actions/{week['late'].id}")
    page.get_by_role("link", name="Change the status").click()
    page.wait_for_url("**/status")
    axe(page, "the status page without JavaScript")
    page.get_by_label("In progress").check()
    page.get_by_role("button", name="Save status").click()
    page.wait_for_url(f"**/actions/{week['late'].id}")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is now in progress")
    expect(page.locator("#status")).to_contain_text("In progress")


def test_the_register_searched_as_you_type_and_on_a_phone(app, live_server, new_page, axe, week):
    page = new_page()
    sign_in(page, axe, live_server, "staff@example.org")
    visit(page, axe, f"{live_server}/actions/")
    expect(page.locator("#results tbody tr")).to_have_count(3)
    page.locator("#q").fill("third-party")
    wait_for_htmx(page)
    expect(page.locator("#results tbody tr")).to_have_count(1)
    assert "q=third-party" in page.url
    axe(page, "the register searched")

    phone = new_page(viewport=PHONE)
    sign_in(phone, axe, live_server, "partner@example.org")
    visit(phone, axe, f"{live_server}/actions/")
    check_phone_page(phone, axe, "the partner's register on a phone")
    visit(phone, axe, f"{live_server}/actions/{week['late'].id}")
    check_phone_page(phone, axe, "an action on a phone")
    visit(phone, axe, f"{live_server}/dashboard")
    check_phone_page(phone, axe, "the portal on a phone")
