from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length

from crm.auth.models import EMAIL_MAX
from crm.auth.services import PASSWORD_MAX, PASSWORD_MIN
from crm.forms import max_length, strip


class LoginForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        filters=[strip],
        validators=[DataRequired("Enter your email address"), max_length(EMAIL_MAX, "Email address")],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password"), max_length(PASSWORD_MAX, "Password")],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your current password"), max_length(PASSWORD_MAX, "Password")],
    )
    new_password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description=f"At least {PASSWORD_MIN} characters. A few unrelated words make a strong one.",
        validators=[
            InputRequired("Enter a new password"),
            Length(min=PASSWORD_MIN, message=f"Password must be {PASSWORD_MIN} characters or more"),
            max_length(PASSWORD_MAX, "Password"),
        ],
    )
    confirm_password = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Enter the new password again"),
            EqualTo("new_password", "The passwords do not match"),
        ],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())
