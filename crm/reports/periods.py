"""Reporting periods: the financial year's quarters a panel reports on, or any two dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from crm.formatting import LONDON

QUARTERS_OFFERED = 8  # the quarter choices: this one and the seven before it


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included, in UK dates."""

    start: date
    end: date
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def starts_at(self) -> datetime:
        """The first moment of the period, for comparing with stored UTC moments."""
        return datetime.combine(self.start, time(0, 0), tzinfo=LONDON).astimezone(UTC)

    @property
    def ends_before(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.end + timedelta(days=1), time(0, 0), tzinfo=LONDON).astimezone(UTC)

    @property
    def key(self) -> str | None:
        """ "2026-Q3" for a financial quarter, else None (a custom range)."""
        quarter = quarter_of(self.start)
        return quarter.key_name if quarter.start == self.start and quarter.end == self.end else None

    def previous(self) -> Period:
        """The period of the same length just before this one (the quarter before, for a quarter)."""
        if self.key:
            return quarter_of(self.start - timedelta(days=1))
        end = self.start - timedelta(days=1)
        start = end - timedelta(days=self.days - 1)
        return Period(start, end, f"{start:%-d %B %Y} to {end:%-d %B %Y}")


@dataclass(frozen=True)
class Quarter(Period):
    year: int = 0  # the financial year it falls in: 2026 for 2026/27
    number: int = 0  # 1: April to June ... 4: January to March

    @property
    def key_name(self) -> str:
        return f"{self.year}-Q{self.number}"


def quarter_of(day: date) -> Quarter:
    """The financial-year quarter (April to March) holding `day`."""
    year = day.year if day.month >= 4 else day.year - 1
    number = (day.month - 4) % 12 // 3 + 1
    start_month = 4 + (number - 1) * 3
    start = date(year + (start_month > 12), (start_month - 1) % 12 + 1, 1)
    following = date(start.year + (start.month + 3 > 12), (start.month + 2) % 12 + 1, 1)
    end = following - timedelta(days=1)
    label = f"Quarter {number} {year}/{str(year + 1)[-2:]}: {start:%B} to {end:%B %Y}"
    return Quarter(start, end, label, year=year, number=number)


def parse_quarter(key: str | None) -> Quarter | None:
    """ "2026-Q3" as a quarter, or None if it is not one."""
    if not key or len(key) != 7 or key[4:6] != "-Q" or not key[:4].isdigit() or key[6] not in "1234":
        return None
    year, number = int(key[:4]), int(key[6])
    if not 2000 <= year <= 2100:
        return None
    month = 4 + (number - 1) * 3
    return quarter_of(date(year + (month > 12), (month - 1) % 12 + 1, 1))


def recent_quarters(today: date, count: int = QUARTERS_OFFERED) -> list[Quarter]:
    """This quarter and those before it, latest first."""
    quarters = [quarter_of(today)]
    while len(quarters) < count:
        quarters.append(quarter_of(quarters[-1].start - timedelta(days=1)))
    return quarters


def custom_period(start: date, end: date) -> Period:
    return Period(start, end, f"{start:%-d %B %Y} to {end:%-d %B %Y}")
