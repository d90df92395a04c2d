"""Form pieces shared by every area."""

from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError


def strip(value):
    return value.strip() if isinstance(value, str) else value


def squash_spaces(value):
    """One line, single spaces: what a name that must be unique is compared as."""
    return " ".join(value.split()) if isinstance(value, str) else value


def whole_number(value):
    """A hidden number field's value, or None if it is missing or not a number."""
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class RecordForm(FlaskForm):
    """A form that edits one record. It carries the version it was opened at,
    so that the save path can tell when someone else saved in between."""

    version = HiddenField(filters=[whole_number])


def show_error(form: FlaskForm, error, record=None) -> None:
    """Show a service's DomainError on the field it names, or on the whole form.

    After an edit conflict the form takes the record's new version, so that
    saving again (having looked) goes through.
    """
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
    if record is not None and hasattr(form, "version"):
        form.version.data = record.version


def flash_saved(changed: bool, subject: str | None = None) -> None:
    """Say what an edit did: saved, or nothing to save (then no history was written either)."""
    if changed:
        flash(f"Changes to {subject} saved." if subject else "Changes saved.", "success")
    else:
        about = f" for {subject}" if subject else ""
        flash(f"You did not change anything{about}, so nothing was saved.", "info")


def max_length(limit: int, what: str) -> Length:
    return Length(max=limit, message=f"{what} must be {limit:,} characters or fewer")


class PhoneNumber:
    """Digits, spaces, brackets, a leading + and an extension: what people type."""

    allowed = frozenset("0123456789 +()-.ext")

    def __init__(self, what: str = "Phone number"):
        self.what = what

    def __call__(self, form, field):
        value = (field.data or "").strip()
        if not value:
            return
        digits = sum(ch.isdigit() for ch in value)
        if any(ch not in self.allowed for ch in value.lower()) or digits < 6:
            raise ValidationError(f"Enter a {self.what.lower()}, like 01632 960 001 or +44 808 157 0192")


def phone_field(limit: int) -> StringField:
    return StringField(
        "Phone (optional)",
        widget=GovTextInput(),
        filters=[strip],
        validators=[max_length(limit, "Phone"), PhoneNumber("Phone number")],
    )


def email_field(label: str, limit: int, *, required_message: str | None = None) -> StringField:
    presence = DataRequired(required_message) if required_message else Optional()
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            presence,
            max_length(limit, "Email address"),
            Email(
                "Enter an email address in the correct format, like name@example.org",
                check_deliverability=False,
            ),
        ],
    )


def notes_field(limit: int, description: str) -> TextAreaField:
    return TextAreaField(
        "Notes (optional)",
        widget=GovTextArea(),
        description=description,
        filters=[strip],
        validators=[max_length(limit, "Notes")],
    )
