"""Protective markings, shared by every area that holds community or case detail."""

from __future__ import annotations

from crm.enums import LabelledEnum


class Marking(LabelledEnum):
    """OFFICIAL-SENSITIVE content never reaches a partner, a panel print or partner search."""

    OFFICIAL = "official", "OFFICIAL"
    OFFICIAL_SENSITIVE = "official_sensitive", "OFFICIAL-SENSITIVE"

    @property
    def is_sensitive(self) -> bool:
        return self is Marking.OFFICIAL_SENSITIVE
