from __future__ import annotations

from sqlalchemy import Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import Archivable, Timestamps
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
