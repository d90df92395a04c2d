from __future__ import annotations

from urllib.parse import urlsplit

from govuk_frontend_wtf.wtforms_widgets import (
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from crm.forms import RecordForm, max_length, notes_field, phone_field, squash_spaces, strip
from crm.organisations import models as m
from crm.organisations import services
from crm.records import Duplicate

TYPE_CHOICES = m.OrganisationType.choices()


def with_scheme(value):
    """People type www.example.org; links need https://. Added before the length check."""
    value = strip(value)
    # Only what looks like an address gets a scheme; anything else stays as
    # typed, so the error message shows the person their own words.
    if value and "://" not in value and "." in value and not any(ch.isspace() for ch in value):
        return f"https://{value}"
    return value


def website_address(form, field):
    if not field.data:
        return
    try:
        parts = urlsplit(field.data)
        hostname = parts.hostname or ""
    except ValueError:
        hostname, parts = "", None
    if parts is None or parts.scheme not in {"http", "https"} or "." not in hostname or " " in field.data:
        raise ValidationError("Enter a website address, like www.example.org.uk")


class OrganisationForm(RecordForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        filters=[squash_spaces],
        validators=[DataRequired("Enter the organisation's name"), max_length(m.NAME_MAX, "Name")],
    )
    type = SelectField(
        "Type",
        widget=GovSelect(),
        choices=[("", "Select a type"), *TYPE_CHOICES],
        validators=[DataRequired("Select the type of organisation")],
        validate_choice=False,
    )
    area = StringField(
        "Area (optional)",
        widget=GovTextInput(),
        description="The county, district or force area it covers, like Bedfordshire",
        filters=[strip],
        validators=[max_length(m.AREA_MAX, "Area")],
    )
    address = TextAreaField(
        "Address (optional)",
        widget=GovTextArea(),
        filters=[strip],
        validators=[max_length(m.ADDRESS_MAX, "Address")],
    )
    website = StringField(
        "Website (optional)",
        widget=GovTextInput(),
        filters=[with_scheme],
        validators=[max_length(m.WEBSITE_MAX, "Website"), website_address],
    )
    phone = phone_field(m.PHONE_MAX)
    notes = notes_field(m.NOTES_MAX, "Only area staff see these notes. Do not record anything OFFICIAL-SENSITIVE here.")
    submit = SubmitField("Save organisation", widget=GovSubmitInput())

    def __init__(self, *args, organisation_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._organisation_id = organisation_id

    def validate_name(self, field):
        # Checked with the other fields so that every problem shows at once;
        # the save path catches a duplicate that races past this check.
        if field.data:
            try:
                services.check_name_free(field.data, exclude_id=self._organisation_id)
            except Duplicate as duplicate:
                raise ValidationError(duplicate.message) from None

    def validate_type(self, field):
        if field.data and field.data not in {value for value, _ in TYPE_CHOICES}:
            raise ValidationError("Select the type of organisation from the list")
