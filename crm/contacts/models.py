from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import Archivable, Timestamps, folded, trigram_indexes, while_active
from crm.extensions import db
from crm.records import Tracked

NAME_MAX = 120
JOB_TITLE_MAX = 120
EMAIL_MAX = 254
PHONE_MAX = 40
NOTES_MAX = 5000


class Contact(Tracked, Archivable, Timestamps, db.Model):
    """A person at an organisation. Personal data is kept to what the work needs."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    job_title: Mapped[str] = mapped_column(String(JOB_TITLE_MAX), default="")
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), default="")
    phone: Mapped[str] = mapped_column(String(PHONE_MAX), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[Organisation] = relationship(  # noqa: F821
        back_populates="contacts"
    )


# The list's indexes (migration 0003): one per sort, partial because the
# list leaves archived contacts out; by organisation, for the sort by
# organisation and the counts on each organisation's row.
_ACTIVE = while_active(Contact)
Index("ix_contacts_name_active", folded(Contact.name), Contact.id, **_ACTIVE)
Index("ix_contacts_job_title_active", folded(Contact.job_title), folded(Contact.name), Contact.id, **_ACTIVE)
Index("ix_contacts_organisation_active", Contact.organisation_id, folded(Contact.name), Contact.id, **_ACTIVE)
trigram_indexes(Contact.name, Contact.job_title, Contact.email)
