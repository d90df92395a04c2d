"""Meetings in a real browser, driven as a new user would: a meeting taken
from nothing to approved minutes and its printed minutes read by staff and by
a partner; the agenda and the attendance without JavaScript; the PDF link
while the file is made; the meeting pages on a phone. Every page looked at is
checked with axe (which checks reflow at 320 px too)."""

from __future__ import annotations

import io
import re
import time
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from crm.actions import services as action_services
from crm.contacts.models import Contact
from crm.extensions import db
from crm.meetings import services as meeting_services
from crm.meetings.models import Attendance, AttendanceStatus, Meeting
from tests.browser.conftest import REFLOW_WIDTH
from tests.browser.test_browser import check_phone_page, sign_in, visit, wait_for_htmx

pytestmark = pytest.mark.browser

PHONE = {"width": REFLOW_WIDTH, "height": 640}
REFERENCE = re.compile(r"A-\d{4}-\d{3}")

TITLE = "Hate crime scrutiny panel: spring meeting"
DISCUSSION = "The panel looked at twelve finalised hate crime cases from the last quarter."
DECISION = "The panel agreed to review racially aggravated cases again in the summer."
SECRET = "Secret detail"


# --- helpers ------------------------------------------------------------------------


def _people(make):
    """Two partners with a person each, in one series, and a partner login for the police."""
    police = make.organisation(name="Bedfordshire Police", type="police", area="Bedfordshire")
    victims = make.organisation(
        name="Hertfordshire Victim Support Service", type="victim_witness_service", area="Hertfordshire"
    )
    make.contact(police, name="Jordan Lee", job_title="Hate crime lead")
    make.contact(victims, name="Casey Ward", job_title="Service manager")
    series = make.series(name="Hate Crime Scrutiny Panel", members=[police, victims])
    make.user("staff", email="staff@example.org", name="Sam Staff")
    make.user("partner", organisation=police, email="partner@example.org", name="Pat Partner")
    return police, victims, series


