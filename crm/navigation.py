"""The service navigation: only links to pages that exist and the user may use."""

from __future__ import annotations

from flask import current_app, request, url_for

from crm.visibility import can


def navigation_items() -> list[dict]:
    permissions = can()
    if not permissions.signed_in:
        return []
    items = [
        ("Dashboard", url_for("dashboard.index"), "/dashboard"),
        ("Meetings", url_for("meetings.index"), "/meetings"),
        ("Actions", url_for("actions.index"), "/actions"),
        ("Issues", url_for("issues.index"), "/issues"),
        ("Series", url_for("series.index"), "/series"),
    ]
    if permissions.browse_organisations:
        items.append(("Organisations", url_for("organisations.index"), "/organisations"))
    elif permissions.organisation_id is not None:
        organisation_page = url_for("organisations.detail", organisation_id=permissions.organisation_id)
        items.append(("Your organisation", organisation_page, "/organisations"))
    items.append(("Contacts", url_for("contacts.index"), "/contacts"))
    if permissions.see_reports:
        items.append(("Reports", url_for("reports.reach"), "/reports"))
    if permissions.manage_users:
        items.append(("Users", url_for("users.index"), "/admin/users"))
    if permissions.manage_reference_lists:
        items.append(("Reference lists", url_for("reference.index"), "/reference"))
    return [{"text": label, "href": href, "active": request.path.startswith(prefix)} for label, href, prefix in items]


def template_context() -> dict:
    return {
        "navigation_items": navigation_items,
        "can": _LazyPermissions(),
        "area_name": current_app.config["CRM_AREA_NAME"],
        "service_name": "Partnership CRM",
    }


class _LazyPermissions:
    """`can.x` in a template reads the request's permissions when first used
    (after the view has run, so a sign-in during the request counts)."""

    def __getattr__(self, name: str):
        return getattr(can(), name)
