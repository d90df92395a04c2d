"""Lists a page at a time, whatever page number the address asks for."""

from __future__ import annotations

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select
from werkzeug.routing import IntegerConverter

from crm.extensions import db

# The largest id either database stores in an INTEGER column.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<id:name>` in a route: a positive id that fits the database, otherwise 404."""

    # ASCII digits only: `\d` would also take "１" (full-width) as 1.
    regex = r"[0-9]+"

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, min=1, max=MAX_ID)


def int_arg(name: str) -> int | None:
    """A query-string id, or None if absent or not a usable id."""
    raw = request.args.get(name, "")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(MAX_ID)):
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None


def paginate(query: Select) -> Pagination:
    """One page of `query`. Past the last page shows the last page; nonsense shows the first."""
    per_page = current_app.config["CRM_PAGE_SIZE"]
    number = request.args.get("page", 1, type=int)
    number = min(max(number, 1), MAX_ID // per_page)
    page = db.paginate(query, page=number, per_page=per_page, error_out=False, max_per_page=per_page)
    if page.pages and number > page.pages:
        page = db.paginate(query, page=page.pages, per_page=per_page, error_out=False, max_per_page=per_page)
    return page
