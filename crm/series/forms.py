from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from crm.forms import RecordForm, max_length, squash_spaces, strip
from crm.records import Duplicate
from crm.series import models as m
from crm.series import services

FREQUENCY_CHOICES = m.Frequency.choices()


class SeriesForm(RecordForm):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        description="For example, Local Scrutiny and Involvement Panel",
        filters=[squash_spaces],
        validators=[DataRequired("Enter the name of the series"), max_length(m.NAME_MAX, "Name")],
    )
    purpose = TextAreaField(
        "Purpose or terms of reference (optional)",
        widget=GovTextArea(),
        description="What the series is for and what it looks at. Partner members can read this.",
        filters=[strip],
        validators=[max_length(m.PURPOSE_MAX, "Purpose")],
    )
    member_ids = SelectMultipleField(
        "Member organisations (optional)",
        widget=GovCheckboxesInput(),
        description="Partner users at member organisations can see this series and its meetings.",
        coerce=str,
        validate_choice=False,
    )
    chair_id = SelectField("Chair (optional)", widget=GovSelect(), coerce=str, validate_choice=False)
    venue = StringField(
        "Usual venue (optional)",
        widget=GovTextInput(),
        filters=[strip],
        validators=[max_length(m.VENUE_MAX, "Venue")],
    )
    # Drawn by the template as GOV.UK radios, with "Not recorded" after an "or".
    frequency = RadioField(
        "How often it meets (optional)", choices=FREQUENCY_CHOICES, coerce=str, validate_choice=False
    )
    submit = SubmitField("Save series", widget=GovSubmitInput())

    def __init__(
        self,
        *args,
        member_choices: list[tuple[str, str]],
        chair_choices: list[tuple[str, str]],
        series_id: int | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self._series_id = series_id
        self.member_ids.choices = member_choices
        self.chair_id.choices = [("", "No chair recorded"), *chair_choices]

    def validate_name(self, field):
        # Checked with the other fields so that every problem shows at once;
        # the save path catches a duplicate that races past this check.
        if field.data:
            try:
                services.check_name_free(field.data, exclude_id=self._series_id)
            except Duplicate as duplicate:
                raise ValidationError(duplicate.message) from None

    def validate_member_ids(self, field):
        offered = {value for value, _ in field.choices}
        if any(value not in offered for value in field.data or ()):
            raise ValidationError("Select member organisations from the list")

    def validate_chair_id(self, field):
        if field.data and field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Select the chair from the list")

    def validate_frequency(self, field):
        # "" is "Not recorded".
        if field.data and field.data not in {value for value, _ in FREQUENCY_CHOICES}:
            raise ValidationError("Select how often it meets from the list")
