"""Forms for actions: agreeing one at a meeting, raising one on its own, moving it
on, progress, partners' requests and staff's answers."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from crm.actions import models as a
from crm.actions.models import ActionPriority, ActionStatus
from crm.forms import ChoiceCheck, RecordForm, UKDateField, max_length, squash_spaces, strip


class ActionForm(RecordForm):
    title = StringField(
        "What is to be done",
        widget=GovTextInput(),
        description="For example, Share the quarterly hate crime outcomes with the panel",
        filters=[squash_spaces],
        validators=[DataRequired("Enter what is to be done"), max_length(a.TITLE_MAX, "What is to be done")],
    )
    owner_id = SelectField(
        "Owner organisation",
        widget=GovSelect(),
        validate_choice=False,
        validators=[
            DataRequired("Select the organisation that owns the action"),
            ChoiceCheck("Select the organisation from the list"),
        ],
    )
    lead_id = SelectField(
        "Lead person (optional)",
        widget=GovSelect(),
        description="Someone at the owner organisation",
        validate_choice=False,
        validators=[ChoiceCheck("Select the lead person from the list")],
    )
    due_on = UKDateField(
        "Due date (optional)", what="the due date", required=False, description="For example, 27 3 2026"
    )
    description = TextAreaField(
        "Description (optional)",
        widget=GovTextArea(),
        filters=[strip],
        validators=[max_length(a.DESCRIPTION_MAX, "Description")],
    )
    submit = SubmitField("Save action", widget=GovSubmitInput())

    def __init__(self, *args, organisation_choices=(), contact_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_id.choices = [("", "Select an organisation"), *organisation_choices]
        self.lead_id.choices = [("", "No lead person"), *contact_choices]


class RegisterActionForm(ActionForm):
    """An action raised or corrected from the register: also its priority, staff lead and staff notes."""

    priority = RadioField(
        "Priority",
        widget=GovRadioInput(),
        choices=ActionPriority.choices(),
        default=ActionPriority.MEDIUM.value,
        validators=[DataRequired("Select a priority")],
    )
    staff_lead_id = SelectField(
        "Staff lead (optional)",
        widget=GovSelect(),
        description="The member of staff who chases it",
        validate_choice=False,
        validators=[ChoiceCheck("Select the staff lead from the list")],
    )
    staff_notes = TextAreaField(
        "Staff notes (optional)",
        widget=GovTextArea(),
        description="For staff only: partners never see these",
        filters=[strip],
        validators=[max_length(a.NOTES_MAX, "Staff notes")],
    )

    def __init__(self, *args, staff_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.staff_lead_id.choices = [("", "No staff lead"), *staff_choices]

    def validate_priority(self, field):
        if field.data and ActionPriority.parse(field.data) is None:
            raise ValidationError("Select a priority from the list")


def _what_was_done(label: str = "What was done") -> TextAreaField:
    return TextAreaField(
        label,
        widget=GovTextArea(),
        filters=[strip],
        validators=[max_length(a.UPDATE_MAX, label)],
    )


class StatusForm(RecordForm):
    """Staff move an action on; completing it asks what was done."""

    status = RadioField(
        "Status",
        widget=GovRadioInput(),
        choices=ActionStatus.choices(),
        validators=[DataRequired("Select a status")],
    )
    done = _what_was_done("What was done, or why (needed to complete it)")
    submit = SubmitField("Save status", widget=GovSubmitInput())

    def validate_status(self, field):
        if field.data and ActionStatus.parse(field.data) is None:
            raise ValidationError("Select a status from the list")

    def validate_done(self, field):
        if self.status.data == ActionStatus.COMPLETED.value and not field.data:
            raise ValidationError("Say what was done to complete the action")


class PostProgressForm(RecordForm):
    progress = TextAreaField(
        "Progress",
        widget=GovTextArea(),
        description="What has happened since the last update",
        filters=[strip],
        validators=[DataRequired("Enter the progress made"), max_length(a.UPDATE_MAX, "Progress")],
    )
    submit = SubmitField("Post progress", widget=GovSubmitInput())


class CompletionRequestForm(RecordForm):
    done = TextAreaField(
        "What was done",
        widget=GovTextArea(),
        description="Staff read this when they confirm the action is complete",
        filters=[strip],
        validators=[DataRequired("Say what was done"), max_length(a.UPDATE_MAX, "What was done")],
    )
    submit = SubmitField("Ask staff to confirm it is complete", widget=GovSubmitInput())


class NewDateRequestForm(RecordForm):
    proposed_due_on = UKDateField("New due date", what="the new due date", description="For example, 27 3 2027")
    reason = TextAreaField(
        "Why more time is needed",
        widget=GovTextArea(),
        filters=[strip],
        validators=[DataRequired("Say why more time is needed"), max_length(a.REASON_MAX, "Why more time is needed")],
    )
    submit = SubmitField("Ask for a new due date", widget=GovSubmitInput())


class DecisionForm(RecordForm):
    decision = RadioField(
        "Your decision",
        widget=GovRadioInput(),
        choices=[("approve", "Approve"), ("decline", "Decline and send back")],
        validators=[DataRequired("Select approve or decline")],
    )
    answer = TextAreaField(
        "Your reason (needed to decline)",
        widget=GovTextArea(),
        description="The partner reads this on the action's page",
        filters=[strip],
        validators=[max_length(a.REASON_MAX, "Your reason")],
    )
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    def validate_decision(self, field):
        if field.data not in ("approve", "decline"):
            raise ValidationError("Select approve or decline")

    def validate_answer(self, field):
        if self.decision.data == "decline" and not field.data:
            raise ValidationError("Say why, so that the partner knows what to do next")
