"""Template filters: dates as people in the area read them (UK time)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Flask

LONDON = ZoneInfo("Europe/London")


def date_short(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    return f"{local.day} {local:%B %Y}"


def datetime_short(value: datetime | None) -> str:
    """25 November 2026, 3:05pm (UK time)."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y}, {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def mailto(address: str) -> str:
    """A mailto: link to exactly this address: ?, & and the like cannot add headers or recipients."""
    return "mailto:" + quote(address, safe="@")


def init_app(app: Flask) -> None:
    app.add_template_filter(date_short)
    app.add_template_filter(datetime_short)
    app.add_template_filter(mailto)
