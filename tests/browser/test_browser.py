"""The app in a real browser: signing in and out, the organisations search
with and without JavaScript, a form with a mistake, a partner's limits and an
expired session met by htmx. Every page looked at is checked with axe."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete

from crm.auth.models import UserSession
from crm.extensions import db
from crm.organisations.models import NAME_MAX as ORGANISATION_NAME_MAX
from tests.browser.conftest import REFLOW_WIDTH, VIEWPORT
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": REFLOW_WIDTH, "height": 640}


# --- helpers ------------------------------------------------------------------------


def visit(page, axe, url: str, status: int = 200):
    response = page.goto(url)
    assert response is not None and response.status == status, (
        f"{url} answered {response.status if response else 'nothing'}, expected {status}"
    )
    axe(page)
    return response


def sign_in(page, axe, live_server, email: str, password: str = PASSWORD, path: str = "/login"):
    visit(page, axe, live_server + path)
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def result_names(page):
    return page.locator("#results tbody tr td:first-child a")


def wait_for_htmx(page):
    """Until no htmx request is in flight and the swapped content has settled."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping, .htmx-added')"
    )


def expect_one_page_shell(page):
    """A fragment swapped into #results must not bring a second page with it."""
    expect(page.locator("header.govuk-template__header")).to_have_count(1)
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("#results #results")).to_have_count(0)


# --- signing in and out ---------------------------------------------------------------


def test_staff_signs_in_through_the_form(app, make, live_server, page, axe):
    make.user("staff", email="staff@example.org", name="Sam Staff")

    sign_in(page, axe, live_server, "staff@example.org", "not the password")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(page.locator("#email")).to_have_value("staff@example.org")
    expect(page.locator("#password")).to_have_value("")
    axe(page, "the login page with an error")

    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server + "/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    expect(page.locator(".app-account__name")).to_have_text("Sam Staff")
    axe(page, "the dashboard")


def test_sign_out_from_the_header(app, make, live_server, page, axe):
    make.user("staff", email="staff@example.org")
    sign_in(page, axe, live_server, "staff@example.org")
    expect(page).to_have_url(live_server + "/dashboard")

    page.locator("header").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(live_server + "/login")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Partnership CRM")
    axe(page, "the login page after signing out")

    # Signed out for real: a page behind the login sends us back to it.
    visit(page, axe, live_server + "/dashboard")
    assert urlsplit(page.url).path == "/login"
    assert query_of(page.url) == {"next": ["/dashboard"]}


# --- searching organisations ------------------------------------------------------------


def _organisations(make):
    make.organisation(name="Bedfordshire Police", type="police", area="Bedfordshire")
    make.organisation(name="Bedford Borough Council", type="local_council", area="Bedfordshire")
    make.organisation(name="Luton Borough Council", type="local_council", area="Luton")
    make.organisation(name="Thames Valley Police", type="police", area="Berkshire")


