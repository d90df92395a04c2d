"""Template filters: dates as people in the area read them (UK time), and
email addresses as links and as text that wraps only where it reads well."""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Flask
from markupsafe import Markup, escape

LONDON = ZoneInfo("Europe/London")

_BLANK_LINE = re.compile(r"\n[ \t]*\n")

# Just after an @ or a dot: where an email address may go onto the next line.
_AFTER_EMAIL_SEPARATOR = re.compile(r"(?<=[@.])")


def date_short(value: datetime | date | None) -> str:
    """25 November 2026: a moment's UK date, or a date as it is."""
    if value is None:
        return ""
    local = value.astimezone(LONDON) if isinstance(value, datetime) else value
    return f"{local.day} {local:%B %Y}"


def datetime_short(value: datetime | None) -> str:
    """25 November 2026, 3:05pm (UK time)."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y}, {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def clock(value: datetime | None) -> str:
    """2pm, 2:30pm (UK time)."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    hour = local.hour % 12 or 12
    minutes = f":{local:%M}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def meeting_day(value: datetime | None) -> str:
    """Tuesday 3 March 2026 (UK date)."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    return f"{local:%A} {local.day} {local:%B %Y}"


def paragraphs(text: str | None) -> list[str]:
    """Text as people type it, split into paragraphs at blank lines, each trimmed, none empty."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return [part.strip() for part in _BLANK_LINE.split(text) if part.strip()]


def and_list(values) -> str:
    """4, 5 and 7."""
    values = [str(value) for value in values]
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} and {values[-1]}"


def mailto(address: str) -> str:
    """A mailto: link to exactly this address: ?, & and the like cannot add headers or recipients."""
    return "mailto:" + quote(address, safe="@")


def email_breaks(address: str | None) -> Markup:
    """The address escaped, with a line-break opportunity (<wbr>) after the @
    and after each dot, so that a narrow column wraps it at those points and
    never in the middle of a word."""
    if not address:
        return Markup("")
    return Markup("<wbr>").join(escape(part) for part in _AFTER_EMAIL_SEPARATOR.split(address))


def init_app(app: Flask) -> None:
    app.add_template_filter(date_short)
    app.add_template_filter(datetime_short)
    app.add_template_filter(clock)
    app.add_template_filter(meeting_day)
    app.add_template_filter(mailto)
    app.add_template_filter(and_list)
    app.add_template_filter(paragraphs)
    app.add_template_filter(email_breaks)
