"""Meetings (engagements), their attendance, agenda, minutes and feedback."""
