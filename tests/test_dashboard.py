"""The dashboard: counts that stop at the cap, and the organisations updated last."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import insert

from crm import pagination
from crm.database import utcnow
from crm.extensions import db
from crm.organisations.models import Organisation, OrganisationType
from tests.test_pagination import CAP, _load, _page, add_organisations, archive_one


@pytest.fixture
def small(monkeypatch):
    """Counts that stop at 5."""
    monkeypatch.setattr(pagination, "CAP", CAP)


def test_past_1000_the_dashboard_says_more_than_1000(app, client, staff):
    add_organisations(app, 1001)
    dashboard = _page(client, "/dashboard")
    assert '<span class="app-card__figure">More than 1,000</span> active' in dashboard
    assert re.search(r">Police</a></td>\s*<td[^>]*>More than 1,000</td>", dashboard)
    archive_one(app)
    assert '<span class="app-card__figure">1,000</span> active' in _page(client, "/dashboard")


def test_the_dashboard_counts_up_to_the_cap(app, client, staff, small):
    orgs, _ = _load(app)
    body = _page(client, "/dashboard")
    assert '<span class="app-card__figure">More than 5</span> active' in body
    assert '<span class="app-card__figure">More than 5</span> people at partner organisations' in body
    by_type = {t: sum(1 for o in orgs if o["type"] == t and o["archived_at"] is None) for t in OrganisationType}
    for organisation_type, count in by_type.items():
        shown = str(count) if count <= CAP else "More than 5"
        if count:
            assert re.search(rf">{organisation_type.label}</a></td>\s*<td[^>]*>{shown}</td>", body), organisation_type


def test_recently_updated_on_the_dashboard_is_newest_first(app, client, staff):
    now = utcnow()
    with app.app_context():
        for n, name in enumerate(["Oldest", "Newest", "Middle", "Gone"]):
            ago = {"Oldest": 30, "Newest": 1, "Middle": 10, "Gone": 0}[name]
            db.session.execute(
                insert(Organisation).values(
                    name=name,
                    type=OrganisationType.POLICE,
                    area="",
                    created_at=now - timedelta(days=60 + n),
                    updated_at=now - timedelta(days=ago),
                    archived_at=now if name == "Gone" else None,
                )
            )
        db.session.commit()
    body = _page(client, "/dashboard")
    recent = body.split("Organisations recently updated")[1]
    assert [name for name in ("Newest", "Middle", "Oldest") if name in recent] == ["Newest", "Middle", "Oldest"]
    assert recent.index("Newest") < recent.index("Middle") < recent.index("Oldest")
    assert "Gone" not in recent
