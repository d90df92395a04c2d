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

from crm.actions import models as a
from crm.actions.forms import ActionForm
from crm.actions.models import ActionStatus
from crm.formatting import LONDON
from crm.forms import (
    ChoiceCheck,
    OfferedChoices,
    RecordForm,
    UKDateField,
    max_length,
    parse_time,
    squash_spaces,
    strip,
    time_field,
    whole_number,
)
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
    series_id = SelectField(
        "Series (optional)",
        widget=GovSelect(),
        validate_choice=False,
        validators=[ChoiceCheck("Select a series from the list")],
    )
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
    group_ids = SelectMultipleField(
        "Groups reached (optional)",
        widget=GovCheckboxesInput(),
        description="Which of the groups at increased risk of exclusion this engagement reached",
        coerce=str,
        validate_choice=False,
        validators=[OfferedChoices("Select the groups reached from the list")],
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

    def __init__(self, *args, series_choices=(), group_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.series_id.choices = [("", "Not part of a series"), *series_choices]
        self.group_ids.choices = list(group_choices)

    def fill_from(self, meeting) -> None:
        """Show a saved meeting: its moments as UK date and times."""
        starts = meeting.starts_at.astimezone(LONDON)
        self.series_id.data = str(meeting.series_id or "")
        self.kind.data = meeting.kind.value
        self.marking.data = meeting.marking.value
        self.day.data = starts.date()
        self.start_time.data = f"{starts:%H:%M}"
        self.end_time.data = f"{meeting.ends_at.astimezone(LONDON):%H:%M}" if meeting.ends_at else ""
        self.group_ids.data = [str(group.id) for group in meeting.groups_reached]

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


# --- agenda and minutes ------------------------------------------------------------------


def marking_field(what: str) -> RadioField:
    return RadioField(
        "Protective marking",
        widget=GovRadioInput(),
        choices=Marking.choices(),
        default=Marking.OFFICIAL.value,
        description=f"An OFFICIAL-SENSITIVE {what} is left out of the partner version of the minutes.",
        validators=[DataRequired("Select a protective marking")],
    )


class AgendaItemForm(RecordForm):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        description="For example, Hate crime: case outcomes in the last quarter",
        filters=[squash_spaces],
        validators=[DataRequired("Enter a title for the item"), max_length(m.TITLE_MAX, "Title")],
    )
    presenter_id = SelectField(
        "Presenter (optional)",
        widget=GovSelect(),
        validate_choice=False,
        validators=[ChoiceCheck("Select the presenter from the list")],
    )
    marking = marking_field("item")
    submit = SubmitField("Save item", widget=GovSubmitInput())

    def __init__(self, *args, contact_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.presenter_id.choices = [("", "No presenter"), *contact_choices]


class AgendaItemEditForm(AgendaItemForm):
    """An item with its minutes: the discussion and the decisions."""

    discussion = TextAreaField(
        "Discussion (optional)",
        widget=GovTextArea(),
        description="Leave a blank line between paragraphs: each is numbered in the minutes.",
        filters=[strip],
        validators=[max_length(m.MINUTES_MAX, "Discussion")],
    )
    decisions = TextAreaField(
        "Decisions (optional)",
        widget=GovTextArea(),
        description="What the meeting agreed. Leave a blank line between decisions.",
        filters=[strip],
        validators=[max_length(m.MINUTES_MAX, "Decisions")],
    )


class ItemNoteForm(RecordForm):
    text = TextAreaField(
        "Note",
        widget=GovTextArea(),
        filters=[strip],
        validators=[DataRequired("Enter the note"), max_length(m.NOTE_MAX, "Note")],
    )
    marking = marking_field("note")
    submit = SubmitField("Save note", widget=GovSubmitInput())


class RemoveForm(RecordForm):
    """The confirmation of a removal (items, notes, feedback)."""

    submit = SubmitField("Yes, remove it", widget=GovSubmitInput())


class ActionEditForm(ActionForm):
    """An action corrected at the meeting that agreed it: also its status and its item."""

    status = SelectField(
        "Status",
        widget=GovSelect(),
        choices=ActionStatus.choices(),
        validate_choice=False,
        validators=[DataRequired("Select a status"), ChoiceCheck("Select a status from the list")],
    )
    agenda_item_id = SelectField(
        "Agreed in item",
        widget=GovSelect(),
        validate_choice=False,
        validators=[DataRequired("Select an item"), ChoiceCheck("Select an item from the list")],
    )

    def __init__(self, *args, item_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.agenda_item_id.choices = list(item_choices)


class ProgressForm(RecordForm):
    status = RadioField(
        "Status",
        widget=GovRadioInput(),
        choices=ActionStatus.choices(),
        validators=[DataRequired("Select a status")],
    )
    progress = TextAreaField(
        "Progress (optional)",
        widget=GovTextArea(),
        description="One or two sentences, as said at the meeting",
        filters=[strip],
        validators=[max_length(a.UPDATE_MAX, "Progress")],
    )
    submit = SubmitField("Save progress", widget=GovSubmitInput())

    def validate_status(self, field):
        if field.data and ActionStatus.parse(field.data) is None:
            raise ValidationError("Select a status from the list")


class OutcomesForm(RecordForm):
    # Not the name's id: that is the meeting page's section, which the form
    # opens inside (htmx), and a label for a repeated id labels nothing.
    outcomes = TextAreaField(
        "Outcomes",
        id="outcomes-field",
        widget=GovTextArea(),
        description="What changed because of this meeting or event: for partners, for victims and witnesses, for the area.",
        filters=[strip],
        validators=[max_length(m.MINUTES_MAX, "Outcomes")],
    )
    submit = SubmitField("Save outcomes", widget=GovSubmitInput())


class FeedbackForm(RecordForm):
    quote = TextAreaField(
        "What they said",
        widget=GovTextArea(),
        filters=[strip],
        validators=[DataRequired("Enter what they said"), max_length(m.QUOTE_MAX, "What they said")],
    )
    attribution = StringField(
        "Who said it, by role and organisation",
        widget=GovTextInput(),
        description="A role and an organisation, never a name. For example, Chair, Domestic Abuse Scrutiny Panel",
        filters=[squash_spaces],
        validators=[
            DataRequired("Enter who said it, by role and organisation"),
            max_length(m.ATTRIBUTION_MAX, "Who said it"),
        ],
    )
    may_publish = BooleanField(
        "This may be published",
        widget=GovCheckboxInput(),
        description="They agreed that it can be quoted. Partners see only feedback that may be published.",
    )
    submit = SubmitField("Save feedback", widget=GovSubmitInput())


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
        validators=[OfferedChoices("Select items that are on the agenda")],
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
