"""Settings, read from the environment.

Everything that differs between a laptop, CI and production comes from an
environment variable; nothing secret lives in the code.
"""

from __future__ import annotations

import os
from pathlib import Path

# A development key is fine for `make run`, never for production:
# create_app refuses to start in production mode with it.
DEVELOPMENT_SECRET_KEY = "development-only-not-secret"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def default_database_url(instance_path: str) -> str:
    return f"sqlite:///{Path(instance_path) / 'crm.sqlite3'}"


def settings_from_environment(instance_path: str) -> dict:
    """The app's settings; `create_app(config=...)` may override any of them."""
    production = os.environ.get("CRM_ENV", "development") == "production"
    return {
        "CRM_ENV": "production" if production else "development",
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL") or default_database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Cookies: never readable by scripts, not sent on cross-site posts,
        # and only over HTTPS when the service is served over HTTPS.
        "SESSION_COOKIE_NAME": "crm_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        # A signed-in session lasts a working day at most (server-side record).
        "CRM_SESSION_HOURS": _int("CRM_SESSION_HOURS", 12),
        # Requests larger than this are refused before any form is parsed.
        "MAX_CONTENT_LENGTH": _int("CRM_MAX_CONTENT_LENGTH", 1024 * 1024),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        # Login throttling. Use redis://127.0.0.1:6379 when several workers run.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": False,
        "CRM_LOGIN_LIMIT_PER_ADDRESS": os.environ.get("CRM_LOGIN_LIMIT_PER_ADDRESS", "20 per 15 minutes"),
        # Counted per account *and* address, so that someone who knows an
        # address cannot lock its owner out by guessing from elsewhere ...
        "CRM_LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("CRM_LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        # ... and a looser limit per account from all addresses together,
        # against guessing spread over many addresses.
        "CRM_LOGIN_LIMIT_PER_ACCOUNT_ANYWHERE": os.environ.get("CRM_LOGIN_LIMIT_PER_ACCOUNT_ANYWHERE", "50 per hour"),
        # Behind a reverse proxy: how many proxies set X-Forwarded-For/-Proto,
        # so that throttling sees the real address and HTTPS is recognised.
        "CRM_PROXY_HOPS": _int("CRM_PROXY_HOPS", 0),
        "CRM_PAGE_SIZE": _int("CRM_PAGE_SIZE", 20),
        "CRM_AREA_NAME": os.environ.get("CRM_AREA_NAME", "Thames and Chiltern"),
        # Email (crm.outbox). Links in messages start with the address people
        # open the service at, without a trailing slash.
        "CRM_BASE_URL": os.environ.get("CRM_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "CRM_MAIL_FROM": os.environ.get("CRM_MAIL_FROM", "Partnership CRM <crm@localhost>"),
        # With no SMTP host (development, tests), each message is written as
        # an .eml file under CRM_OUTBOX_DIR instead of being sent.
        "CRM_SMTP_HOST": os.environ.get("CRM_SMTP_HOST", ""),
        "CRM_SMTP_PORT": _int("CRM_SMTP_PORT", 587),
        "CRM_SMTP_USERNAME": os.environ.get("CRM_SMTP_USERNAME", ""),
        "CRM_SMTP_PASSWORD": os.environ.get("CRM_SMTP_PASSWORD", ""),
        "CRM_SMTP_STARTTLS": _bool("CRM_SMTP_STARTTLS", True),
        # Seconds to wait for the mail server before a send counts as failed.
        "CRM_SMTP_TIMEOUT": _int("CRM_SMTP_TIMEOUT", 10),
        "CRM_OUTBOX_DIR": os.environ.get("CRM_OUTBOX_DIR") or str(Path(instance_path) / "outbox"),
    }
