"""The access matrix rows for community issues: a partner sees the issues its
organisation raised (or owns actions on), never a sensitive one, and changes none."""

from crm import records
from crm.actions import services as action_services
from crm.database import utcnow
from crm.extensions import db
from crm.issues import services
from crm.issues.models import CommunityIssue, issue_actions, issue_meetings
from crm.meetings import services as meeting_services
from crm.reference.models import IssueCategory
from tests.access import LOGIN, Action, AreaAccess, To, count, get, register

OWN_ISSUE, OTHER_ISSUE = "Own Org community issue", "Other Org community issue"
OWN_SENSITIVE, OTHER_SENSITIVE = "Own Org sensitive concern", "Other Org sensitive concern"
ISSUE = To("/issues/{issue}")
NEW_ISSUE = To(r"/issues/\d+")


def build(make, base):
    targets = {}
    with make.app.app_context():
        category = records.create(IssueCategory(), {"name": "Matrix category", "position": 1})
        for side, organisation in (("own", base.own_org), ("other", base.other_org)):
            name = OWN_ISSUE if side == "own" else OTHER_ISSUE
            action = action_services.raise_action({"title": f"{name} action", "owner_id": organisation.id})
            issue = services.raise_issue(
                {"title": name, "raised_by_id": organisation.id, "category_ids": [category.id]}
            )
            meeting = meeting_services.create_meeting(
                {"title": f"{name} meeting", "kind": "partnership_meeting", "starts_at": utcnow()},
                organisation_ids=[organisation.id],
            )
            records.update(issue, {"actions": [action], "meetings": [meeting]})
            spare = action_services.raise_action({"title": f"{name} spare action", "owner_id": organisation.id})
            sensitive = services.raise_issue(
                {
                    "title": OWN_SENSITIVE if side == "own" else OTHER_SENSITIVE,
                    "raised_by_id": organisation.id,
                    "category_ids": [category.id],
                    "marking": "official_sensitive",
                }
            )
            targets[f"{side}:issue"] = {
                "issue": issue.id,
                "linked_action": action.id,
                "linked_meeting": meeting.id,
                "spare_reference": spare.reference,
                "category": category.id,
                "org": organisation.id,
            }
            targets[f"{side}:sensitive"] = {"issue": sensitive.id}
        db.session.commit()
    return targets


def _linked_actions(app, ids) -> int:
    return count(app, issue_actions, issue_actions.c.issue_id == ids["issue"])


def pair(method, url, own, other, action=None, target="issue"):
    return [(method, url, f"own:{target}", own, action), (method, url, f"other:{target}", other, action)]


SEEN_PAGE = ((LOGIN, 200, 404, 200, 200), (LOGIN, 404, 200, 200, 200))
STAFF_PAGE = ((LOGIN, 403, 404, 200, 200), (LOGIN, 404, 403, 200, 200))
STAFF_POST = ((LOGIN, 403, 404, ISSUE, ISSUE), (LOGIN, 404, 403, ISSUE, ISSUE))
# A sensitive issue does not exist for any partner, its own organisation's included.
SENSITIVE_PAGE = ((LOGIN, 404, 404, 200, 200), (LOGIN, 404, 404, 200, 200))
SENSITIVE_CHANGE = ((LOGIN, 404, 404, 200, 200), (LOGIN, 404, 404, 200, 200))

ISSUE_FORM = {
    "category_ids": "{category}",
    "raised_on": ["1", "4", "2026"],
    "priority": "high",
    "status": "under_review",
    "marking": "official",
}

register(
    AreaAccess(
        name="issues",
        build=build,
        secrets={"own": [OWN_ISSUE, OWN_SENSITIVE], "other": [OTHER_ISSUE, OTHER_SENSITIVE]},
        rows=[
            ("GET", "/issues/", None, (LOGIN, 200, 200, 200, 200), None),
            ("GET", "/issues/?show=all&q=community&sort=title", None, (LOGIN, 200, 200, 200, 200), None),
            ("GET", "/issues/new", None, (LOGIN, 403, 403, 200, 200), None),
            ("POST", "/issues/new", "own:issue", (LOGIN, 403, 403, NEW_ISSUE, NEW_ISSUE), "issue_raise"),
            *pair("GET", "/issues/{issue}", *SEEN_PAGE),
            *pair("GET", "/issues/{issue}", *SENSITIVE_PAGE, target="sensitive"),
            *pair("GET", "/issues/{issue}/edit", *STAFF_PAGE),
            *pair("GET", "/issues/{issue}/edit", *SENSITIVE_CHANGE, target="sensitive"),
            *pair("POST", "/issues/{issue}/edit", *STAFF_POST, "issue_change"),
            *pair("GET", "/issues/{issue}/link", *STAFF_PAGE),
            *pair("POST", "/issues/{issue}/link", *STAFF_POST, "issue_link_action"),
            *pair("POST", "/issues/{issue}/actions/{linked_action}/unlink", *STAFF_POST, "issue_unlink_action"),
            *pair("POST", "/issues/{issue}/meetings/{linked_meeting}/unlink", *STAFF_POST, "issue_unlink_meeting"),
        ],
        actions={
            "issue_raise": Action(
                {"title": "Brand new community issue", **ISSUE_FORM},
                done=lambda app, ids: (
                    count(app, CommunityIssue, CommunityIssue.title == "Brand new community issue") == 1
                ),
            ),
            "issue_change": Action(
                {"title": "Renamed community issue", **ISSUE_FORM},
                done=lambda app, ids: get(app, CommunityIssue, ids["issue"]).title == "Renamed community issue",
            ),
            "issue_link_action": Action(
                {"action-reference": "{spare_reference}", "action-submit": "Link the action"},
                done=lambda app, ids: _linked_actions(app, ids) == 2,
            ),
            "issue_unlink_action": Action({}, done=lambda app, ids: _linked_actions(app, ids) == 0),
            "issue_unlink_meeting": Action(
                {}, done=lambda app, ids: count(app, issue_meetings, issue_meetings.c.issue_id == ids["issue"]) == 0
            ),
        },
    )
)
