"""The demo community issues: the seeds' world, linked to meetings and actions,
something for each demo partner, and reach with some groups left unreached."""

import re

from sqlalchemy import func, select

from crm import demo
from crm.extensions import db
from crm.issues.models import CommunityIssue, IssueStatus
from crm.markings import Marking
from crm.meetings.models import meeting_groups
from crm.reference.models import ExclusionGroup
from tests.conftest import AuthActions, page_text


def test_demo_issues_are_linked_and_some_groups_were_never_reached(app):
    with app.app_context():
        demo.load()
        db.session.commit()
        issues = db.session.scalars(select(CommunityIssue)).all()
        titles = {issue.title for issue in issues}
        assert "Hate crime against a faith community after the mosque fire" in titles
        assert "Coercive control cases not recognised at charge" in titles
        assert "Access to court for disabled victims" in titles
        assert all(issue.actions for issue in issues if issue.status is IssueStatus.ACTION_AGREED)
        assert any(issue.meeting_id for issue in issues) and any(issue.marking.is_sensitive for issue in issues)
        reached = set(db.session.scalars(select(meeting_groups.c.group_id).distinct()))
        groups = {group.id: group.name for group in db.session.scalars(select(ExclusionGroup))}
        unreached = {name for group_id, name in groups.items() if group_id not in reached}
        assert len(groups) == 11 and unreached == {"Carers/Dependants", "People on low income"}
        sensitive = db.session.scalar(select(func.count()).where(CommunityIssue.marking == Marking.OFFICIAL_SENSITIVE))

    for login in demo.DEMO_LOGINS:
        if login["role"] != "partner":
            continue
        client = app.test_client()
        AuthActions(client).login(login["email"], demo.DEMO_PASSWORD)
        page = page_text(client.get("/issues/?show=all"))
        found = int(re.search(r"(\d+) issues? found", page).group(1))
        assert found >= 1, login["email"]
        assert sensitive and "Threats to a witness" not in page
