"""Friendly error pages, for full pages and for htmx requests alike."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from jinja2_fragments.flask import render_block
from werkzeug.exceptions import HTTPException, InternalServerError

from crm.extensions import db, htmx
from crm.security import log_event

MESSAGES = {
    400: ("There is a problem with your request", "Go back, check what you entered and try again."),
    403: (
        "You do not have permission to do that",
        "Your account does not allow this. Ask an administrator if you think it should.",
    ),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. If you followed a link, the page may have been removed, or you may not have access to it.",
    ),
    405: ("That cannot be done here", "Go back and try again from the page you were on."),
    413: ("What you sent is too large", "Go back and send less, or split it into parts."),
    429: ("Too many attempts", "Wait 15 minutes, then try again."),
    500: ("Sorry, there is a problem with the service", "Try again later. What you were doing has not been saved."),
}


def render_error(status: int, title: str | None = None, message: str | None = None):
    default_title, default_message = MESSAGES.get(status, MESSAGES[500])
    context = {
        "status": status,
        "title": title or default_title,
        "message": message or default_message,
    }
    if htmx:
        # htmx swaps error answers too (see the htmx-config meta tag): put the
        # message where the page's content is, and keep the address bar as it was.
        html = render_block("errors/error.html", "content", **context)
        headers = {"HX-Retarget": "#main-content", "HX-Reswap": "innerHTML", "HX-Push-Url": "false"}
        return html, status, headers
    return render_template("errors/error.html", **context), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            "Your form could not be sent",
            "The page had expired or did not come from this service. Go back, "
            "reload the page and try again. Nothing you sent has been saved.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.code == 403 or (error.code == 404 and request.view_args):
            # Refused, or a record asked for by id that is not there for this
            # user: a run of these is someone probing.
            log_event("access_refused", status=error.code)
        elif error.code == 429:
            log_event("throttled")
        return render_error(error.code)

    @app.errorhandler(InternalServerError)
    def server_error(error):
        db.session.rollback()
        return render_error(500)
