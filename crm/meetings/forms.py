from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from crm.formatting import LONDON
from crm.forms import RecordForm, UKDateField, max_length, parse_time, squash_spaces, strip, time_field, whole_number
from crm.markings import Marking
from crm.meetings import models as m
from crm.meetings.models import AttendanceRole, AttendanceStatus, MeetingKind


class MeetingForm(RecordForm):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        description="For example, Local Scrutiny and Involvement Panel: spring meeting",
        filters=[squash_spaces],
        validators=[DataRequired("Enter a title for the meeting"), max_length(m.TITLE_MAX, "Title")],
    )
    series_id = SelectField("Series (optional)", widget=GovSelect(), validate_choice=False)
    kind = SelectField(
        "Kind of meeting",
        widget=GovSelect(),
        choices=[("", "Select a kind"), *MeetingKind.choices()],
        validators=[DataRequired("Select the kind of meeting")],
        validate_choice=False,
    )
    day = UKDateField("Date", what="the date of the meeting", description="For example, 27 3 2026")
    start_time = time_field("Start time", required_message="Enter the time the meeting starts")
    end_time = time_field("End time (optional)")
    venue = StringField(
        "Venue (optional)",
        widget=GovTextInput(),
        description="The building and room, or leave empty for an online meeting",
        filters=[strip],
        validators=[max_length(m.VENUE_MAX, "Venue")],
    )
    online = BooleanField("Held online, or partly online", widget=GovCheckboxInput())
    summary = TextAreaField(
        "Summary (optional)",
        widget=GovTextArea(),
        description="What the meeting is for. Partners who are involved can read this.",
        filters=[strip],
        validators=[max_length(m.SUMMARY_MAX, "Summary")],
    )
    headcount = IntegerField(
        "Estimated headcount (optional)",
        widget=GovTextInput(),
        description="For large events, how many people came or are expected",
        validators=[
            Optional(),
            NumberRange(0, m.HEADCOUNT_LIMIT, f"Headcount must be a whole number from 0 to {m.HEADCOUNT_LIMIT:,}"),
        ],
    )
    headcount_note = StringField(
        "Who the headcount counts (optional)",
        widget=GovTextInput(),
        description="For example, volunteers from Hertfordshire Victim Support",
        filters=[strip],
        validators=[max_length(m.HEADCOUNT_NOTE_MAX, "Who the headcount counts")],
    )
    marking = RadioField(
        "Protective marking",
        widget=GovRadioInput(),
        choices=Marking.choices(),
        default=Marking.OFFICIAL.value,
        description="An OFFICIAL-SENSITIVE meeting is hidden from partners altogether.",
        validators=[DataRequired("Select a protective marking")],
    )
    staff_notes = TextAreaField(
        "Staff notes (optional)",
        widget=GovTextArea(),
        description="Only area staff see these notes.",
        filters=[strip],
        validators=[max_length(m.SUMMARY_MAX, "Staff notes")],
    )
    submit = SubmitField("Save meeting", widget=GovSubmitInput())

    def __init__(self, *args, series_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.series_id.choices = [("", "Not part of a series"), *series_choices]

    def fill_from(self, meeting) -> None:
        """Show a saved meeting: its moments as UK date and times."""
        starts = meeting.starts_at.astimezone(LONDON)
        self.series_id.data = str(meeting.series_id or "")
        self.kind.data = meeting.kind.value
        self.marking.data = meeting.marking.value
        self.day.data = starts.date()
        self.start_time.data = f"{starts:%H:%M}"
        self.end_time.data = f"{meeting.ends_at.astimezone(LONDON):%H:%M}" if meeting.ends_at else ""

    def validate_series_id(self, field):
        if field.data and field.data not in {value for value, _ in self.series_id.choices}:
            raise ValidationError("Select a series from the list")

    def validate_kind(self, field):
        if field.data and MeetingKind.parse(field.data) is None:
            raise ValidationError("Select the kind of meeting from the list")

    def validate_end_time(self, field):
        start, end = parse_time(self.start_time.data), parse_time(field.data)
        if start and end and end <= start:
            raise ValidationError("End time must be after the start time")


class ReopenForm(RecordForm):
    reason = TextAreaField(
        "Why are you reopening the minutes?",
        widget=GovTextArea(),
        description="This is kept in the meeting's history.",
        filters=[strip],
        validators=[DataRequired("Enter why you are reopening the minutes"), max_length(m.REASON_MAX, "Reason")],
    )
    submit = SubmitField("Reopen the minutes", widget=GovSubmitInput())


# --- attendance ------------------------------------------------------------------------


class AttendanceForm(RecordForm):
    """One row of a meeting's attendance: the role, the items a guest came for, the status."""

    role = RadioField(
        "Role at the meeting",
        widget=GovRadioInput(),
        choices=AttendanceRole.choices(),
        validators=[DataRequired("Select their role at the meeting")],
        validate_choice=False,  # checked below, with a message in the GOV.UK style
    )
    # Shown under "Guest" (a guest may come for only some items); ids as text, checked below.
    item_ids = SelectMultipleField(
        "Items they attended (optional)",
        widget=GovCheckboxesInput(),
        coerce=str,
        description="Leave them all unticked if they attended the whole meeting.",
        validate_choice=False,
    )
    status = RadioField(
        "Attendance",
        widget=GovRadioInput(),
        choices=AttendanceStatus.choices(),
        validators=[DataRequired("Select whether they were present, sent apologies or were absent")],
        validate_choice=False,
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args, item_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.item_ids.choices = [(str(item_id), label) for item_id, label in item_choices]

    def validate_role(self, field):
        if AttendanceRole.parse(field.data) is None:
            raise ValidationError("Select their role at the meeting")

    def validate_item_ids(self, field):
        offered = {value for value, _ in self.item_ids.choices}
        if any(value not in offered for value in field.data or ()):
            raise ValidationError("Select items that are on the agenda")

    def validate_status(self, field):
        if AttendanceStatus.parse(field.data) is None:
            raise ValidationError("Select whether they were present, sent apologies or were absent")

    @property
    def chosen_item_ids(self) -> list[int]:
        return [int(value) for value in self.item_ids.data or ()]


class AttendeeForm(FlaskForm):
    """The "Add" button beside a person found by the search."""

    contact_id = HiddenField(filters=[whole_number])
    # The search the person was found by, to show the results again after a refusal.
    q = HiddenField(filters=[strip])

    def validate_contact_id(self, field):
        if field.data is None:
            raise ValidationError("Select a person from the search results")


class _OrganisationPickForm(FlaskForm):
    """One organisation from a select of those on offer."""

    organisation_id = SelectField("Organisation", widget=GovSelect(), validate_choice=False)
    missing = "Select an organisation"

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [("", "Select an organisation"), *choices]
        self._offered = {value for value, _ in choices}

    def validate_organisation_id(self, field):
        if not field.data:
            raise ValidationError(self.missing)
        if field.data not in self._offered:
            raise ValidationError("Select an organisation from the list")

    @property
    def chosen_id(self) -> int | None:
        return whole_number(self.organisation_id.data)


class WholeOrganisationForm(_OrganisationPickForm):
    organisation_id = SelectField(
        "Organisation",
        widget=GovSelect(),
        description="For a group that came as a whole, like 40 volunteers. The meeting's headcount says how many.",
        validate_choice=False,
    )
    submit = SubmitField("Add the organisation", widget=GovSubmitInput())
    missing = "Select the organisation that attended"


class InvolvedOrganisationForm(_OrganisationPickForm):
    organisation_id = SelectField("Add an organisation involved", widget=GovSelect(), validate_choice=False)
    submit = SubmitField("Add", widget=GovSubmitInput())
    missing = "Select an organisation to add to those involved"