def _pdf_text(download) -> str:
    """The text of a downloaded PDF, every page, with its lines run together."""
    with open(download.path(), "rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def _download(page, link_name: str):
    with page.expect_download() as download:
        page.get_by_role("link", name=link_name).click()
    return download.value


def _banner(page):
    return page.locator(".govuk-notification-banner--success")


def _step(page, axe, button: str, done: str):
    """A lifecycle button on the meeting page, and the page it leads back to."""
    page.locator("#lifecycle").get_by_role("button", name=button).click()
    expect(_banner(page)).to_contain_text(done)
    axe(page, f"the meeting page after “{button}”")


def _fill_date(page, legend: str, day: date):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _add_attendee(page, axe, typed: str, name: str):
    """Type part of a name in the meeting page's search, wait for htmx, press Add."""
    with page.expect_response(lambda r: "/attendance/add?" in r.url and r.request.headers.get("hx-request") == "true"):
        page.locator("#attendance-q").press_sequentially(typed, delay=30)
    results = page.locator("#attendance-results")
    expect(results.locator(".govuk-summary-list__key")).to_have_text([name])
    wait_for_htmx(page)
    axe(page, f"the meeting page with {name} found")
    results.get_by_role("button", name=f"Add {name} to the attendance").click()
    expect(_banner(page)).to_contain_text(f"{name} added to the attendance.")
    axe(page, f"the meeting page with {name} on the attendance")


def _open_inline(page, axe, link, what: str):
    """A link that brings a form into the meeting page (htmx); the form, checked."""
    link.click()
    form = page.locator(".app-inline-form--inline")
    expect(form).to_have_count(1)
    wait_for_htmx(page)
    axe(page, what)
    return form


def _save_inline(page, form, button: str):
    form.get_by_role("button", name=button).click()
    expect(page.locator(".app-inline-form--inline")).to_have_count(0)
    wait_for_htmx(page)


# --- a meeting from start to finish -----------------------------------------------------


def test_staff_take_a_meeting_from_new_to_approved_printed_minutes(app, make, live_server, page, new_page, axe):
    _people(make)
    last_week = date.today() - timedelta(days=7)
    started = time.monotonic()

    sign_in(page, axe, live_server, "staff@example.org")
    expect(page).to_have_url(live_server + "/dashboard")
    axe(page, "the staff dashboard")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Meetings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
    axe(page, "the meetings list")
    page.get_by_role("link", name="New meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New meeting")
    axe(page, "the new meeting form")

    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Series (optional)").select_option(label="Hate Crime Scrutiny Panel")
    page.get_by_label("Kind of meeting").select_option(label="Scrutiny panel")
    _fill_date(page, "Date", last_week)
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("End time (optional)").fill("12:30")
    page.get_by_role("button", name="Save meeting").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(_banner(page)).to_contain_text(f"{TITLE} added.")
    expect(page).to_have_url(re.compile(r"/meetings/\d+$"))
    meeting_url = page.url
    axe(page, "the new meeting's page")

    # The attendance: a person found by typing, and one who sent apologies.
    _add_attendee(page, axe, "Jord", "Jordan Lee")
    _add_attendee(page, axe, "Case", "Casey Ward")
    attendance = page.locator("#attendance")
    casey = attendance.get_by_role("group", name="Attendance of Casey Ward")
    casey.get_by_role("button", name="Apologies").click()
    expect(casey.get_by_role("button", name="Apologies")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#attendance-status")).to_contain_text("Casey Ward: apologies.")
    wait_for_htmx(page)
    axe(page, "the meeting page after Casey Ward's apologies")

    _step(page, axe, "Publish the agenda", "Agenda published to partners.")

    # Two agenda items, added in place.
    agenda = page.locator("#agenda")
    for title in ("Hate crime case outcomes", "Case review"):
        form = _open_inline(page, axe, agenda.get_by_role("link", name="Add an agenda item"), "the new item form")
        form.get_by_label("Title").fill(title)
        _save_inline(page, form, "Save item")
        expect(agenda.locator(".app-agenda__title").last).to_contain_text(title)
    expect(agenda.locator(".app-agenda__title")).to_have_text(["1. Hate crime case outcomes", "2. Case review"])
    axe(page, "the meeting page with two agenda items")

    # Item 1's minutes: a paragraph of discussion and a decision.
    item_1 = agenda.locator(".app-agenda__item").nth(0)
    form = _open_inline(page, axe, item_1.get_by_role("link", name=re.compile(r"^Edit item item 1,")), "editing item 1")
    form.get_by_label("Discussion (optional)").fill(DISCUSSION)
    form.get_by_label("Decisions (optional)").fill(DECISION)
    _save_inline(page, form, "Save item")
    expect(item_1).to_contain_text(DISCUSSION)
    expect(item_1).to_contain_text(DECISION)
    axe(page, "the meeting page with item 1 minuted")

    # An action agreed in item 1.
    form = _open_inline(page, axe, item_1.get_by_role("link", name="Add an action to item 1"), "the new action form")
    form.get_by_label("What is to be done").fill("Share the case outcomes with the panel")
    form.get_by_label("Owner organisation").select_option(label="Bedfordshire Police")
    form.get_by_label("Lead person (optional)").select_option(label="Jordan Lee, Bedfordshire Police")
    _fill_date(form, "Due date (optional)", date.today() + timedelta(days=28))
    _save_inline(page, form, "Save action")
    reference = item_1.locator(".app-actions-table tbody tr td").first
    expect(reference).to_have_text(REFERENCE)
    action_reference = reference.inner_text().strip()
    axe(page, "the meeting page with an action")

    # Item 2 is OFFICIAL-SENSITIVE.
    item_2 = agenda.locator(".app-agenda__item").nth(1)
    form = _open_inline(page, axe, item_2.get_by_role("link", name=re.compile(r"^Edit item item 2,")), "editing item 2")
    form.get_by_label("OFFICIAL-SENSITIVE").check()
    form.get_by_label("Discussion (optional)").fill(SECRET)
    _save_inline(page, form, "Save item")
    expect(item_2).to_contain_text(SECRET)
    expect(item_2.get_by_text("OFFICIAL-SENSITIVE", exact=True)).to_be_visible()
    axe(page, "the meeting page with a sensitive item")

    # Along the lifecycle to approved minutes.
    _step(page, axe, "Record that the meeting was held", "Meeting recorded as held.")
    _step(page, axe, "Start the minutes", "The minutes are in draft.")
    _step(page, axe, "Circulate the minutes", "Minutes circulated")
    draft_note = page.get_by_text("Until the minutes are approved, every page is marked DRAFT.")
    expect(draft_note).to_be_visible()
    _step(page, axe, "Record approval of the minutes", "Minutes approved and locked.")
    expect(draft_note).to_have_count(0)
    expect(page.locator("#lifecycle")).to_contain_text("The minutes are locked.")
    expect(page.locator("#agenda").get_by_role("link", name=re.compile("^Edit item"))).to_have_count(0)

    full = _pdf_text(_download(page, "Full minutes (staff only, PDF)"))
    seconds = time.monotonic() - started
    print(f"\nstaff: new meeting to approved, printed minutes in {seconds:.1f} s")
    for text in (TITLE, "Jordan Lee", "Apologies", DECISION, action_reference, SECRET):
        assert text in full, f"{text!r} is not in the full minutes"
    assert "DRAFT" not in full

    # The partner reads the approved minutes: the partner version only.
    page.locator("header").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(live_server + "/login")
    axe(page, "the login page after signing out")
    sign_in(page, axe, live_server, "partner@example.org")
    expect(page).to_have_url(live_server + "/dashboard")
    axe(page, "the partner's dashboard")
    to_read = page.locator("main .govuk-grid-column-one-half").filter(
        has=page.get_by_role("heading", name="Minutes to read")
    )
    to_read.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(meeting_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("#agenda")).to_contain_text("Hate crime case outcomes")
    expect(page.locator("#agenda")).to_contain_text(DECISION)
    expect(page.locator("body")).not_to_contain_text(SECRET)
    expect(page.get_by_role("link", name="Full minutes (staff only, PDF)")).to_have_count(0)
    axe(page, "the meeting page, for a partner")

    partner = _pdf_text(_download(page, "Partner and panel version (PDF)"))
    for text in (TITLE, DECISION, action_reference):
        assert text in partner, f"{text!r} is not in the partner version"
    for text in (SECRET, "OFFICIAL-SENSITIVE"):
        assert text not in partner, f"{text!r} is in the partner version"
    assert urlsplit(page.url).path == urlsplit(meeting_url).path


# --- without JavaScript ------------------------------------------------------------------


def _arrived_by_post_and_redirect(response, path: str) -> None:
    """The page now shown is the answer to a GET that a plain form post redirected to."""
    assert response is not None and response.status == 200
    request = response.request
    assert request.method == "GET" and request.headers.get("hx-request") is None
    posted = request.redirected_from
    assert posted is not None and posted.method == "POST", f"{request.url} was not reached by a redirect from a post"
    assert urlsplit(posted.url).path == path


def test_adding_agenda_items_and_attendance_without_javascript(app, make, live_server, new_page, axe):
    _police, _victims, series = _people(make)
    meeting = make.meeting(TITLE, series=series)
    page = new_page(java_script_enabled=False)
    sign_in(page, axe, live_server, "staff@example.org")
    expect(page).to_have_url(live_server + "/dashboard")
    axe(page, "the dashboard without JavaScript")
    meeting_path = f"/meetings/{meeting.id}"
    visit(page, axe, live_server + meeting_path)
    expect(page.locator("#attendance-counts")).to_have_text("No one is on the attendance yet.")

    # The search box on the meeting page is a plain GET form to the page for adding people.
    page.locator("#attendance-q").fill("Jord")
    with page.expect_navigation() as searched:
        page.locator("#attendance").get_by_role("button", name="Search").click()
    assert searched.value.request.method == "GET"
    assert urlsplit(page.url).path == f"{meeting_path}/attendance/add"
    expect(page.get_by_role("heading", level=1)).to_have_text("Add to the attendance")
    expect(page.locator("#q")).to_have_value("Jord")
    expect(page.locator("#results")).to_contain_text("1 person found")
    axe(page, "the search for people to add, without JavaScript")

    with page.expect_navigation() as added:
        page.get_by_role("button", name="Add Jordan Lee to the attendance").click()
    _arrived_by_post_and_redirect(added.value, f"{meeting_path}/attendance/add")
    assert urlsplit(page.url).path == meeting_path
    expect(_banner(page)).to_contain_text("Jordan Lee added to the attendance.")
    expect(page.locator("#attendance-counts")).to_have_text("1 present.")
    expect(page.locator("#attendance")).to_contain_text("Jordan Lee")
    axe(page, "the meeting page with Jordan Lee on the attendance, without JavaScript")

    # "Add an agenda item" is a link to a form page of its own.
    page.locator("#agenda").get_by_role("link", name="Add an agenda item").click()
    assert urlsplit(page.url).path == f"{meeting_path}/items/new"
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an agenda item")
    axe(page, "the new item form without JavaScript")
    page.get_by_role("button", name="Save item").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a title for the item")
    axe(page, "the new item form with an error, without JavaScript")
    page.get_by_label("Title").fill("Hate crime case outcomes")
    with page.expect_navigation() as saved:
        page.get_by_role("button", name="Save item").click()
    _arrived_by_post_and_redirect(saved.value, f"{meeting_path}/items/new")
    assert urlsplit(page.url).path == meeting_path
    assert re.fullmatch(r"item-\d+", urlsplit(page.url).fragment)
    expect(_banner(page)).to_contain_text("Item “Hate crime case outcomes” added to the agenda.")
    expect(page.locator("#agenda .app-agenda__title")).to_have_text(["1. Hate crime case outcomes"])
    axe(page, "the meeting page with an agenda item, without JavaScript")


# --- the items a guest came for ------------------------------------------------------------


def test_the_items_a_guest_came_for_open_under_guest(app, make, live_server, new_page, axe):
    """Not GOV.UK's conditional reveal (aria-expanded on a radio, which axe
    rightly refuses) but the app's own: shown only while "Guest" is chosen,
    and always without JavaScript."""
    police, victims, series = _people(make)
    meeting = _minuted_meeting(app, make, series, police, victims)
    with app.app_context():
        jordan = db.session.scalar(select(Attendance.id).join(Attendance.contact).where(Contact.name == "Jordan Lee"))
    page = new_page()
    sign_in(page, axe, live_server, "staff@example.org")
    visit(page, axe, f"{live_server}/meetings/{meeting.id}")
    page.locator("#attendance").get_by_role("link", name="Change the role or attendance of Jordan Lee").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jordan Lee")
    items = page.get_by_role("group", name="Items they attended (optional)")
    expect(page.get_by_label("Member", exact=True)).to_be_checked()
    expect(items).to_be_hidden()
    axe(page, "the attendance form")

    page.get_by_label("Guest", exact=True).check()
    expect(items).to_be_visible()
    axe(page, "the attendance form, a guest")
    items.get_by_label("2. Case review").check()
    page.get_by_label("Presenter", exact=True).check()
    expect(items).to_be_hidden()
    page.get_by_label("Guest", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(f"#attendance-{jordan}")).to_contain_text("Guest, attending item 2")
    axe(page, "the meeting page with a guest")

    # Left out of the form while another role is chosen, whatever was ticked.
    visit(page, axe, f"{live_server}/meetings/{meeting.id}/attendance/{jordan}/edit")
    expect(items).to_be_visible()
    expect(items.get_by_label("2. Case review")).to_be_checked()
    page.get_by_label("Chair", exact=True).check()
    expect(items).to_be_hidden()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(f"#attendance-{jordan}")).to_contain_text("Chair")
    expect(page.locator(f"#attendance-{jordan}")).not_to_contain_text("attending item")

    # Without JavaScript the question is simply there.
    plain = new_page(java_script_enabled=False)
    sign_in(plain, axe, live_server, "staff@example.org")
    visit(plain, axe, f"{live_server}/meetings/{meeting.id}/attendance/{jordan}/edit")
    expect(plain.get_by_role("group", name="Items they attended (optional)")).to_be_visible()


# --- forms opened inside the meeting page --------------------------------------------------

# Ids used more than once in the page, and fields of the form opened in place
# that no label names: a label's `for` names the first element with that id,
# so a field whose id the page already has is labelled by nothing (which axe
# does not see: it looks for a label[for] with the field's id).
_FORM_FAULTS = """() => {
  const ids = [...document.querySelectorAll('[id]')].map((el) => el.id);
  const repeated = [...new Set(ids.filter((id, n) => ids.indexOf(id) !== n))];
  const fields = document.querySelectorAll('.app-inline-form--inline :is(input:not([type=hidden]), textarea, select)');
  const unlabelled = [...fields].filter((field) => field.labels.length === 0).map((field) => field.id || field.name);
  return {repeated, unlabelled};
}"""


def test_forms_opened_in_the_meeting_page_label_their_fields(app, make, live_server, page, axe):
    police, victims, series = _people(make)
    _minuted_meeting(app, make, series, police, victims)
    meeting = make.meeting(
        "Hate crime scrutiny panel: summer meeting",
        series=series,
        status="minutes_draft",
        starts_at=datetime.now(UTC) - timedelta(hours=2),
    )
    with app.app_context():
        item = meeting_services.add_item(db.session.get(Meeting, meeting.id), {"title": "Case outcomes"})
        meeting_services.add_note(item, {"text": "A note"})
        action_services.create_action(item, {"title": "Share the outcomes", "owner_id": str(police.id)})
        meeting_services.add_feedback(
            db.session.get(Meeting, meeting.id), {"quote": "Useful.", "attribution": "Chair, the panel"}
        )
        db.session.commit()
    sign_in(page, axe, live_server, "staff@example.org")
    visit(page, axe, f"{live_server}/meetings/{meeting.id}")
    page.wait_for_function("() => window.htmx !== undefined")

    openers = page.locator("main a[hx-get]:not(.app-inline-form a)")
    names = [opener.inner_text().strip() for opener in openers.all()]
    assert len(names) >= 8, names  # item, note, action and feedback forms; progress on matters arising; outcomes
    for n, name in enumerate(names):
        openers.nth(n).click()
        form = page.locator(".app-inline-form--inline")
        expect(form).to_have_count(1)
        wait_for_htmx(page)
        assert page.evaluate(_FORM_FAULTS) == {"repeated": [], "unlabelled": []}, f"the form opened by “{name}”"
        axe(page, f"the meeting page with the form opened by “{name}”")
        form.get_by_role("link", name="Cancel").click()
        expect(page.locator(".app-inline-form--inline")).to_have_count(0)
        wait_for_htmx(page)

    # The outcomes, typed into the box its label names.
    page.locator("#outcomes").get_by_role("link", name="Edit outcomes").click()
    page.get_by_role("textbox", name="Outcomes", exact=True).fill("Two new referral routes.")
    page.get_by_role("button", name="Save outcomes").click()
    expect(page.locator("#outcomes-body")).to_contain_text("Two new referral routes.")
    wait_for_htmx(page)
    axe(page, "the meeting page with its outcomes")


def test_the_lifecycle_buttons_still_work_after_the_outcomes_change_in_place(app, make, live_server, page, axe):
    """Saving the outcomes in place moves the meeting's version on; the buttons
    above must move with it, or the next step is refused as someone else's change."""
    police, victims, series = _people(make)
    meeting = _minuted_meeting(app, make, series, police, victims)
    sign_in(page, axe, live_server, "staff@example.org")
    visit(page, axe, f"{live_server}/meetings/{meeting.id}")
    page.wait_for_function("() => window.htmx !== undefined")
    for outcomes in ("Two new referral routes.", "Two new referral routes, and a second visit."):
        page.locator("#outcomes").get_by_role("link", name="Edit outcomes").click()
        page.get_by_role("textbox", name="Outcomes", exact=True).fill(outcomes)
        page.get_by_role("button", name="Save outcomes").click()
        expect(page.locator("#outcomes-body")).to_contain_text(outcomes)
        wait_for_htmx(page)
    axe(page, "the meeting page with outcomes saved in place")
    _step(page, axe, "Circulate the minutes", "Minutes circulated")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.locator("#outcomes-body")).to_contain_text("and a second visit.")


