"""What the dashboard summarises. Every count goes through the visibility helpers.

Counts are capped (`crm.pagination.capped`): past CAP the dashboard says
"more than 1,000", so that it costs the same at any size.
"""

from __future__ import annotations

from sqlalchemy import select

from crm import pagination
from crm.actions import services as actions
from crm.auth.models import User
from crm.contacts.models import Contact
from crm.contacts.services import active_contacts
from crm.extensions import db
from crm.issues.services import open_by_category
from crm.meetings import services as meetings
from crm.organisations.models import Organisation
from crm.organisations.services import counts_by_type
from crm.pagination import capped
from crm.reports.periods import quarter_of
from crm.reports.services import reach
from crm.visibility import visible


def summary(user: User) -> dict:
    organisations = visible(user, Organisation)
    active_organisations = organisations.where(Organisation.archived_at.is_(None))
    contacts = active_contacts(visible(user, Contact))
    # Read backwards through the index on (updated_at, id) of active organisations.
    recent = db.session.scalars(
        active_organisations.order_by(Organisation.updated_at.desc(), Organisation.id.desc()).limit(5)
    ).all()
    organisation_count, contact_count = db.session.execute(select(capped(active_organisations), capped(contacts))).one()
    waiting = meetings.recent_minutes(user) if user.is_partner else meetings.awaiting_staff(user)
    now = actions.utcnow()
    staff = not user.is_partner
    return {
        **actions.dashboard_actions(user, now=now),
        "rag_counts": actions.rag_counts(user, now=now),
        "waiting_requests": actions.waiting_requests(user),
        "answered_requests": actions.answered_requests(user, now=now) if user.is_partner else [],
        "overdue_by_organisation": [] if user.is_partner else actions.overdue_by_organisation(user, now=now),
        "now": now,
        "today": actions.today(now),
        "rag_of": actions.rag_of,
        "next_meetings": meetings.upcoming(user),
        "waiting_meetings": waiting,
        "organisation_count": organisation_count,
        "contact_count": contact_count,
        "cap": pagination.CAP,
        "by_type": counts_by_type(organisations),
        "recent_organisations": recent,
        # Staff's community issues: what is open, and whom this quarter has not reached yet.
        "open_issues": open_by_category(user) if staff else [],
        "quarter_reach": reach(quarter_of(actions.today(now)), sensitive=True) if staff else None,
    }
