"""The RAG rating at its boundaries, with a fixed clock: the Python rule and the SQL
that filters the register give the same answer, on both databases."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from crm.actions.models import Action
from crm.actions.services import Rag, rag_condition, rag_of, today
from crm.extensions import db

# Midday in June (BST): "today" in the UK is 10 June 2026.
NOW = datetime(2026, 6, 10, 11, 0, tzinfo=UTC)
TODAY = date(2026, 6, 10)
RECENT = NOW - timedelta(days=1)

CASES = [
    # (name, due date, status, last update, expected rating)
    ("due yesterday", TODAY - timedelta(days=1), "open", RECENT, Rag.RED),
    ("in progress and a month late", TODAY - timedelta(days=30), "in_progress", RECENT, Rag.RED),
    ("due today", TODAY, "open", RECENT, Rag.AMBER),
    ("due in 14 days", TODAY + timedelta(days=14), "open", RECENT, Rag.AMBER),
    ("due in 15 days", TODAY + timedelta(days=15), "open", RECENT, Rag.GREEN),
    ("due in 15 days, no update for 31 days", TODAY + timedelta(days=15), "open", NOW - timedelta(days=31), Rag.AMBER),
    (
        "due in 15 days, last update exactly 30 days ago",
        TODAY + timedelta(days=15),
        "open",
        NOW - timedelta(days=30),
        Rag.GREEN,
    ),
    ("no due date, recent", None, "open", RECENT, Rag.GREEN),
    ("no due date, no update for 40 days", None, "in_progress", NOW - timedelta(days=40), Rag.AMBER),
    ("completed, late", TODAY - timedelta(days=5), "completed", NOW - timedelta(days=90), None),
    ("cancelled", TODAY + timedelta(days=3), "cancelled", RECENT, None),
]


@pytest.fixture
def rated(app, make):
    owner = make.organisation("Rated Org")
    return {
        name: make.action(owner, name, due_on=due, status=status, last_update_at=updated).id
        for name, due, status, updated, _ in CASES
    }


def test_today_is_the_uk_date():
    # 23:30 UTC on 10 June is 00:30 on 11 June in London (BST).
    assert today(datetime(2026, 6, 10, 23, 30, tzinfo=UTC)) == date(2026, 6, 11)
    # In winter London is on GMT: 23:30 UTC is still the same day.
    assert today(datetime(2026, 12, 10, 23, 30, tzinfo=UTC)) == date(2026, 12, 10)


@pytest.mark.parametrize("name, due, status, updated, expected", CASES, ids=[case[0] for case in CASES])
def test_rating_in_python_and_in_sql_agree(app, rated, name, due, status, updated, expected):
    with app.app_context():
        action = db.session.get(Action, rated[name])
        assert rag_of(action, NOW) is expected
        found = {
            rag
            for rag in Rag
            if db.session.scalar(select(Action.id).where(Action.id == action.id, rag_condition(rag, NOW)))
        }
        assert found == ({expected} if expected else set()), f"{name}: SQL rates it {found}"


def test_an_action_due_yesterday_in_london_is_red_just_after_midnight_bst(app, make):
    owner = make.organisation("Night Org")
    action = make.action(owner, "Due on the 10th", due_on=date(2026, 6, 10), last_update_at=RECENT)
    just_after_midnight = datetime(2026, 6, 10, 23, 30, tzinfo=UTC)
    with app.app_context():
        assert rag_of(db.session.get(Action, action.id), just_after_midnight) is Rag.RED
        assert db.session.scalar(select(Action.id).where(rag_condition(Rag.RED, just_after_midnight))) == action.id
