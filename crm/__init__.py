"""Partnership CRM: the application factory."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, Response, flash, redirect, request, url_for
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from crm import config as settings
from crm.extensions import csrf, db, htmx, limiter, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    pass


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("CRM_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        static_folder="static",
    )
    app.config.update(settings.settings_from_environment(app.instance_path))
    app.config.update(config or {})
    _check_production_settings(app)
    if app.config["CRM_PROXY_HOPS"]:
        hops = app.config["CRM_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    _configure_templates(app)
    _init_extensions(app)
    _register_blueprints(app)

    from crm import cli, errors, security, visibility

    errors.init_app(app)
    security.init_app(app)
    cli.init_app(app)
    # One rule for every blueprint: signed in, unless the view is marked public.
    app.before_request(visibility.require_sign_in)
    return app


def _check_production_settings(app: Flask) -> None:
    if app.config["CRM_ENV"] != "production":
        return
    key = app.config.get("SECRET_KEY") or ""
    if key == settings.DEVELOPMENT_SECRET_KEY or len(key) < 32:
        raise ConfigurationError(
            "CRM_ENV=production needs SECRET_KEY set to a random value of 32 "
            "characters or more, for example: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )


def _configure_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(PROJECT_ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.do")

    from crm import formatting, navigation

    app.context_processor(navigation.template_context)
    formatting.init_app(app)


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    # Batch mode: SQLite alters a table by copying it, so later migrations
    # that change columns run on both databases.
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"

    # Models must be imported before the mapper configures relationships.
    from crm.actions import models as _action_models  # noqa: F401
    from crm.auth import models as _auth_models  # noqa: F401
    from crm.auth import services as auth_services
    from crm.contacts import models as _contact_models  # noqa: F401
    from crm.history import models as _history_models  # noqa: F401
    from crm.issues import models as _issue_models  # noqa: F401
    from crm.meetings import models as _meeting_models  # noqa: F401
    from crm.organisations import models as _organisation_models  # noqa: F401
    from crm.outbox import models as _outbox_models  # noqa: F401
    from crm.reference import models as _reference_models  # noqa: F401
    from crm.series import models as _series_models  # noqa: F401

    @login_manager.user_loader
    def load_user(token: str):
        return auth_services.user_for_session(token)

    @login_manager.unauthorized_handler
    def unauthorized():
        from crm.auth.views import safe_next  # the auth area imports this package

        # Come back to the page after signing in. A form post cannot be
        # replayed, so after one, come back to the page the form was on.
        if request.method == "GET":
            back_to = request.full_path.rstrip("?")
        else:
            try:
                page = urlsplit(htmx.current_url or request.referrer or "")
                same_site = page.netloc in ("", request.host)
            except ValueError:
                # A header that is not an address ("http://[") names no page to come back to.
                same_site = False
            back_to = safe_next(page.path + (f"?{page.query}" if page.query else "")) if same_site else None
        login_url = url_for("auth.login", next=back_to)
        if htmx:
            # An htmx request cannot follow a redirect to a whole page; tell
            # htmx to send the browser there instead.
            return Response(status=401, headers={"HX-Redirect": login_url})
        flash(login_manager.login_message, login_manager.login_message_category)
        return redirect(login_url)


def _register_blueprints(app: Flask) -> None:
    from crm.pagination import IdConverter

    app.url_map.converters["id"] = IdConverter
    from crm.actions.views import bp as actions_bp
    from crm.auth.views import bp as auth_bp
    from crm.calendars.views import bp as calendars_bp
    from crm.contacts.views import bp as contacts_bp
    from crm.dashboard.views import bp as dashboard_bp
    from crm.issues.views import bp as issues_bp
    from crm.meetings.views import bp as meetings_bp
    from crm.organisations.views import bp as organisations_bp
    from crm.reference.views import bp as reference_bp
    from crm.reports.views import bp as reports_bp
    from crm.series.views import bp as series_bp
    from crm.users.views import bp as users_bp

    for blueprint in (
        auth_bp,
        dashboard_bp,
        meetings_bp,
        actions_bp,
        issues_bp,
        reports_bp,
        series_bp,
        organisations_bp,
        contacts_bp,
        users_bp,
        reference_bp,
    ):
        app.register_blueprint(blueprint)
    app.register_blueprint(calendars_bp)
