from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from crm.forms import RecordForm, max_length, squash_spaces, strip
from crm.records import Duplicate
from crm.reference import models as m
from crm.reference import services
from crm.reference.services import ReferenceList


class EntryForm(RecordForm):
    """An entry of either list: its name and what it covers."""

    name = StringField(
        "Name",
        widget=GovTextInput(),
        filters=[squash_spaces],
        validators=[DataRequired("Enter a name"), max_length(m.NAME_MAX, "Name")],
    )
    description = TextAreaField(
        "Description (optional)",
        widget=GovTextArea(),
        description="A line saying what it covers, for staff choosing from the list",
        filters=[strip],
        validators=[max_length(m.DESCRIPTION_MAX, "Description")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args, reference_list: ReferenceList, entry_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._model = reference_list.model
        self._entry_id = entry_id
        # The validators are shared by every form of the class: replaced here, not changed.
        self.name.validators = [DataRequired(f"Enter the name of the {reference_list.noun}"), *self.name.validators[1:]]
        self.submit.label.text = f"Save {reference_list.noun}"

    def validate_name(self, field):
        # Checked with the other fields so that every problem shows at once;
        # the save path catches a duplicate that races past this check.
        if field.data:
            try:
                services.check_name_free(self._model, field.data, exclude_id=self._entry_id)
            except Duplicate as duplicate:
                raise ValidationError(duplicate.message) from None
