"""Form pieces shared by every area."""

from __future__ import annotations

import re
from datetime import date, time

from flask import flash
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovTextArea, GovTextInput
from wtforms import Field, HiddenField, StringField, TextAreaField
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


class ChoiceCheck:
    """A select whose value must be one of its choices (or empty, where allowed)."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if field.data and field.data not in {value for value, _ in field.choices if value}:
            raise ValidationError(self.message)


class OfferedChoices:
    """Ticked boxes (ids as text) must all be among those the form offered."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        offered = {value for value, _ in field.choices}
        if any(value not in offered for value in field.data or ()):
            raise ValidationError(self.message)


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


class UKDateField(Field):
    """A date as GOV.UK asks for it: day, month and year in three boxes.

    `what` names the date in messages ("the date of the meeting"). Whatever
    was typed is shown back as typed, right or wrong.
    """

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, *, what: str = "the date", required: bool = True, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.what = what
        self.required = required

    def _value(self):
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist):
        # Always three parts, however many a client sent, so that the widget can show them back.
        self.raw_data = [str(part).strip() for part in [*valuelist, "", "", ""][:3]]
        self.data = None

    def pre_validate(self, form):
        if self.raw_data is None:
            return
        day, month, year = self.raw_data
        what = self.what
        if not (day or month or year):
            if self.required:
                raise ValidationError(f"Enter {what}")
            return
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise ValidationError(f"{what[0].upper()}{what[1:]} must include a {' and a '.join(missing)}")
        if not all(part.isascii() and part.isdigit() for part in (day, month, year)) or len(year) != 4:
            raise ValidationError(f"{what[0].upper()}{what[1:]} must be a real date, like 27 3 2026")
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{what[0].upper()}{what[1:]} must be a real date, like 27 3 2026") from None


_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


def parse_time(text: str | None) -> time | None:
    """A time as people type it: 14:30, 2:30pm, 2.30 pm, 9am, noon. None if it is not one."""
    text = (text or "").strip().lower().replace(" ", "")
    if text in ("noon", "midday", "12noon"):
        return time(12, 0)
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match.group(2) is None:
        return None  # "14" alone is not clearly a time
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def time_field(label: str, *, required_message: str | None = None) -> StringField:
    def a_time(form, field):
        if field.data and parse_time(field.data) is None:
            raise ValidationError(f"Enter {label.lower().removesuffix(' (optional)')} as a time, like 14:30 or 2:30pm")

    presence = DataRequired(required_message) if required_message else Optional()
    return StringField(
        label,
        widget=GovTextInput(),
        description="For example, 14:30 or 2:30pm",
        filters=[strip],
        validators=[presence, Length(max=10, message=f"Enter {label.lower()} as a time, like 14:30"), a_time],
    )