# --- the PDF link while the file is made -------------------------------------------------


def test_the_pdf_link_says_preparing_while_the_file_is_made(app, make, live_server, page, axe):
    _police, _victims, series = _people(make)
    meeting = make.meeting(
        TITLE, series=series, status="minutes_draft", starts_at=datetime.now(UTC) - timedelta(days=2)
    )
    sign_in(page, axe, live_server, "staff@example.org")
    expect(page).to_have_url(live_server + "/dashboard")
    visit(page, axe, f"{live_server}/meetings/{meeting.id}")
    page.wait_for_load_state()

    wording = "Partner and panel version (PDF)"
    # By its address, which keeps "version=partner" while its words change.
    link = page.locator('#printed-minutes + ul a[data-pdf-download][href*="version=partner"]')
    expect(link).to_have_text(wording)
    status = link.locator("xpath=..").locator("[data-pdf-status]")
    href = link.get_attribute("href")
    expect(status).to_have_text("")

    with page.expect_download() as download:
        link.click()
        # The link changes at once, on the click, and stays so until the file comes.
        expect(link).to_have_text("Preparing PDF…")
        expect(link).to_have_attribute("aria-disabled", "true")
        expect(status).to_have_text("Preparing PDF…")
        axe(page, "the meeting page while a PDF is prepared")
    token = re.search(r"[?&]download_token=([0-9a-f]+)", download.value.url)
    assert token, f"the link asked for {download.value.url} without a download token"
    assert "DRAFT" in _pdf_text(download.value)

    # Then it is a link to the PDF again, and the cookie that said so is gone.
    expect(link).to_have_text(wording)
    expect(link).not_to_have_attribute("aria-disabled", "true")
    expect(link).to_have_attribute("href", href)
    expect(status).to_have_text("PDF ready")
    page.wait_for_function(
        "(name) => !document.cookie.split('; ').some((c) => c.startsWith(name + '='))", arg=f"pdf-ready-{token[1]}"
    )
    axe(page, "the meeting page after the PDF came")


