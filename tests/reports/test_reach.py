"""Reach: for a quarter (or two dates), the engagements held that reached each
group at increased risk of exclusion, the issues affecting it and the actions
on them, with groups not reached flagged and the trend against the period before."""

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from crm import records
from crm.extensions import db
from crm.meetings.models import Meeting
from crm.reference.models import ExclusionGroup
from crm.reports.periods import custom_period, parse_quarter, quarter_of, recent_quarters
from tests.conftest import page_text

GROUPS = ("Disabled people", "Women", "Carers/Dependants")


def test_financial_quarters_run_april_to_march():
    third = quarter_of(date(2026, 12, 4))
    assert (third.key_name, third.start, third.end) == ("2026-Q3", date(2026, 10, 1), date(2026, 12, 31))
    assert third.label == "Quarter 3 2026/27: October to December 2026"
    fourth = quarter_of(date(2027, 2, 28))
    assert (fourth.key_name, fourth.start, fourth.end) == ("2026-Q4", date(2027, 1, 1), date(2027, 3, 31))
    assert quarter_of(date(2026, 4, 1)).previous().key_name == "2025-Q4"
    assert parse_quarter("2026-Q3") == third
    assert [parse_quarter(bad) for bad in ("", "2026-Q5", "26-Q1", "2026Q1x", "abcd-Q1", "9999-Q1")] == [None] * 6
    assert [q.key_name for q in recent_quarters(date(2026, 5, 1), 3)] == ["2026-Q1", "2025-Q4", "2025-Q3"]
    custom = custom_period(date(2026, 1, 10), date(2026, 1, 19))
    assert custom.key is None and (custom.previous().start, custom.previous().end) == (
        date(2025, 12, 31),
        date(2026, 1, 9),
    )


@pytest.fixture
def groups(make):
    with make.app.app_context():
        for position, name in enumerate(GROUPS, start=1):
            records.create(ExclusionGroup(), {"name": name, "position": position})
        db.session.commit()
        return {g.name: g.id for g in db.session.scalars(select(ExclusionGroup))}


def held(make, title, when, reached, groups, *, status="approved", **fields):
    meeting = make.meeting(title, starts_at=when, status=status, **fields)
    with make.app.app_context():
        record = db.session.get(Meeting, meeting.id)
        records.update(record, {"groups_reached": [db.session.get(ExclusionGroup, groups[n]) for n in reached]})
        db.session.commit()
    return meeting


def figures(page: str) -> dict[str, list[str]]:
    """The reach table's rows: group -> [engagements, before, trend, issues, actions]."""
    table = page[page.index('id="reach-table"') :]
    table = table[: table.index("</table>")]
    rows = {}
    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S)[1:]:
        name = re.search(r'<th scope="row"[^>]*>([^<]+)', row).group(1).strip()
        cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        rows[name] = [re.sub(r"\s+issues affecting.*", "", cell) for cell in cells]
    return rows


def test_the_quarters_reach_with_the_gaps_and_the_trend(app, client, staff, make, groups, count_queries):
    q3 = datetime(2026, 11, 3, 10, tzinfo=UTC)
    held(make, "Panel in November", q3, ["Disabled people", "Women"], groups)
    held(make, "Visit in December", datetime(2026, 12, 1, 10, tzinfo=UTC), ["Disabled people"], groups)
    held(make, "Planned, not yet held", datetime(2026, 12, 20, 10, tzinfo=UTC), ["Carers/Dependants"], groups,
         status="planned")  # fmt: skip
    held(make, "Sensitive review", q3, ["Women"], groups, marking="official_sensitive")
    held(make, "Last quarter", datetime(2026, 8, 1, 10, tzinfo=UTC), ["Women", "Carers/Dependants"], groups)
    police = make.organisation("Thames Police")
    make.issue("Court access", groups=("Disabled people",), raised_on=date(2026, 10, 20),
               actions=[make.action(police), make.action(police)])  # fmt: skip
    make.issue("Earlier issue", groups=("Disabled people",), raised_on=date(2026, 9, 30))

    with count_queries() as counter:
        page = page_text(client.get("/reports/reach?quarter=2026-Q3"))
    assert "Quarter 3 2026/27: October to December 2026" in page
    rows = figures(page)
    # Staff's internal figures count the sensitive meeting; the planned one has reached no one yet.
    assert rows["Disabled people"] == ["2", "0", "Up", "1", "2"]
    assert rows["Women"] == ["2", "1", "Up", "0", "0"]
    assert rows["Carers/Dependants"] == ["0", "1", "Down", "0", "0"]
    assert "Not reached in this period: Carers/Dependants." in page
    # The chart: an SVG image with a title and a description holding the same figures.
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "Carers/Dependants 0 (before 1)" in svg
    assert "Disabled people 2 (before 0)" in svg
    # More meetings and issues do not mean more queries.
    held(make, "Another panel", q3, ["Women", "Carers/Dependants"], groups)
    make.issue("Another issue", groups=("Women",), raised_on=date(2026, 11, 5))
    with count_queries() as again:
        client.get("/reports/reach?quarter=2026-Q3")
    assert again.count == counter.count


def test_two_dates_and_bad_ones(app, client, staff, groups):
    page = page_text(client.get("/reports/reach?from=1/10/2026&to=31/10/2026"))
    assert "1 October 2026 to 31 October 2026" in page and "31 August 2026 to 30 September 2026" in page
    for bad in ("from=31/13/2026&to=1/1/2027", "from=1/1/2027&to=1/1/2026", "from=1/1/2000&to=1/1/2026", "from=x"):
        response = client.get(f"/reports/reach?{bad}")
        assert response.status_code == 200
        assert "There is a problem" in page_text(response)
    assert client.get("/reports/reach?quarter=nonsense").status_code == 200


def test_only_staff_see_reach(app, client, auth, make):
    assert client.get("/reports/reach").status_code == 302
    partner = make.user("partner", organisation=make.organisation("Thames Police"), email="p@police.example")
    auth.login(partner.email)
    assert client.get("/reports/reach").status_code == 403


def test_the_staff_dashboard_shows_open_issues_by_category_and_the_quarters_gaps(app, client, staff, make, groups):
    make.issue("Open one", categories=("Hate crime",))
    make.issue("Open two", categories=("Hate crime", "Domestic abuse"))
    make.issue("Done", categories=("Stalking",), status="closed")
    held(make, "Panel today", datetime.now(UTC), ["Women"], groups)
    page = page_text(client.get("/dashboard"))
    section = page[page.index("Open issues by category") : page.index("Meetings and partners")]
    assert re.search(r"Hate crime</a>: 2", section) and re.search(r"Domestic abuse</a>: 1", section)
    assert "Stalking" not in section
    gaps = section[section.index("Not reached this quarter") :]
    assert "Disabled people" in gaps and "Carers/Dependants" in gaps and "Women" not in gaps
