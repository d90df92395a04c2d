from __future__ import annotations

import enum

from sqlalchemy import Enum, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import Archivable, Timestamps
from crm.extensions import db


class OrganisationType(enum.StrEnum):
    POLICE = "police"
    COURTS_SERVICE = "courts_service"
    LOCAL_COUNCIL = "local_council"
    VICTIM_WITNESS_SERVICE = "victim_witness_service"
    VOLUNTARY_COMMUNITY_GROUP = "voluntary_community_group"
    HEALTH = "health"
    PROBATION = "probation"
    EDUCATION = "education"
    PROSECUTION_SERVICE = "prosecution_service"

    @property
    def label(self) -> str:
        return ORGANISATION_TYPE_LABELS[self]


ORGANISATION_TYPE_LABELS = {
    OrganisationType.POLICE: "Police",
    OrganisationType.COURTS_SERVICE: "Courts service",
    OrganisationType.LOCAL_COUNCIL: "Local council",
    OrganisationType.VICTIM_WITNESS_SERVICE: "Victim and witness service",
    OrganisationType.VOLUNTARY_COMMUNITY_GROUP: "Voluntary or community group",
    OrganisationType.HEALTH: "Health",
    OrganisationType.PROBATION: "Probation",
    OrganisationType.EDUCATION: "Education",
    OrganisationType.PROSECUTION_SERVICE: "Prosecution service",
}

NAME_MAX = 200
AREA_MAX = 100
ADDRESS_MAX = 500
WEBSITE_MAX = 300
PHONE_MAX = 40
NOTES_MAX = 5000


class Organisation(Archivable, Timestamps, db.Model):
    __tablename__ = "organisations"
    # Names are unique whatever their case: "Victim Support" and
    # "victim support" are the same partner.
    __table_args__ = (Index("uq_organisations_name_lower", text("lower(name)"), unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    type: Mapped[OrganisationType] = mapped_column(
        Enum(
            OrganisationType,
            native_enum=False,
            length=40,
            values_callable=lambda e: [m.value for m in e],
        ),
        index=True,
    )
    area: Mapped[str] = mapped_column(String(AREA_MAX), default="")
    address: Mapped[str] = mapped_column(String(ADDRESS_MAX), default="")
    website: Mapped[str] = mapped_column(String(WEBSITE_MAX), default="")
    phone: Mapped[str] = mapped_column(String(PHONE_MAX), default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    contacts: Mapped[list[Contact]] = relationship(  # noqa: F821
        back_populates="organisation", order_by="Contact.name"
    )
