"""Forms for community issues: raising and changing one, and linking actions to it."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from crm.actions.models import REFERENCE_MAX
from crm.forms import ChoiceCheck, OfferedChoices, RecordForm, UKDateField, max_length, squash_spaces, strip
from crm.issues import models as m
from crm.issues.models import IssuePriority, IssueStatus
from crm.markings import Marking


class IssueForm(RecordForm):
    title = StringField(
        "What is the issue",
        widget=GovTextInput(),
        description="For example, Hate crime against a faith community after a local incident",
        filters=[squash_spaces],
        validators=[DataRequired("Enter what the issue is"), max_length(m.TITLE_MAX, "What the issue is")],
    )
    description = TextAreaField(
        "Description (optional)",
        widget=GovTextArea(),
        description="What was said, and by whom in general terms: name a concern, never a person",
        filters=[strip],
        validators=[max_length(m.DESCRIPTION_MAX, "Description")],
    )
    category_ids = SelectMultipleField(
        "Categories",
        widget=GovCheckboxesInput(),
        coerce=str,
        description="Select all that apply",
        validate_choice=False,
        validators=[OfferedChoices("Select categories from the list")],
    )
    group_ids = SelectMultipleField(
        "Groups affected (optional)",
        widget=GovCheckboxesInput(),
        coerce=str,
        description="Which of the groups at increased risk of exclusion it affects",
        validate_choice=False,
        validators=[OfferedChoices("Select groups from the list")],
    )
    area = StringField(
        "Area (optional)",
        widget=GovTextInput(),
        description="For example, Luton, or Bedfordshire",
        filters=[squash_spaces],
        validators=[max_length(m.AREA_MAX, "Area")],
    )
    raised_on = UKDateField("Date raised", what="the date it was raised", description="For example, 27 3 2026")
    raised_by_id = SelectField(
        "Raised by (optional)",
        widget=GovSelect(),
        description="The partner organisation that raised it, if one did",
        validate_choice=False,
        validators=[ChoiceCheck("Select the organisation from the list")],
    )
    event = StringField(
        "Event (optional)",
        widget=GovTextInput(),
        description="If it was raised at an event, not a meeting: for example, Luton community fair",
        filters=[squash_spaces],
        validators=[max_length(m.EVENT_MAX, "Event")],
    )
    priority = RadioField(
        "Priority",
        widget=GovRadioInput(),
        choices=IssuePriority.choices(),
        default=IssuePriority.MEDIUM.value,
        validate_choice=False,
        validators=[DataRequired("Select a priority")],
    )
    status = RadioField(
        "Status",
        widget=GovRadioInput(),
        choices=IssueStatus.choices(),
        default=IssueStatus.RAISED.value,
        validate_choice=False,
        validators=[DataRequired("Select a status")],
    )
    marking = RadioField(
        "Protective marking",
        widget=GovRadioInput(),
        choices=Marking.choices(),
        default=Marking.OFFICIAL.value,
        description="An OFFICIAL-SENSITIVE issue is never shown to partners, in a panel report or in their search.",
        validate_choice=False,
        validators=[DataRequired("Select a protective marking")],
    )
    outcome = TextAreaField(
        "Outcome (optional)",
        widget=GovTextArea(),
        description="What changed because of it: the panel report’s “we did”",
        filters=[strip],
        validators=[max_length(m.OUTCOME_MAX, "Outcome")],
    )
    submit = SubmitField("Save issue", widget=GovSubmitInput())

    def __init__(self, *args, category_choices=(), group_choices=(), organisation_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.category_ids.choices = list(category_choices)
        self.group_ids.choices = list(group_choices)
        self.raised_by_id.choices = [("", "No organisation"), *organisation_choices]

    def validate_category_ids(self, field):
        if not field.data:
            raise ValidationError("Select at least one category")

    def validate_priority(self, field):
        if IssuePriority.parse(field.data) is None:
            raise ValidationError("Select a priority")

    def validate_status(self, field):
        if IssueStatus.parse(field.data) is None:
            raise ValidationError("Select a status")

    def validate_marking(self, field):
        if Marking.parse(field.data) is None:
            raise ValidationError("Select a protective marking")


class LinkActionForm(RecordForm):
    reference = StringField(
        "Action reference",
        widget=GovTextInput(),
        description="For example, A-2026-014",
        filters=[strip],
        validators=[DataRequired("Enter the action’s reference"), max_length(REFERENCE_MAX, "Action reference")],
    )
    submit = SubmitField("Link the action", widget=GovSubmitInput())


class UnlinkForm(RecordForm):
    submit = SubmitField("Remove the link", widget=GovSubmitInput())


class LinkMeetingForm(RecordForm):
    meeting_id = SelectField(
        "Meeting",
        widget=GovSelect(),
        description="Meetings from a year ago to a year ahead, the latest first",
        validate_choice=False,
        validators=[DataRequired("Select the meeting"), ChoiceCheck("Select the meeting from the list")],
    )
    submit = SubmitField("Link the meeting", widget=GovSubmitInput())

    def __init__(self, *args, meeting_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting_id.choices = [("", "Select a meeting"), *meeting_choices]
