"""The demo actions: every status and RAG rating, and a portal with something
to do for each demo partner."""

from sqlalchemy import select

from crm import demo
from crm.actions import services
from crm.actions.models import Action, ActionRequest, ActionStatus, RequestKind, RequestStatus
from crm.auth.models import User
from crm.extensions import db
from tests.conftest import AuthActions, page_text


def test_demo_actions_cover_every_status_and_rating_and_give_each_partner_work(app):
    with app.app_context():
        demo.load()
        db.session.commit()
        actions = db.session.scalars(select(Action)).all()
        assert {action.status for action in actions} == set(ActionStatus)
        assert {services.rag_of(action) for action in actions} == {*services.Rag, None}
        assert len({action.owner_id for action in actions}) >= 10
        pending = db.session.scalars(select(ActionRequest).where(ActionRequest.status == RequestStatus.PENDING)).all()
        assert {request.kind for request in pending} == set(RequestKind)
        partners = db.session.scalars(select(User).where(User.organisation_id.is_not(None))).all()
        assert all(partner.contact_id for partner in partners), "each demo partner is its own contact record"

    for login in demo.DEMO_LOGINS:
        if login["role"] != "partner":
            continue
        client = app.test_client()
        AuthActions(client).login(login["email"], demo.DEMO_PASSWORD)
        portal = page_text(client.get("/dashboard"))
        assert "Your organisation’s actions" in portal
        # Something overdue or due soon, and something asked of staff.
        assert "Nothing overdue." not in portal or "Nothing due in the next 14 days." not in portal, login["email"]
        assert "You have not asked staff about anything that is still waiting." not in portal, login["email"]
