"""One template per page; htmx asks for a named block of it.

The choice between page and fragment is made on the HX-Request header, never
on element ids. A history restore gets the whole page, because htmx will
replace the whole body with it.
"""

from __future__ import annotations

from flask import make_response, render_template
from jinja2_fragments.flask import render_block

from crm.extensions import htmx


def wants_fragment() -> bool:
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted


def render_page(template: str, *, block: str | None = None, status: int = 200, address: str | None = None, **context):
    """The whole page, or only `block` for an htmx request.

    `address` is the page's own clean address (a list's filters without
    empty or default arguments): an htmx answer puts it in the address bar,
    so that what the browser shows, bookmarks and shares is always true.
    """
    fragment = bool(block) and wants_fragment()
    body = render_block(template, block, **context) if fragment else render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    if fragment and address:
        response.headers["HX-Replace-Url"] = address
    return response