def test_search_organisations_with_javascript(app, make, live_server, page, axe):
    _organisations(make)
    make.user("staff", email="staff@example.org")
    sign_in(page, axe, live_server, "staff@example.org")
    expect(page).to_have_url(live_server + "/dashboard")
    visit(page, axe, live_server + "/organisations/")
    expect(result_names(page)).to_have_count(4)
    page.wait_for_function("() => window.htmx !== undefined")

    page.evaluate("() => { window.__marker = 1 }")
    with page.expect_response(
        lambda r: (
            urlsplit(r.url).path == "/organisations/"
            and r.request.headers.get("hx-request") == "true"
            and "q=Bedford" in r.url
        )
    ) as answer:
        page.locator("#q").press_sequentially("Bedford", delay=30)
    assert answer.value.status == 200
    expect(result_names(page)).to_have_text(["Bedford Borough Council", "Bedfordshire Police"])
    expect(page.locator("#result-count")).to_have_text("2 organisations found")
    # The live region that stays in the page announces the new count.
    expect(page.locator("#search-status[role=status]")).to_have_text("2 organisations found")
    expect(page).to_have_url(re.compile(r"/organisations/\?.*q=Bedford"))
    assert query_of(page.url)["q"] == ["Bedford"]
    assert page.evaluate("() => window.__marker") == 1, "the page reloaded instead of swapping #results"
    expect_one_page_shell(page)
    wait_for_htmx(page)
    axe(page, "the organisations list after searching")

    # The table htmx brought in says it scrolls only while it is wider than
    # its box: not at 1280 px, yes on a phone, and not again on the desktop.
    hint = page.locator("#results .app-table-scroll__hint")
    expect(hint).to_be_hidden()
    page.set_viewport_size(PHONE)
    expect(hint).to_be_visible()
    page.set_viewport_size(VIEWPORT)
    expect(hint).to_be_hidden()

    page.locator("#type").select_option("local_council")
    expect(result_names(page)).to_have_text(["Bedford Borough Council"])
    expect(page).to_have_url(re.compile(r"type=local_council"))
    assert query_of(page.url) == {"q": ["Bedford"], "type": ["local_council"]}
    wait_for_htmx(page)
    axe(page, "the organisations list filtered by type")

    page.locator("#q").fill("")
    expect(result_names(page)).to_have_text(["Bedford Borough Council", "Luton Borough Council"])
    assert query_of(page.url) == {"type": ["local_council"]}
    assert page.evaluate("() => window.__marker") == 1
    expect_one_page_shell(page)
    wait_for_htmx(page)
    axe(page, "the organisations list with the search cleared")

    page.locator("#q").press_sequentially("nothing like this")
    expect(page.locator("#result-count")).to_have_text("No organisations found")
    expect(result_names(page)).to_have_count(0)
    wait_for_htmx(page)
    axe(page, "the organisations list with no results")

    # Typing replaces the address instead of adding to the history, so Back
    # leaves the list in one step; Forward loads the latest search as a whole
    # page (htmx keeps no history cache), never the bare #results fragment.
    page.go_back()
    expect(page).to_have_url(live_server + "/dashboard")
    page.go_forward()
    expect(page).to_have_url(re.compile(r"/organisations/\?q=nothing(%20|\+)like(%20|\+)this&type=local_council$"))
    expect(page.locator("#result-count")).to_have_text("No organisations found")
    expect(page.locator("#type")).to_have_value("local_council")
    expect_one_page_shell(page)
    page.wait_for_load_state()
    wait_for_htmx(page)
    axe(page, "the organisations list after going back and forward")


def test_search_organisations_without_javascript(app, make, live_server, new_page, axe):
    _organisations(make)
    make.user("staff", email="staff@example.org")
    page = new_page(java_script_enabled=False)
    sign_in(page, axe, live_server, "staff@example.org")
    expect(page).to_have_url(live_server + "/dashboard")
    axe(page, "the dashboard without JavaScript")
    visit(page, axe, live_server + "/organisations/")
    expect(result_names(page)).to_have_count(4)

    page.locator("#q").fill("borough")
    page.locator("#type").select_option("local_council")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert urlsplit(page.url).path == "/organisations/"
    assert query_of(page.url) == {"q": ["borough"], "type": ["local_council"]}
    expect(result_names(page)).to_have_text(["Bedford Borough Council", "Luton Borough Council"])
    expect(page.locator("#q")).to_have_value("borough")
    expect(page.locator("#type")).to_have_value("local_council")
    expect(page.get_by_role("link", name="Clear filters")).to_be_visible()
    axe(page, "the filtered organisations list without JavaScript")

    page.locator("#q").fill("Luton")
    page.locator("#type").select_option("")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert query_of(page.url) == {"q": ["Luton"]}
    expect(result_names(page)).to_have_text(["Luton Borough Council"])
    axe(page, "the organisations list searched by area without JavaScript")


# --- a form with a mistake ----------------------------------------------------------------


