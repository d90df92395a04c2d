from __future__ import annotations

from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, ValidationError

from crm.forms import max_length, notes_field, phone_field, strip
from crm.organisations import models as m

TYPE_CHOICES = [(t.value, t.label) for t in m.OrganisationType]


def website_address(form, field):
    value = (field.data or "").strip()
    if not value:
        return
    candidate = value if "://" in value else f"https://{value}"
    parts = urlsplit(candidate)
    if parts.scheme not in {"http", "https"} or "." not in (parts.hostname or ""):
        raise ValidationError("Enter a website address, like www.example.org.uk")
    field.data = candidate


class OrganisationForm(FlaskForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        filters=[strip],
        validators=[InputRequired("Enter the organisation's name"), max_length(m.NAME_MAX, "Name")],
    )
    type = SelectField(
        "Type",
        widget=GovSelect(),
        choices=[("", "Select a type")] + TYPE_CHOICES,
        validators=[InputRequired("Select the type of organisation")],
        validate_choice=False,
    )
    area = StringField(
        "Area",
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
        filters=[strip],
        validators=[max_length(m.WEBSITE_MAX, "Website"), website_address],
    )
    phone = phone_field(m.PHONE_MAX)
    notes = notes_field(
        m.NOTES_MAX, "Only area staff see these notes. Do not record anything OFFICIAL-SENSITIVE here."
    )
    submit = SubmitField("Save organisation", widget=GovSubmitInput())

    def validate_type(self, field):
        if field.data and field.data not in {value for value, _ in TYPE_CHOICES}:
            raise ValidationError("Select the type of organisation from the list")
