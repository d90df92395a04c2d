"""Reminders: a daily digest, by email, of the actions overdue or due soon."""
