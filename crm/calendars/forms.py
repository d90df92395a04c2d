from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf, DataRequired

# What the account page's feed buttons ask for.
CREATE, RESET, STOP = "create", "reset", "stop"


class FeedChangeForm(FlaskForm):
    """One of the calendar feed's buttons on the account page. Each is its own
    small form that says which change it asks for, so a post that says
    nothing changes nothing."""

    change = HiddenField(validators=[DataRequired(), AnyOf([CREATE, RESET, STOP])])
