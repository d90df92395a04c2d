"""The operator commands: create-user and seed-demo."""

from __future__ import annotations

from sqlalchemy import func, select

from crm.auth.models import Role, User
from crm.contacts.models import Contact
from crm.demo import DEMO_LOGINS, DEMO_PASSWORD
from crm.extensions import db
from crm.organisations.models import Organisation
from tests.conftest import AuthActions


def test_create_user_takes_the_password_from_the_environment(app, monkeypatch):
    monkeypatch.setenv("CRM_PASSWORD", "a strong enough password")
    result = app.test_cli_runner().invoke(args=["crm", "create-user", "Boss@Example.org", "--role", "admin"])
    assert result.exit_code == 0, result.output
    assert "Created admin user boss@example.org" in result.output
    assert AuthActions(app.test_client()).login("boss@example.org", "a strong enough password").status_code == 302


def test_create_user_prompts_for_the_password(app, monkeypatch):
    monkeypatch.delenv("CRM_PASSWORD", raising=False)
    result = app.test_cli_runner().invoke(
        args=["crm", "create-user", "staff@example.org", "--role", "staff"],
        input="typed at the prompt\ntyped at the prompt\n",
    )
    assert result.exit_code == 0, result.output
    assert AuthActions(app.test_client()).login("staff@example.org", "typed at the prompt").status_code == 302


def test_partner_user_needs_a_known_organisation(app, make, monkeypatch):
    monkeypatch.setenv("CRM_PASSWORD", "a strong enough password")
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["crm", "create-user", "p@example.org", "--role", "partner"])
    assert missing.exit_code != 0 and "needs --organisation" in missing.output
    unknown = runner.invoke(args=["crm", "create-user", "p@example.org", "--role", "partner", "--organisation", "Nope"])
    assert unknown.exit_code != 0 and "No organisation called 'Nope'" in unknown.output
    make.organisation(name="Thames Valley Police")
    ok = runner.invoke(
        args=["crm", "create-user", "p@example.org", "--role", "partner", "--organisation", "thames valley police"]
    )
    assert ok.exit_code == 0, ok.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "p@example.org"))
        assert user.role == Role.PARTNER and user.organisation.name == "Thames Valley Police"


def test_short_passwords_are_refused(app, monkeypatch):
    monkeypatch.setenv("CRM_PASSWORD", "short")
    result = app.test_cli_runner().invoke(args=["crm", "create-user", "x@example.org", "--role", "staff"])
    assert result.exit_code != 0 and "12 to 128 characters" in result.output


def test_seed_demo_loads_partners_and_logins_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["crm", "seed-demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    logins = runner.invoke(args=["crm", "demo-logins"])
    assert f"password for each: {DEMO_PASSWORD}" in logins.output
    for login in DEMO_LOGINS:
        assert login["email"] in logins.output
    with app.app_context():
        organisations = db.session.scalar(select(func.count()).select_from(Organisation))
        contacts = db.session.scalar(select(func.count()).select_from(Contact))
        assert organisations >= 25 and contacts >= 25
        names = set(db.session.scalars(select(Organisation.name)))
        assert {"Bedfordshire Hate Crime Partnership", "Hertfordshire Victim Support Service"} <= names
    again = runner.invoke(args=["crm", "seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "already has data" in again.output
    for login in DEMO_LOGINS:
        assert AuthActions(app.test_client()).login(login["email"], DEMO_PASSWORD).status_code == 302
