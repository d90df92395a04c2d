from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from crm.formatting import LONDON
from crm.forms import RecordForm, UKDateField, max_length, parse_time, squash_spaces, strip, time_field
from crm.markings import Marking
from crm.meetings import models as m
from crm.meetings.models import MeetingKind


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
