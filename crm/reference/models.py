from __future__ import annotations

from sqlalchemy import Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import Archivable, Timestamps
from crm.extensions import db
from crm.records import Tracked

NAME_MAX = 100
DESCRIPTION_MAX = 300


class ReferenceEntry(Tracked, Archivable, Timestamps):
    """One entry of a reference list: a name, a line saying what it covers, and
    its place in the list. Entries in use are archived (kept on the records that
    name them, offered no longer), never deleted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX), default="", server_default="")
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class IssueCategory(ReferenceEntry, db.Model):
    """What a community issue is about: hate crime, domestic abuse, coercive control..."""

    __tablename__ = "issue_categories"
    duplicate = ("name", "A category with this name already exists")
    __table_args__ = (Index("uq_issue_categories_name_lower", text("lower(name)"), unique=True),)


class ExclusionGroup(ReferenceEntry, db.Model):
    """One of the groups at increased risk of exclusion: whom an issue affects, whom a meeting reached."""

    __tablename__ = "exclusion_groups"
    duplicate = ("name", "A group with this name already exists")
    __table_args__ = (Index("uq_exclusion_groups_name_lower", text("lower(name)"), unique=True),)
