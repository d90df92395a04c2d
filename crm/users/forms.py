from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from crm import records
from crm.auth.models import EMAIL_MAX, NAME_MAX, Role
from crm.auth.services import PASSWORD_MAX, PASSWORD_MIN
from crm.forms import ChoiceCheck, RecordForm, email_field, max_length, squash_spaces
from crm.users import services

ROLE_CHOICES = Role.choices()
ROLE_HINTS = {
    Role.STAFF.value: "Area staff: can see and change everything except user accounts",
    Role.PARTNER.value: "A limited login for one partner organisation: sees only that organisation's records",
    Role.ADMIN.value: "Staff who also manage user accounts",
}


class UserDetailsForm(RecordForm):
    # Fields are declared in the order the page shows them, so that the error
    # summary lists problems in that order too.
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        filters=[squash_spaces],
        validators=[DataRequired("Enter the person's full name"), max_length(NAME_MAX, "Full name")],
    )
    email = email_field("Email address", EMAIL_MAX, required_message="Enter an email address")
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=ROLE_CHOICES,
        validators=[DataRequired("Select a role")],
        validate_choice=False,  # checked below, with a message in the GOV.UK style
    )
    organisation_id = SelectField(
        "Organisation (partner users only)",
        widget=GovSelect(),
        coerce=str,
        description="The partner organisation whose records this user may see",
        validate_choice=False,
    )
    submit = SubmitField("Save user", widget=GovSubmitInput())

    def __init__(self, *args, organisation_choices: list[tuple[str, str]], user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._user = user
        self.organisation_id.choices = [("", "Select an organisation"), *organisation_choices]
        self._organisation_ids = {value for value, _ in organisation_choices}

    def validate_role(self, field):
        if field.data not in {value for value, _ in ROLE_CHOICES}:
            raise ValidationError("Select a role")

    def validate_email(self, field):
        if field.data:
            try:
                services.check_email_free(field.data, exclude=self._user)
            except records.Duplicate as duplicate:
                raise ValidationError(duplicate.message) from None

    def validate_organisation_id(self, field):
        if self.role.data == Role.PARTNER.value:
            if not field.data:
                raise ValidationError("Select the partner user's organisation")
            if field.data not in self._organisation_ids:
                raise ValidationError("Select an organisation from the list")
        elif field.data and self.role.data in (Role.STAFF.value, Role.ADMIN.value):
            # Refused rather than dropped: the admin may have meant "Partner".
            raise ValidationError(
                "Only partner users belong to an organisation. Choose Partner, or select no organisation"
            )

    @property
    def chosen_organisation_id(self) -> int | None:
        if self.role.data == Role.PARTNER.value and self.organisation_id.data:
            return int(self.organisation_id.data)
        return None


def password_field(label: str, description: str, *, required: bool) -> PasswordField:
    presence = InputRequired("Enter a temporary password") if required else Optional()
    return PasswordField(
        label,
        widget=GovPasswordInput(),
        description=description,
        validators=[
            presence,
            Length(min=PASSWORD_MIN, message=f"Password must be {PASSWORD_MIN} characters or more"),
            max_length(PASSWORD_MAX, "Password"),
        ],
    )


class NewUserForm(UserDetailsForm):
    password = password_field(
        "Temporary password",
        f"At least {PASSWORD_MIN} characters. Give it to the person in a separate message; "
        "they can change it once signed in.",
        required=True,
    )
    submit = SubmitField("Create user", widget=GovSubmitInput())


class EditUserForm(UserDetailsForm):
    contact_id = SelectField(
        "Their own contact record (optional)",
        widget=GovSelect(),
        description="The person this login belongs to, so that the actions they lead are their actions. "
        "A partner user's must be at its own organisation.",
        validate_choice=False,
        validators=[ChoiceCheck("Select the person from the list")],
    )
    password = password_field(
        "New temporary password (optional)",
        "Only if they have forgotten theirs. Leave blank to keep the current password. "
        "Setting one signs them out everywhere.",
        required=False,
    )

    def __init__(self, *args, contact_choices: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.contact_id.choices = [("", "Not linked to a contact"), *contact_choices]
