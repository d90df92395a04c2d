"""The access matrix rows for the action register: a partner sees and progresses
its own organisation's actions only, asks staff about them, and changes nothing else."""

from datetime import date

from sqlalchemy import select

from crm.actions import services
from crm.actions.models import Action as RegisterAction
from crm.actions.models import ActionRequest, ActionStatus, ActionUpdate, RequestStatus
from crm.auth.models import User
from crm.extensions import db
from tests.access import LOGIN, STAFF_ONLY_NOTE, Action, AreaAccess, To, count, get, register

OWN_ACTION, OTHER_ACTION = "Own Org register action", "Other Org register action"
ACTION = To("/actions/{action}")
NEW_ACTION = To(r"/actions/\d+")


def build(make, base):
    targets = {}
    with make.app.app_context():
        staff = db.session.scalar(select(User).where(User.email == "staff@example.org"))
        for side, organisation in (("own", base.own_org), ("other", base.other_org)):
            name = OWN_ACTION if side == "own" else OTHER_ACTION
            values = {"title": name, "owner_id": organisation.id, "staff_notes": STAFF_ONLY_NOTE}
            action = services.raise_action(values)
            asked = services.raise_action({**values, "title": f"{name} (asked)"})
            request = services.request_new_date(asked, date(2099, 1, 1), "Short of officers", staff)
            targets[f"{side}:register"] = {"action": action.id, "owner": organisation.id}
            targets[f"{side}:asked"] = {"action": asked.id, "request": request.id}
        db.session.commit()
    return targets


def pair(method, url, own, other, action=None, target="register"):
    """A row for an action of each organisation: `own` answers for the own one, `other` for the other one."""
    return [(method, url, f"own:{target}", own, action), (method, url, f"other:{target}", other, action)]


STAFF_PAGE = ((LOGIN, 403, 404, 200, 200), (LOGIN, 404, 403, 200, 200))
STAFF_POST = ((LOGIN, 403, 404, ACTION, ACTION), (LOGIN, 404, 403, ACTION, ACTION))
OWNER_PAGE = ((LOGIN, 200, 404, 200, 200), (LOGIN, 404, 200, 200, 200))
OWNER_POST = ((LOGIN, ACTION, 404, ACTION, ACTION), (LOGIN, 404, ACTION, ACTION, ACTION))
PARTNER_PAGE = ((LOGIN, 200, 404, 403, 403), (LOGIN, 404, 200, 403, 403))
PARTNER_POST = ((LOGIN, ACTION, 404, 403, 403), (LOGIN, 404, ACTION, 403, 403))


def _moved_to(status):
    return lambda app, ids: get(app, RegisterAction, ids["action"]).status is status


register(
    AreaAccess(
        name="actions",
        build=build,
        secrets={"own": [OWN_ACTION], "other": [OTHER_ACTION]},
        rows=[
            ("GET", "/actions/", None, (LOGIN, 200, 200, 200, 200), None),
            ("GET", "/actions/?show=all&q=register", None, (LOGIN, 200, 200, 200, 200), None),
            ("GET", "/actions/export.csv", None, (LOGIN, 200, 200, 200, 200), None),
            ("GET", "/actions/export.csv?show=all&sort=title", None, (LOGIN, 200, 200, 200, 200), None),
            ("GET", "/actions/new", None, (LOGIN, 403, 403, 200, 200), None),
            ("POST", "/actions/new", "own:register", (LOGIN, 403, 403, NEW_ACTION, NEW_ACTION), "action_raise"),
            ("POST", "/actions/new", "other:register", (LOGIN, 403, 403, NEW_ACTION, NEW_ACTION), "action_raise"),
            *pair("GET", "/actions/{action}", *OWNER_PAGE),
            *pair("GET", "/actions/{action}/edit", *STAFF_PAGE),
            *pair("POST", "/actions/{action}/edit", *STAFF_POST, "action_change"),
            *pair("GET", "/actions/{action}/status", *STAFF_PAGE),
            *pair("POST", "/actions/{action}/status", *STAFF_POST, "action_status"),
            *pair("GET", "/actions/{action}/progress", *OWNER_PAGE),
            *pair("POST", "/actions/{action}/progress", *OWNER_POST, "action_post_progress"),
            *pair("GET", "/actions/{action}/ask-to-complete", *PARTNER_PAGE),
            *pair("POST", "/actions/{action}/ask-to-complete", *PARTNER_POST, "action_ask_complete"),
            *pair("GET", "/actions/{action}/ask-for-time", *PARTNER_PAGE),
            *pair("POST", "/actions/{action}/ask-for-time", *PARTNER_POST, "action_ask_time"),
            *pair("GET", "/actions/{action}/requests/{request}", *STAFF_PAGE, target="asked"),
            *pair("POST", "/actions/{action}/requests/{request}", *STAFF_POST, "action_decide", target="asked"),
        ],
        actions={
            "action_raise": Action(
                {"title": "Brand new register action", "owner_id": "{owner}", "priority": "high"},
                done=lambda app, ids: (
                    count(app, RegisterAction, RegisterAction.title == "Brand new register action") == 1
                ),
            ),
            "action_change": Action(
                {"title": "Renamed register action", "owner_id": "{owner}", "priority": "low"},
                done=lambda app, ids: get(app, RegisterAction, ids["action"]).title == "Renamed register action",
            ),
            "action_status": Action({"status": "in_progress"}, done=_moved_to(ActionStatus.IN_PROGRESS)),
            "action_post_progress": Action(
                {"progress": "Matrix progress"},
                done=lambda app, ids: count(app, ActionUpdate, ActionUpdate.text == "Matrix progress") == 1,
            ),
            "action_ask_complete": Action(
                {"done": "All done, said the matrix"},
                done=lambda app, ids: (
                    count(app, ActionRequest, ActionRequest.reason == "All done, said the matrix") == 1
                ),
            ),
            "action_ask_time": Action(
                {"proposed_due_on": ["1", "4", "2099"], "reason": "Matrix needs more time"},
                done=lambda app, ids: count(app, ActionRequest, ActionRequest.reason == "Matrix needs more time") == 1,
            ),
            "action_decide": Action(
                {"decision": "approve"},
                done=lambda app, ids: get(app, ActionRequest, ids["request"]).status is RequestStatus.APPROVED,
            ),
        },
    )
)
