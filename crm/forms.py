"""Form pieces shared by every area."""

from __future__ import annotations

from wtforms.validators import Length, Optional, ValidationError


def strip(value):
    return value.strip() if isinstance(value, str) else value


class Text:
    """Filters and validators for a text field with a server-side length limit."""

    @staticmethod
    def filters():
        return [strip]


def max_length(limit: int, what: str) -> Length:
    return Length(max=limit, message=f"{what} must be {limit:,} characters or fewer")


def optional():
    return Optional(strip_whitespace=True)


class PhoneNumber:
    """Digits, spaces, brackets, a leading + and an extension: what people type."""

    allowed = set("0123456789 +()-.ext")

    def __init__(self, what: str = "Phone number"):
        self.what = what

    def __call__(self, form, field):
        value = (field.data or "").strip()
        if not value:
            return
        digits = sum(ch.isdigit() for ch in value)
        if any(ch not in self.allowed for ch in value.lower()) or digits < 6:
            raise ValidationError(
                f"Enter a {self.what.lower()}, like 01632 960 001 or +44 808 157 0192"
            )
