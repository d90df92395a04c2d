"""Screenshots of the main pages, for looking at after a change.

    .venv/bin/python scripts/screenshots.py [BASE_URL] [OUT_DIR]

Needs the app running (make run) with demo data, and Debian's Chromium.
Each page is taken 1280 px wide and 320 px wide (a small phone: the width
reflow is tested at), as NAME-1280.png and NAME-320.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000"
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "test-artifacts/screenshots")
PASSWORD = "partnership-demo"
WIDTHS = (1280, 320)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def sign_in(page, email):
    page.goto(f"{BASE}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in'), input[value='Sign in']")
    page.wait_for_url("**/dashboard")


def take_all(browser, width):
    def shot(page, name):
        page.screenshot(path=OUT / f"{name}-{width}.png", full_page=True)

    def new_page():
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.on("console", lambda m: print("console:", m.type, m.text))
        return page

    page = new_page()
    page.goto(f"{BASE}/login")
    shot(page, "login")
    page.fill("#email", "nobody@example.org")
    page.fill("#password", "wrong")
    page.click("button:has-text('Sign in')")
    shot(page, "login-error")

    sign_in(page, "staff@example.org")
    shot(page, "dashboard-staff")
    page.goto(f"{BASE}/organisations/?type=local_council&sort=area")
    shot(page, "organisations-filtered")
    page.goto(f"{BASE}/organisations/")
    shot(page, "organisations")
    page.click("text=Bedfordshire Police")
    shot(page, "organisation")
    page.locator("#contacts tbody a").first.click()
    shot(page, "contact")
    page.goto(f"{BASE}/organisations/new")
    page.fill("#name", "Bedfordshire police")
    page.fill("#website", "not a website")
    page.click("text=Save organisation")
    shot(page, "organisation-form-errors")
    page.goto(f"{BASE}/contacts/")
    shot(page, "contacts")
    page.goto(f"{BASE}/actions/")
    shot(page, "actions")
    page.goto(f"{BASE}/actions/?rag=red&show=all")
    shot(page, "actions-filtered")
    page.click("text=Arrange interpreters")
    shot(page, "action")
    page.goto(f"{BASE}/actions/new")
    page.click("button:has-text('Save action'), input[value='Save action']")
    shot(page, "action-form-errors")
    page.goto(f"{BASE}/dashboard")
    page.locator("a:has-text('Test the new letters')").first.click()
    shot(page, "action-decide")
    page.goto(f"{BASE}/issues/?show=all")
    shot(page, "issues")
    page.click("text=Gypsy and Traveller families")
    shot(page, "issue")
    page.goto(f"{BASE}/issues/new")
    page.click("button:has-text('Save issue'), input[value='Save issue']")
    shot(page, "issue-form-errors")
    page.goto(f"{BASE}/meetings/new")
    shot(page, "meeting-form")

    page = new_page()
    sign_in(page, "police.partner@example.org")
    shot(page, "dashboard-partner")
    page.goto(f"{BASE}/actions/")
    shot(page, "actions-partner")
    page.click("text=Agree a single referral form")
    page.click("text=Ask for a new due date")
    page.wait_for_selector("#proposed_due_on-day, [name=proposed_due_on]")
    page.click("button:has-text('Ask for a new due date'), input[value='Ask for a new due date']")
    page.wait_for_selector(".govuk-error-summary")
    shot(page, "action-partner-ask-errors")
    page.goto(f"{BASE}/account/password")
    page.click("button:has-text('Change password')")
    shot(page, "change-password-errors")
    page.goto(f"{BASE}/issues/?show=all")
    shot(page, "issues-partner")

    page = new_page()
    sign_in(page, "admin@example.org")
    page.goto(f"{BASE}/admin/users/")
    shot(page, "users")
    page.goto(f"{BASE}/admin/users/new")
    shot(page, "user-new")
    page.goto(f"{BASE}/reference/")
    shot(page, "reference-lists")
    page.goto(f"{BASE}/reference/groups/")
    shot(page, "reference-groups")
    page.goto(f"{BASE}/reference/categories/new")
    page.fill("#name", "hate CRIME")
    page.click("button:has-text('Save category'), input[value='Save category']")
    shot(page, "reference-form-errors")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for width in WIDTHS:
            take_all(browser, width)
        browser.close()
    print(f"Screenshots in {OUT}")


if __name__ == "__main__":
    main()
