"""Calendars: a meeting as an .ics file, a user's private feed of their meetings, and the account page."""