# --- a phone's screen ----------------------------------------------------------------------


def _minuted_meeting(app, make, series, police, victims):
    """A held meeting with its minutes in draft: attendance, items, a note, actions."""
    meeting = make.meeting(
        "Local Scrutiny and Involvement Panel: hate crime and violence against women and girls, spring meeting",
        series=series,
        kind="scrutiny_panel",
        status="minutes_draft",
        starts_at=datetime.now(UTC) - timedelta(days=3),
        venue="Police headquarters, Kempston, conference room 2",
    )
    with app.app_context():
        record = db.session.get(Meeting, meeting.id)
        for contact in db.session.scalars(select(Contact).order_by(Contact.id)):
            row = meeting_services.add_attendee(record, contact)
            if contact.name == "Casey Ward":
                meeting_services.set_attendance_status(row, AttendanceStatus.APOLOGIES)
        first = meeting_services.add_item(
            record,
            {
                "title": "Hate crime case outcomes",
                "discussion": DISCUSSION + "\n\nA second paragraph.",
                "decisions": DECISION,
            },
        )
        second = meeting_services.add_item(
            record, {"title": "Case review", "discussion": SECRET, "marking": "official_sensitive"}
        )
        meeting_services.add_note(first, {"text": "Figures to follow from the police."})
        for owner in (police, victims):
            action_services.create_action(
                first,
                {
                    "title": "Share the quarterly hate crime outcomes with the panel and its partners",
                    "owner_id": str(owner.id),
                    "due_on": date.today() + timedelta(days=28),
                },
            )
        action_services.create_action(
            second, {"title": "Late follow-up", "owner_id": str(police.id), "due_on": date.today() - timedelta(days=1)}
        )
        db.session.commit()
    return meeting


