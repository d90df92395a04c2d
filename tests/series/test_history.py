"""A series' membership is part of its history, like any other field."""

from crm.extensions import db
from crm.history.services import history_of
from crm.series import services
from crm.series.models import MeetingSeries
from crm.visibility import Permissions, Role


def test_membership_changes_are_kept_with_names(app, make):
    police, council, charity = make.organisation("Police"), make.organisation("Council"), make.organisation("Charity")
    series = make.series("Hate Crime Partnership", members=[police, council])
    with app.app_context():
        record = db.session.get(MeetingSeries, series.id)
        assert services.update_series(record, {"name": record.name, "member_ids": [council.id, charity.id]})
        db.session.commit()
        assert not services.update_series(record, {"name": record.name, "member_ids": [charity.id, council.id]})
        changes = history_of(record, Permissions(role=Role.STAFF))
    changed, created = changes
    assert [(f.label, f.before, f.after) for f in changed.fields] == [
        ("Members", "Council, Police", "Charity, Council")
    ]
    assert ("Members", "Council, Police") in [(f.label, f.after) for f in created.fields]
