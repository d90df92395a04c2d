"""Screenshots of the main pages, for looking at after a change.

    .venv/bin/python scripts/screenshots.py [BASE_URL] [OUT_DIR]

Needs the app running (make run) with demo data, and Debian's Chromium.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000"
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "test-artifacts/screenshots")
PASSWORD = "partnership-demo"
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


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: print("console:", m.type, m.text))
        page.goto(f"{BASE}/login")
        page.screenshot(path=OUT / "login.png", full_page=True)
        page.fill("#email", "nobody@example.org")
        page.fill("#password", "wrong")
        page.click("button:has-text('Sign in')")
        page.screenshot(path=OUT / "login-error.png", full_page=True)

        sign_in(page, "staff@example.org")
        page.screenshot(path=OUT / "dashboard-staff.png", full_page=True)
        page.goto(f"{BASE}/organisations/?type=local_council&sort=area")
        page.screenshot(path=OUT / "organisations-filtered.png", full_page=True)
        page.goto(f"{BASE}/organisations/")
        page.screenshot(path=OUT / "organisations.png", full_page=True)
        page.click("text=Bedfordshire Police")
        page.screenshot(path=OUT / "organisation.png", full_page=True)
        page.goto(f"{BASE}/organisations/new")
        page.fill("#name", "Bedfordshire police")
        page.fill("#website", "not a website")
        page.click("text=Save organisation")
        page.screenshot(path=OUT / "organisation-form-errors.png", full_page=True)
        page.goto(f"{BASE}/contacts/")
        page.screenshot(path=OUT / "contacts.png", full_page=True)

        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        sign_in(page, "police.partner@example.org")
        page.screenshot(path=OUT / "dashboard-partner.png", full_page=True)
        page.goto(f"{BASE}/account/password")
        page.click("button:has-text('Change password')")
        page.screenshot(path=OUT / "change-password-errors.png", full_page=True)

        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        sign_in(page, "admin@example.org")
        page.goto(f"{BASE}/admin/users/")
        page.screenshot(path=OUT / "users.png", full_page=True)
        page.goto(f"{BASE}/admin/users/new")
        page.screenshot(path=OUT / "user-new.png", full_page=True)
        browser.close()
    print(f"Screenshots in {OUT}")


if __name__ == "__main__":
    main()
