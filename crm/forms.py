"""Form pieces shared by every area."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError


def strip(value):
    return value.strip() if isinstance(value, str) else value


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