def test_add_an_organisation_after_a_mistake(app, make, live_server, page, axe):
    make.user("staff", email="staff@example.org")
    sign_in(page, axe, live_server, "staff@example.org")
    expect(page).to_have_url(live_server + "/dashboard")
    visit(page, axe, live_server + "/organisations/new")

    page.locator("#name").fill("Luton Foodbank")
    page.locator("#area").fill("Luton")
    page.get_by_role("button", name="Save organisation").click()

    expect(page).to_have_title(re.compile(r"^Error: Add an organisation"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    expect(page.locator("#type-error")).to_contain_text("Select the type of organisation")
    expect(page.locator("#name")).to_have_value("Luton Foodbank")
    expect(page.locator("#area")).to_have_value("Luton")
    axe(page, "the organisation form with an error")

    summary.get_by_role("link", name="Select the type of organisation").click()
    expect(page.locator("#type")).to_be_focused()

    page.locator("#type").select_option(label="Voluntary or community group")
    page.get_by_role("button", name="Save organisation").click()
    expect(page).to_have_url(re.compile(r"/organisations/\d+$"))
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("Success")
    expect(banner).to_contain_text("Luton Foodbank added.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Luton Foodbank")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Voluntary or community group")
    axe(page, "the new organisation's page")


# --- a partner's view ------------------------------------------------------------------------


def test_partner_sees_only_their_own_organisation(app, make, live_server, page, axe, console):
    own = make.organisation(name="Luton Foodbank", type="voluntary_community_group", area="Luton")
    other = make.organisation(name="Bedfordshire Police", type="police", area="Bedfordshire")
    make.contact(own, name="Pat Own")
    make.contact(other, name="Olive Other")
    make.user("partner", organisation=own, email="partner@example.org", name="Pat Partner")

    sign_in(page, axe, live_server, "partner@example.org")
    expect(page).to_have_url(live_server + "/dashboard")
    expect(page.locator("main")).to_contain_text("You are signed in for Luton Foodbank")
    expect(page.locator("body")).not_to_contain_text("Bedfordshire Police")

    page.get_by_role("link", name="Your organisation").first.click()
    expect(page).to_have_url(f"{live_server}/organisations/{own.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Luton Foodbank")
    expect(page.locator("#contacts")).to_contain_text("Pat Own")
    expect(page.locator("body")).not_to_contain_text("Olive Other")
    axe(page, "the partner's own organisation")

    visit(page, axe, f"{live_server}/contacts/")
    expect(page.locator("main")).to_contain_text("Pat Own")
    expect(page.locator("main")).not_to_contain_text("Olive Other")

    console.allow(r"status of 404")
    visit(page, axe, f"{live_server}/organisations/{other.id}", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("body")).not_to_contain_text("Bedfordshire Police")


# --- an expired session meets htmx ----------------------------------------------------------


def test_htmx_request_after_the_session_ended_goes_to_login(app, make, live_server, page, axe, console):
    make.organisation(name="Bedfordshire Police", type="police", area="Bedfordshire")
    make.organisation(name="Luton Borough Council", type="local_council", area="Luton")
    make.user("staff", email="staff@example.org")
    sign_in(page, axe, live_server, "staff@example.org")
    expect(page).to_have_url(live_server + "/dashboard")
    visit(page, axe, live_server + "/organisations/")
    page.wait_for_function("() => window.htmx !== undefined")

    with app.app_context():
        db.session.execute(delete(UserSession))
        db.session.commit()

    console.allow(r"status of 401")
    page.locator("#q").press_sequentially("Luton", delay=30)
    expect(page).to_have_url(re.compile(r"/login\?next="))
    assert query_of(page.url)["next"] == ["/organisations/?q=Luton&type="]
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Partnership CRM")
    expect(page.locator("header")).not_to_contain_text("Sign out")
    expect(page.locator("#results")).to_have_count(0)
    axe(page, "the login page after the session ended")

    # Signing in again goes back to the search that was interrupted.
    page.locator("#email").fill("staff@example.org")
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/organisations/\?q=Luton"))
    expect(result_names(page)).to_have_text(["Luton Borough Council"])
    axe(page, "the organisations list after signing in again")


def test_admin_creates_a_partner_login_and_the_partner_changes_the_password(
    app, make, live_server, page, new_page, axe
):
    make.organisation(name="Bedfordshire Police")
    make.user("admin", email="admin@example.org")
    sign_in(page, axe, live_server, "admin@example.org")
    visit(page, axe, live_server + "/admin/users/new")
    page.fill("#name", "Jordan Lee")
    page.fill("#email", "jordan@example.org")
    page.fill("#password", "a temporary password")
    # The organisation question appears only for a partner user.
    expect(page.locator("#organisation_id")).to_be_hidden()
    page.get_by_label("Staff", exact=True).check()
    expect(page.locator("#organisation_id")).to_be_hidden()
    page.get_by_label("Partner", exact=True).check()
    expect(page.locator("#organisation_id")).to_be_visible()
    axe(page, "the new user form, asking for the partner's organisation")
    page.select_option("#organisation_id", label="Bedfordshire Police")
    page.get_by_role("button", name="Create user").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("User Jordan Lee created")
    axe(page, "the users list")
    # At 1280 px the users table fits: no scroll bar, no hint.
    region = page.locator(".app-table-scroll__region")
    assert region.evaluate("(el) => el.scrollWidth <= el.clientWidth"), "the users table scrolls at 1280 px"
    expect(page.locator(".app-table-scroll__hint")).to_be_hidden()

    partner = new_page()
    sign_in(partner, axe, live_server, "jordan@example.org", "a temporary password")
    partner.get_by_role("link", name="Change password").click()
    expect(partner).to_have_url(live_server + "/account/password")
    axe(partner, "the change password page")
    partner.fill("#current_password", "a temporary password")
    partner.fill("#new_password", "my own three words")
    partner.fill("#confirm_password", "my own three words")
    partner.get_by_role("button", name="Change password").click()
    expect(partner).to_have_url(live_server + "/dashboard")
    expect(partner.locator(".govuk-notification-banner--success")).to_contain_text("Your password has been changed")
    axe(partner, "the partner dashboard")


def test_add_a_contact_choosing_the_organisation_by_typing(app, make, live_server, page, axe):
    for name in ("Bedfordshire Police", "Bedford Borough Council", "Luton Borough Council"):
        make.organisation(name=name)
    make.user("staff", email="staff@example.org")
    sign_in(page, axe, live_server, "staff@example.org")
    visit(page, axe, live_server + "/contacts/new")
    page.fill("#name", "Jordan Lee")
    # The select has become a type-ahead: typing narrows the organisations.
    picker = page.get_by_role("combobox", name="Organisation")
    picker.fill("bedf")
    options = page.locator(".autocomplete__option")
    expect(options).to_have_text(["Bedford Borough Council", "Bedfordshire Police"])
    axe(page, "the contact form with the organisation type-ahead open")
    options.filter(has_text="Bedfordshire Police").click()
    page.get_by_role("button", name="Save contact").click()
    expect(page.locator("h1")).to_have_text("Bedfordshire Police")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Jordan Lee added")

    # A name that matches nothing chooses nothing, and the form says so.
    visit(page, axe, live_server + "/contacts/new")
    page.fill("#name", "Someone Else")
    picker = page.get_by_role("combobox", name="Organisation")
    picker.fill("no such partner")
    expect(page.locator(".autocomplete__option--no-results")).to_have_text("No organisation has that name")
    page.get_by_role("button", name="Save contact").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the contact's organisation")
    axe(page, "the contact form with a missing organisation")


# --- a phone's screen ------------------------------------------------------------------------

LONG_EMAIL = "firstname.middlename.lastname@partner-organisation.example.org.uk"

# The text of an element line by line, as it is laid out.
_LINES = """(el) => {
  const lines = [];
  let top = null;
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getClientRects()[0];
      if (!box || /\\s/.test(node.data[i])) continue;
      if (top === null || box.top > top + 2) { lines.push(''); top = box.top; }
      lines[lines.length - 1] += node.data[i];
    }
  }
  return lines;
}"""

# Tables that are not inside a labelled scroll region that the keyboard can reach.
_LOOSE_TABLES = """() => [...document.querySelectorAll('table')]
  .filter((table) => !table.closest('[role=region][tabindex="0"][aria-label]'))
  .map((table) => table.querySelector('caption')?.textContent.trim() || table.outerHTML.slice(0, 60))"""


# The size of the area around the middle of an element that a tap lands on.
_TAP_TARGET = """(el) => {
  el.scrollIntoView({block: 'center'});
  const box = el.getBoundingClientRect();
  const x = box.left + box.width / 2;
  const y = box.top + box.height / 2;
  const lands = (px, py) => el.contains(document.elementFromPoint(px, py));
  const reach = (dx, dy) => {
    let steps = 0;
    while (steps < 200 && lands(x + dx * (steps + 1), y + dy * (steps + 1))) steps++;
    return steps;
  };
  return {width: reach(-1, 0) + 1 + reach(1, 0), height: reach(0, -1) + 1 + reach(0, 1)};
}"""


def lines_of(locator) -> list[str]:
    return locator.evaluate(_LINES)


def expect_email_breaks_only_after_separators(locator, email: str, must_wrap: bool = False):
    """The address reads whole, and where it wraps, each line ends after an @,
    a dot or a hyphen: at every small width, not just where the luck falls."""
    page = locator.page
    for width in (REFLOW_WIDTH, 360, 414) if must_wrap else (REFLOW_WIDTH,):
        page.set_viewport_size({**PHONE, "width": width})
        lines = lines_of(locator)
        assert "".join(lines) == email
        assert all(line[-1] in "@.-" for line in lines[:-1]), f"{email} broke mid-word at {width}px: {lines}"
        if must_wrap:
            assert len(lines) > 1, f"{email} did not wrap at {width}px: {lines}"
    page.set_viewport_size(PHONE)


def check_phone_page(page, axe, what: str):
    """axe (which checks reflow at 320 px too), every table in a scroll region,
    and the header's account links each on one line and 44 px tall to a tap."""
    axe(page, what)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= page.evaluate("() => window.innerWidth")
    assert page.evaluate(_LOOSE_TABLES) == [], f"tables on {what} that are not in a scroll region"
    header = page.locator("header")
    for target in (header.get_by_role("link", name="Change password"), header.get_by_role("button", name="Sign out")):
        if target.count():
            tap = target.evaluate(_TAP_TARGET)
            assert tap["height"] >= 44 and tap["width"] >= 44, f"{target} takes taps on {tap} on {what}"
            assert len(lines_of(target)) == 1, f"{target} wraps on {what}: {lines_of(target)}"


def test_every_page_fits_a_phone(app, make, live_server, new_page, axe):
    """At 320 px (the design ruling, which covers 375 px phones) no page is
    wider than the screen: not with the longest unbroken names, long emails,
    errors, banners or a partner's long name in the header."""
    long_name = "A" * ORGANISATION_NAME_MAX
    police = make.organisation(name="Bedfordshire Police", type="police", area="Bedfordshire")
    long_one = make.organisation(
        name=long_name, type="voluntary_community_group", area="B" * 100, address="C" * 300, phone="01234 567890"
    )
    make.contact(long_one, name="E" * 120, job_title="F" * 120, email=LONG_EMAIL, phone="07700 900123")
    contact = make.contact(
        police, name="Jo Bloggs", job_title="Witness care officer", email="jo.bloggs@police.example.org"
    )
    idva = make.organisation(
        name="Hertfordshire and Bedfordshire Independent Domestic Violence Advisory Service Partnership",
        type="victim_witness_service",
        area="Hertfordshire",
    )
    make.user("staff", email="staff@example.org", name="Sam Staff")
    make.user("admin", email="admin@example.org", name="Ada Admin")
    make.user("staff", email="g" * 60 + "@example.org", name="G" * 120)
    make.user("partner", organisation=idva, email=LONG_EMAIL, name="Alexandra Montgomery-Fitzwilliam")

    staff = new_page(viewport=PHONE)
    sign_in(staff, axe, live_server, "staff@example.org")
    expect(staff).to_have_url(live_server + "/dashboard")
    check_phone_page(staff, axe, "the staff dashboard")

    visit(staff, axe, live_server + "/organisations/?q=a&type=voluntary_community_group&sort=area&order=desc")
    expect(result_names(staff)).to_have_text([long_name])
    check_phone_page(staff, axe, "the organisations list, filtered")
    visit(staff, axe, live_server + "/organisations/")
    check_phone_page(staff, axe, "the organisations list")
    expect(staff.locator(".app-table-scroll__hint")).to_have_text("Scroll sideways to see the whole table")
    expect(staff.locator(".app-table-scroll__hint")).to_be_visible()

    visit(staff, axe, f"{live_server}/organisations/{long_one.id}")
    check_phone_page(staff, axe, "an organisation with a long name")
    expect_email_breaks_only_after_separators(staff.locator("#contacts td.app-email"), LONG_EMAIL)

    visit(staff, axe, f"{live_server}/organisations/{long_one.id}/edit")
    staff.locator("#name").fill("A" * 300)
    staff.get_by_role("button", name="Save organisation").click()
    expect(staff.locator(".govuk-error-summary")).to_contain_text("Name must be 200 characters or fewer")
    check_phone_page(staff, axe, "the organisation form with an error")

    # A success banner with a long name in it.
    staff.get_by_role("link", name="Back").click()
    staff.get_by_role("link", name="Archive organisation").click()
    check_phone_page(staff, axe, "archiving an organisation")
    staff.get_by_role("button", name="Archive organisation").click()
    expect(staff.locator(".govuk-notification-banner--success")).to_contain_text(long_name + " archived.")
    check_phone_page(staff, axe, "an organisation just archived")

    visit(staff, axe, live_server + "/contacts/?archived=include")
    check_phone_page(staff, axe, "the contacts list")
    expect_email_breaks_only_after_separators(staff.locator("#results td.app-email").first, LONG_EMAIL)
    visit(staff, axe, f"{live_server}/contacts/{contact.id}")
    check_phone_page(staff, axe, "a contact")
    expect_email_breaks_only_after_separators(
        staff.locator(".govuk-summary-list__value a[href^=mailto]"), "jo.bloggs@police.example.org"
    )

    admin = new_page(viewport=PHONE)
    sign_in(admin, axe, live_server, "admin@example.org")
    expect(admin).to_have_url(live_server + "/dashboard")
    check_phone_page(admin, axe, "the admin dashboard")
    visit(admin, axe, live_server + "/admin/users/")
    check_phone_page(admin, axe, "the users list")
    expect_email_breaks_only_after_separators(admin.locator("td.app-email", has_text="partner-"), LONG_EMAIL)
    visit(admin, axe, live_server + "/admin/users/new")
    admin.get_by_role("button", name="Create user").click()
    expect(admin.locator(".govuk-error-summary")).to_be_visible()
    check_phone_page(admin, axe, "the new user form with errors")

    partner = new_page(viewport=PHONE)
    sign_in(partner, axe, live_server, LONG_EMAIL)
    expect(partner).to_have_url(live_server + "/dashboard")
    check_phone_page(partner, axe, "the dashboard of a partner with a long name")
    visit(partner, axe, f"{live_server}/organisations/{idva.id}")
    check_phone_page(partner, axe, "the partner's organisation")
    visit(partner, axe, live_server + "/contacts/")
    check_phone_page(partner, axe, "the partner's contacts")
    visit(partner, axe, live_server + "/account/password")
    check_phone_page(partner, axe, "changing a password")
    expect_email_breaks_only_after_separators(partner.locator(".govuk-caption-l"), LONG_EMAIL, must_wrap=True)

    # A contact's page where the email has to wrap.
    visit(staff, axe, f"{live_server}/contacts/?q=EEE&archived=include")
    staff.locator("#results tbody a").first.click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("E" * 120)
    check_phone_page(staff, axe, "a contact with a long email")
    expect_email_breaks_only_after_separators(
        staff.locator(".govuk-summary-list__value a[href^=mailto]"), LONG_EMAIL, must_wrap=True
    )


def test_on_a_phone_the_filter_panel_folds_until_something_is_filtered(app, make, live_server, new_page, axe):
    make.organisation(name="Bedfordshire Police")
    make.user("staff", email="staff@example.org")
    phone = new_page(viewport={"width": 320, "height": 800})
    sign_in(phone, axe, live_server, "staff@example.org")
    visit(phone, axe, live_server + "/organisations/")
    panel = phone.locator("details[data-filter-toggle]")
    expect(panel).not_to_have_attribute("open", "")
    expect(phone.locator("#q")).to_be_hidden()
    phone.get_by_text("Filter organisations").click()
    expect(phone.locator("#q")).to_be_visible()
    axe(phone, "the organisations list on a phone with the filter open")

    # With a filter in force, the panel stays open to show it.
    visit(phone, axe, live_server + "/organisations/?type=police")
    expect(phone.locator("#type")).to_be_visible()

    # On a wide screen the panel is simply there, with no fold to open.
    desk = new_page()
    sign_in(desk, axe, live_server, "staff@example.org")
    visit(desk, axe, live_server + "/organisations/")
    expect(desk.locator("#q")).to_be_visible()
    expect(desk.get_by_text("Filter organisations")).to_be_hidden()
