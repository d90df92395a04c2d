"""`flask --app wsgi crm ...`: commands for operators."""

from __future__ import annotations

import os
from datetime import UTC, datetime, time

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from crm import demo
from crm.auth import services as auth_services
from crm.auth.models import Role, User
from crm.extensions import db
from crm.formatting import LONDON, date_short
from crm.meetings import demo as meetings_demo
from crm.organisations.models import Organisation

crm_cli = AppGroup("crm", help="Partnership CRM commands.")


@crm_cli.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--organisation", "organisation_name", help="The partner user's organisation, by name.")
@click.option("--name", help="Full name (defaults to the part of the email before @).")
def create_user(email: str, role: str, organisation_name: str | None, name: str | None):
    """Create a user. The password comes from CRM_PASSWORD or a prompt."""
    role_value = Role(role)
    organisation_id = None
    if role_value == Role.PARTNER:
        if not organisation_name:
            raise click.UsageError("A partner user needs --organisation NAME.")
        organisation = db.session.scalar(
            select(Organisation).where(func.lower(Organisation.name) == organisation_name.strip().lower())
        )
        if organisation is None:
            raise click.UsageError(f"No organisation called {organisation_name!r}.")
        organisation_id = organisation.id
    elif organisation_name:
        raise click.UsageError("Only partner users belong to an organisation.")
    if auth_services.find_user_by_email(email):
        raise click.UsageError(f"A user with the email {email} already exists.")

    password = os.environ.get("CRM_PASSWORD") or click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not auth_services.PASSWORD_MIN <= len(password) <= auth_services.PASSWORD_MAX:
        raise click.UsageError(
            f"The password must be {auth_services.PASSWORD_MIN} to {auth_services.PASSWORD_MAX} characters."
        )
    user = auth_services.create_user(
        email=email,
        name=name or email.split("@")[0],
        password=password,
        role=role_value,
        organisation_id=organisation_id,
    )
    db.session.commit()
    click.echo(f"Created {user.role.value} user {user.email}.")


@crm_cli.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def seed_demo(if_empty: bool):
    """Load demo organisations, contacts, meetings and logins (fictional people only)."""
    if db.session.scalar(select(func.count()).select_from(User)):
        if if_empty:
            click.echo("The database already has data; demo data not loaded.")
            return
        raise click.UsageError("The database already has users; demo data is for an empty database.")
    demo.load()
    db.session.commit()
    click.echo(
        f"Demo data loaded: {len(demo.ORGANISATIONS)} organisations, "
        f"{len(meetings_demo.MEETINGS)} meetings in {len(meetings_demo.SERIES)} series and "
        f"{len(demo.DEMO_LOGINS)} logins (see `flask --app wsgi crm demo-logins`)."
    )


@crm_cli.command("demo-logins")
def demo_logins():
    """Print the demo logins."""
    _print_demo_logins()


def _print_demo_logins():
    click.echo(f"\nDemo logins (password for each: {demo.DEMO_PASSWORD})")
    for login in demo.DEMO_LOGINS:
        organisation = f" - {login['organisation']}" if login.get("organisation") else ""
        click.echo(f"  {login['role']:<8} {login['email']}{organisation}")


@crm_cli.command("send-reminders")
@click.option(
    "--dry-run", is_flag=True, help="Print what would be sent (recipient, subject, actions); write and send nothing."
)
# For tests and for catching up: run as if it were this day (YYYY-MM-DD) in the UK.
@click.option("--today", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), hidden=True)
def send_reminders(dry_run: bool, as_of: datetime | None):
    """Email today's digests of actions overdue or due soon, once a day per recipient.

    Safe to run again, or on two servers at once: a digest already written
    today is not written again, and only what is still unsent is sent."""
    from crm.reminders import services as reminders

    now = datetime.combine(as_of.date(), time(12), tzinfo=LONDON).astimezone(UTC) if as_of else None

    def report(digest, new: bool) -> None:
        marker = "" if new else " (already written today)"
        click.echo(f"  {digest.user.email}: {digest.subject!r}, {len(digest.actions)} actions{marker}")

    if dry_run:
        click.echo("Dry run: nothing is written or sent.")
    run = reminders.send_reminders(now=now, dry_run=dry_run, on_digest=report if dry_run else None)
    day = date_short(run.day)
    if dry_run:
        click.echo(f"Reminders for {day}: {run.written} to send, {run.existing} already written today.")
        return
    click.echo(f"Reminders for {day}: {run.written} digests written, {run.existing} already written today.")
    _report_sent(run.sent)


@crm_cli.command("send-outbox")
def send_outbox():
    """Send the messages still unsent in the outbox (a failed send is retried)."""
    from crm.outbox import services as outbox

    _report_sent(outbox.send_pending())


def _report_sent(result) -> None:
    from flask import current_app

    where = "" if current_app.config["CRM_SMTP_HOST"] else f" (as files in {current_app.config['CRM_OUTBOX_DIR']})"
    click.echo(f"Outbox: {result}{where}.")
    if result.failed:
        # Non-zero, so that cron mails it and systemd marks the unit failed;
        # the messages stay in the outbox and the next run retries them.
        raise click.ClickException(
            f"{result.failed} message(s) could not be sent; they stay in the outbox for the next run."
        )


def init_app(app: Flask) -> None:
    app.cli.add_command(crm_cli)
