from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, InputRequired, Optional, ValidationError

from crm.contacts import models as m
from crm.forms import PhoneNumber, max_length, strip


class ContactForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        filters=[strip],
        validators=[InputRequired("Enter the contact's full name"), max_length(m.NAME_MAX, "Full name")],
    )
    organisation_id = SelectField(
        "Organisation",
        widget=GovSelect(),
        coerce=str,
        validate_choice=False,
        validators=[InputRequired("Select the contact's organisation")],
    )
    job_title = StringField(
        "Job title (optional)",
        widget=GovTextInput(),
        filters=[strip],
        validators=[max_length(m.JOB_TITLE_MAX, "Job title")],
    )
    email = StringField(
        "Email address (optional)",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            Optional(),
            max_length(m.EMAIL_MAX, "Email address"),
            Email(
                "Enter an email address in the correct format, like name@example.org",
                check_deliverability=False,
            ),
        ],
    )
    phone = StringField(
        "Phone (optional)",
        widget=GovTextInput(),
        filters=[strip],
        validators=[max_length(m.PHONE_MAX, "Phone"), PhoneNumber("Phone number")],
    )
    notes = TextAreaField(
        "Notes (optional)",
        widget=GovTextArea(),
        description="Keep personal data to what the work needs.",
        filters=[strip],
        validators=[max_length(m.NOTES_MAX, "Notes")],
    )
    submit = SubmitField("Save contact", widget=GovSubmitInput())

    def __init__(self, *args, organisation_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [("", "Select an organisation")] + organisation_choices
        self._organisation_ids = {value for value, _ in organisation_choices}

    def validate_organisation_id(self, field):
        if field.data and field.data not in self._organisation_ids:
            raise ValidationError("Select an organisation from the list")
