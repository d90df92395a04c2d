"""Logins, roles and server-side sessions."""
