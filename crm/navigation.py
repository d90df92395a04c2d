"""The service navigation: only links to pages that exist and the user may use."""

from __future__ import annotations

from flask import current_app, request, url_for
from flask_login import current_user

# (label, endpoint, who may see it, the URL prefix that marks it current)
_ITEMS = [
    ("Dashboard", "dashboard.index", {"admin", "staff", "partner"}, "/dashboard"),
    ("Organisations", "organisations.index", {"admin", "staff"}, "/organisations"),
    ("Your organisation", None, {"partner"}, "/organisations"),
    ("Contacts", "contacts.index", {"admin", "staff", "partner"}, "/contacts"),
    ("Users", "users.index", {"admin"}, "/admin/users"),
]


def navigation_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    items = []
    for label, endpoint, roles, prefix in _ITEMS:
        if current_user.role.value not in roles:
            continue
        if endpoint is None:
            if current_user.organisation_id is None:
                continue
            href = url_for("organisations.detail", organisation_id=current_user.organisation_id)
        else:
            href = url_for(endpoint)
        items.append({"text": label, "href": href, "active": request.path.startswith(prefix)})
    return items


def template_context() -> dict:
    return {
        "navigation_items": navigation_items,
        "area_name": current_app.config["CRM_AREA_NAME"],
        "service_name": "Partnership CRM",
    }
