from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, ValidationError

from crm.contacts import models as m
from crm.forms import RecordForm, email_field, max_length, notes_field, phone_field, strip


class ContactForm(RecordForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        filters=[strip],
        validators=[DataRequired("Enter the contact's full name"), max_length(m.NAME_MAX, "Full name")],
    )
    organisation_id = SelectField(
        "Organisation",
        widget=GovSelect(),
        coerce=str,
        validate_choice=False,
        validators=[DataRequired("Select the contact's organisation")],
    )
    job_title = StringField(
        "Job title (optional)",
        widget=GovTextInput(),
        filters=[strip],
        validators=[max_length(m.JOB_TITLE_MAX, "Job title")],
    )
    email = email_field("Email address (optional)", m.EMAIL_MAX)
    phone = phone_field(m.PHONE_MAX)
    notes = notes_field(m.NOTES_MAX, "Keep personal data to what the work needs.")
    submit = SubmitField("Save contact", widget=GovSubmitInput())

    def __init__(self, *args, organisation_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [("", "Select an organisation"), *organisation_choices]
        self._organisation_ids = {value for value, _ in organisation_choices}

    def validate_organisation_id(self, field):
        if field.data and field.data not in self._organisation_ids:
            raise ValidationError("Select an organisation from the list")