def test_meeting_pages_fit_a_phone(app, make, live_server, new_page, axe):
    police, victims, series = _people(make)
    meeting = _minuted_meeting(app, make, series, police, victims)
    make.meeting("Partnership meeting next month", series=series, starts_at=datetime.now(UTC) + timedelta(days=30))

    phone = new_page(viewport=PHONE)
    sign_in(phone, axe, live_server, "staff@example.org")
    expect(phone).to_have_url(live_server + "/dashboard")
    check_phone_page(phone, axe, "the staff dashboard with meetings")

    visit(phone, axe, live_server + "/meetings/")
    expect(phone.locator("#results tbody tr")).to_have_count(1)
    check_phone_page(phone, axe, "the meetings list")
    visit(phone, axe, live_server + "/meetings/?when=past")
    expect(phone.locator("#results tbody tr")).to_have_count(1)
    check_phone_page(phone, axe, "the past meetings")

    visit(phone, axe, f"{live_server}/meetings/{meeting.id}")
    expect(phone.locator("#attendance")).to_contain_text("Jordan Lee")
    expect(phone.locator("#agenda .app-actions-table")).to_have_count(2)
    check_phone_page(phone, axe, "a meeting with attendance, items and actions")

    # What opens inside the meeting page fits too: people found, a form in place.
    phone.wait_for_function("() => window.htmx !== undefined")
    phone.locator("#attendance-q").press_sequentially("e", delay=30)
    expect(phone.locator("#attendance-results [data-result-count]")).to_be_visible()
    wait_for_htmx(phone)
    check_phone_page(phone, axe, "a meeting with people found to add")
    item_1 = phone.locator("#agenda .app-agenda__item").first
    item_1.get_by_role("link", name="Add an action to item 1").click()
    form = phone.locator(".app-inline-form--inline")
    form.get_by_role("button", name="Save action").click()
    expect(form.locator(".govuk-error-summary")).to_contain_text("Enter what is to be done")
    wait_for_htmx(phone)
    check_phone_page(phone, axe, "a meeting with the action form in place, with errors")

    visit(phone, axe, f"{live_server}/meetings/{meeting.id}/attendance/add?q=a")
    check_phone_page(phone, axe, "the page for adding to the attendance")

    visit(phone, axe, live_server + "/meetings/new")
    phone.get_by_label("Start time").fill("25:00")
    phone.get_by_role("button", name="Save meeting").click()
    summary = phone.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a title for the meeting")
    expect(summary).to_contain_text("Select the kind of meeting")
    check_phone_page(phone, axe, "the new meeting form with errors")

    visit(phone, axe, f"{live_server}/series/{series.id}")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hate Crime Scrutiny Panel")
    check_phone_page(phone, axe, "the series page")
