"""Choices stored by value and shown by label, each pair declared once.

    class Kind(LabelledEnum):
        VISIT = "visit", "Visit"

    kind: Mapped[Kind] = enum_column(Kind)

The value is what the database and the query string hold; the label is what
people read. Forms take `Kind.choices()`; query strings go through
`Kind.parse()`, which answers None for anything that is not a member.
"""

from __future__ import annotations

import enum
from typing import Self

from sqlalchemy import Enum
from sqlalchemy.orm import MappedColumn, mapped_column


class LabelledEnum(enum.StrEnum):
    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs in declaration order, for selects and radios."""
        return [(member.value, member.label) for member in cls]

    @classmethod
    def parse(cls, raw: object) -> Self | None:
        """The member whose value is `raw`, or None for anything else."""
        try:
            return cls(raw) if raw else None
        except ValueError:
            return None


def enum_column(enum_class: type[LabelledEnum], *, length: int = 40, **kwargs) -> MappedColumn:
    """A column holding an enum's values as plain text (no database ENUM type,
    so adding a member needs no migration on either database)."""
    return mapped_column(
        Enum(
            enum_class,
            native_enum=False,
            length=length,
            values_callable=lambda members: [member.value for member in members],
        ),
        **kwargs,
    )
