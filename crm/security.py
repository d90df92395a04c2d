"""Response headers that make the browser enforce what the app promises:
a strict Content Security Policy with a per-request nonce, no framing, no
sniffing, and no caching of pages that carry personal data."""

from __future__ import annotations

import json
import logging
import secrets
from datetime import UTC, datetime

from flask import Flask, abort, g, has_request_context, request
from flask_login import current_user

# One line of JSON per security event, for an operator to watch or ship:
# time, event, user id, address, route and a few safe details. Never a
# password, a token or a form's contents.
security_log = logging.getLogger("crm.security")


def log_event(event: str, *, user_id: int | None = None, **details) -> None:
    line = {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), "event": event}
    if has_request_context():
        if user_id is None and current_user and current_user.is_authenticated:
            user_id = current_user.id
        line.update(address=request.remote_addr, route=f"{request.method} {request.path}")
    line["user_id"] = user_id
    line.update(details)
    security_log.info(json.dumps(line, default=str))


def _configure_security_log() -> None:
    if not security_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        security_log.addHandler(handler)
    security_log.setLevel(logging.INFO)
    security_log.propagate = False


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "manifest-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ]
    )


def _has_nul(multidict) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in multidict.items(multi=True))


def init_app(app: Flask) -> None:
    _configure_security_log()
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.before_request
    def refuse_query_strings_that_are_not_utf8():
        # Browsers percent-encode; raw bytes that are not UTF-8 come only from
        # a hostile client, and Werkzeug cannot decode them into request.args.
        try:
            request.query_string.decode()
        except UnicodeDecodeError:
            abort(400)

    @app.before_request
    def refuse_files():
        # No form here takes a file; WTForms would hand a text field the file
        # object sent under its name, which its length check cannot measure.
        if request.files:
            abort(400)

    @app.before_request
    def refuse_nul_characters():
        # No database stores a NUL character in text (PostgreSQL refuses it
        # outright); no person types one. Refuse it before any query runs.
        if _has_nul(request.args) or _has_nul(request.form):
            abort(400)

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if not request.path.startswith("/static/"):
            headers.setdefault("Cache-Control", "no-store")
        return response
