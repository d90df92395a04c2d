from __future__ import annotations

from sqlalchemy import Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import Archivable, Timestamps, folded, trigram_indexes, while_active
from crm.enums import LabelledEnum, enum_column
from crm.extensions import db
from crm.records import Tracked


class OrganisationType(LabelledEnum):
    POLICE = "police", "Police"
    COURTS_SERVICE = "courts_service", "Courts service"
    LOCAL_COUNCIL = "local_council", "Local council"
    VICTIM_WITNESS_SERVICE = "victim_witness_service", "Victim and witness service"
    VOLUNTARY_COMMUNITY_GROUP = "voluntary_community_group", "Voluntary or community group"
    HEALTH = "health", "Health"
    PROBATION = "probation", "Probation"
    EDUCATION = "education", "Education"
    PROSECUTION_SERVICE = "prosecution_service", "Prosecution service"


NAME_MAX = 200
AREA_MAX = 100
ADDRESS_MAX = 500
WEBSITE_MAX = 300
PHONE_MAX = 40
NOTES_MAX = 5000


class Organisation(Tracked, Archivable, Timestamps, db.Model):
    __tablename__ = "organisations"
    duplicate = ("name", "An organisation with this name already exists")
    # Names are unique whatever their case: "Victim Support" and
    # "victim support" are the same partner.
    __table_args__ = (Index("uq_organisations_name_lower", text("lower(name)"), unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    type: Mapped[OrganisationType] = enum_column(OrganisationType, index=True)
    area: Mapped[str] = mapped_column(String(AREA_MAX), default="")
    address: Mapped[str] = mapped_column(String(ADDRESS_MAX), default="")
    website: Mapped[str] = mapped_column(String(WEBSITE_MAX), default="")
    phone: Mapped[str] = mapped_column(String(PHONE_MAX), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    contacts: Mapped[list[Contact]] = relationship(  # noqa: F821
        back_populates="organisation", order_by="Contact.name"
    )


# The lists' and the dashboard's indexes (migration 0003): one per sort and
# filter, partial because the lists leave archived organisations out.
_ACTIVE = while_active(Organisation)
Index("ix_organisations_name_active", folded(Organisation.name), Organisation.id, **_ACTIVE)
# On PostgreSQL with the name itself too, so that the dashboard's capped counts by type read the index alone.
Index(
    "ix_organisations_type_active",
    Organisation.type,
    folded(Organisation.name),
    Organisation.id,
    postgresql_include=["name"],
    **_ACTIVE,
)
Index("ix_organisations_area_active", folded(Organisation.area), folded(Organisation.name), Organisation.id, **_ACTIVE)
Index("ix_organisations_updated_active", Organisation.updated_at, Organisation.id, **_ACTIVE)
# The few archived ones, which the contacts list leaves out (crm.contacts.services.active).
Index(
    "ix_organisations_archived",
    Organisation.id,
    sqlite_where=Organisation.archived_at.is_not(None),
    postgresql_where=Organisation.archived_at.is_not(None),
)
trigram_indexes(Organisation.name, Organisation.area)
