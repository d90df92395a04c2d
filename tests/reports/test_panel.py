"""The panel report: a quarter's engagements, partners, actions, issues, reach
and "you said, we did", with small counts suppressed and nothing sensitive,
as a page, as a PDF read back, and as a CSV of each table."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from crm import records
from crm.actions import services as action_services
from crm.actions.models import Action, ActionStatus
from crm.extensions import db
from crm.meetings.models import AgendaItem, Feedback, Meeting
from crm.reference.models import ExclusionGroup
from crm.reports.panel import shown, shown_total
from tests.conftest import page_text

QUARTER = "?quarter=2026-Q3"  # October to December 2026
IN_QUARTER = datetime(2026, 11, 3, 10, tzinfo=UTC)


def test_small_counts_are_suppressed_and_totals_over_them_rounded():
    assert [shown(n) for n in (0, 1, 4, 5, 1234)] == ["0", "fewer than 5", "fewer than 5", "5", "1,234"]
    assert shown_total(12, [5, 7]) == "12"
    assert shown_total(12, [3, 9]) == "10 (rounded)"  # the 3 cannot be worked out from the total
    assert shown_total(13, [3, 10]) == "15 (rounded)"
    assert shown_total(3, [3, 0]) == "fewer than 5"
    assert shown_total(0, [0, 0]) == "0"


def agreed(make, owner, title, meeting_id, item_id, **fields):
    """An action agreed in an agenda item."""
    action = make.action(owner, title, **fields)
    with make.app.app_context():
        record = db.session.get(Action, action.id)
        record.meeting_id, record.agenda_item_id = meeting_id, item_id
        db.session.commit()
    return action


@pytest.fixture
def quarter(make):
    """A quarter's worth: two engagements (one sensitive), issues (one sensitive), actions."""
    police = make.organisation("Thames Police")
    forum = make.organisation("Riverside Faith Forum", type="voluntary_community_group")
    panel = make.meeting("Scrutiny panel in November", starts_at=IN_QUARTER, status="approved",
                         organisations=[police, forum], headcount=3, outcomes="Letters rewritten.")  # fmt: skip
    make.meeting("Closed case review", starts_at=IN_QUARTER, status="held", marking="official_sensitive",
                 organisations=[police])  # fmt: skip
    with make.app.app_context():
        women = records.create(ExclusionGroup(), {"name": "Women", "position": 1})
        records.create(ExclusionGroup(), {"name": "Carers/Dependants", "position": 2})
        meeting = db.session.get(Meeting, panel.id)
        records.update(meeting, {"groups_reached": [women]})
        item = AgendaItem(meeting_id=panel.id, position=1, title="Hate crime")
        closed = AgendaItem(meeting_id=panel.id, position=2, title="Case", marking="official_sensitive")
        db.session.add_all([item, closed, Feedback(meeting_id=panel.id, quote="Really useful", attribution="Chair",
                                                   may_publish=True),
                            Feedback(meeting_id=panel.id, quote="Not for print", may_publish=False)])  # fmt: skip
        db.session.commit()
        item_id, closed_id = item.id, closed.id
    on_time = agreed(make, police, "Brief officers on the uplift", panel.id, item_id, due_on=date(2027, 1, 10))
    with make.app.app_context():
        action_services.set_status(db.session.get(Action, on_time.id), ActionStatus.COMPLETED, "Done", None)
        db.session.commit()
    agreed(make, forum, "Secret case follow-up", panel.id, closed_id)
    for n in range(3):
        make.issue(f"Abuse on the way to prayers {n}", groups=("Women",), raised_on=date(2026, 11, 1),
                   categories=("Hate crime",), actions=[on_time] if n == 0 else (),
                   outcome="Patrols added" if n == 0 else "")  # fmt: skip
    make.issue("Sensitive witness threat", groups=("Women",), raised_on=date(2026, 11, 2),
               marking="official_sensitive")  # fmt: skip
    return panel


def test_the_page_shows_the_quarter_as_a_panel_may_read_it(app, client, staff, quarter):
    page = page_text(client.get(f"/reports/panel{QUARTER}"))
    assert "Scrutiny panel in November" in page and "Closed case review" not in page
    assert "fewer than 5 people" in page  # a headcount of 3
    assert "Really useful" in page and "Not for print" not in page
    assert "Sensitive witness threat" not in page and "Secret case follow-up" not in page
    assert "Not reached in the period:</strong> Carers/Dependants" in page
    assert "You said: Abuse on the way to prayers 0" in page and "Patrols added" in page
    assert "Brief officers on the uplift (Thames Police): completed" in page


def test_the_pdf_reads_back_with_the_same_figures(app, client, staff, quarter):
    response = client.get(f"/reports/panel.pdf{QUARTER}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert reader.metadata.title == "Panel report: Quarter 3 2026/27: October to December 2026"
    assert "OFFICIAL" in text and "OFFICIAL-SENSITIVE" not in text
    assert "Scrutiny panel in November" in text and "Closed case review" not in text
    assert "Sensitive witness threat" not in text and "Secret case follow-up" not in text
    assert "Women fewer than 5" in text and "Carers/Dependants — not reached 0 0" in text
    assert "Issues raised fewer than 5" in text  # the total of 3, suppressed
    assert "You said: Abuse on the way to prayers 0" in text


def test_each_table_as_csv(app, client, staff, quarter):
    def table(name):
        response = client.get(f"/reports/panel/{name}.csv{QUARTER}")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))

    assert table("groups")[1:] == [
        ["Women", "fewer than 5"],
        ["Carers/Dependants", "0"],
        ["Issues raised", "fewer than 5"],
    ]
    assert ["Completed on time", "1"] in table("actions") and ["Agreed", "1"] in table("actions")
    assert [row[0] for row in table("engagements")[1:]] == ["Scrutiny panel in November"]
    assert table("reach")[1:] == [
        ["Women", "fewer than 5", "fewer than 5", "yes"],
        ["Carers/Dependants", "0", "0", "no"],
    ]
    police_row = next(row for row in table("partner-types") if row[0] == "Police")
    assert police_row == ["Police", "1"]  # the sensitive review is not counted
    assert len(table("you-said-we-did")) == 4
    assert client.get(f"/reports/panel/nothing.csv{QUARTER}").status_code == 404


def test_only_staff_produce_it(app, client, auth, make):
    partner = make.user("partner", organisation=make.organisation("Thames Police"), email="p@police.example")
    auth.login(partner.email)
    for url in ("/reports/panel", "/reports/panel.pdf", "/reports/panel/groups.csv"):
        assert client.get(url).status_code == 403
