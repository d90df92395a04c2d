from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from crm.auth import services
from crm.auth.forms import ChangePasswordForm, LoginForm
from crm.extensions import db, limiter
from crm.rendering import render_page
from crm.security import log_event
from crm.visibility import public

bp = Blueprint("auth", __name__)

WRONG_DETAILS = "Enter a correct email address and password"


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, otherwise None."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _login_attempt_failed(response) -> bool:
    # Only failed attempts count towards the throttle; signing in redirects.
    return request.method == "POST" and response.status_code != 302


def _account() -> str:
    return services.normalise_email(request.form.get("email", ""))[:254]


def _account_and_address_key() -> str:
    return f"login-account:{_account()}|{request.remote_addr}"


def _account_anywhere_key() -> str:
    return f"login-account-anywhere:{_account()}"


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["CRM_LOGIN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_login_attempt_failed,
)
@limiter.limit(
    lambda: current_app.config["CRM_LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_account_and_address_key,
    methods=["POST"],
    deduct_when=_login_attempt_failed,
)
@limiter.limit(
    lambda: current_app.config["CRM_LOGIN_LIMIT_PER_ACCOUNT_ANYWHERE"],
    key_func=_account_anywhere_key,
    methods=["POST"],
    deduct_when=_login_attempt_failed,
)
def login():
    next_path = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_path or url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.form_errors.append(WRONG_DETAILS)
            log_event("sign_in_failed", account=_account())
        else:
            # A fresh cookie at sign-in, so a session id planted before cannot be reused.
            session.clear()
            services.start_session(user)
            login_user(user)
            db.session.commit()
            log_event("signed_in", user_id=user.id)
            return redirect(next_path or url_for("dashboard.index"))
    return render_page("auth/login.html", form=form, next_path=next_path)


@bp.route("/logout", methods=["POST"])
@public
def logout():
    # Already signed out (say, the session expired): the result is the same.
    if current_user.is_authenticated:
        services.end_session(current_user.get_id())
        db.session.commit()
        log_event("signed_out")
        logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if services.change_password(current_user, form.current_password.data, form.new_password.data):
            db.session.commit()
            log_event("password_changed")
            flash("Your password has been changed. You have been signed out everywhere else.", "success")
            return redirect(url_for("dashboard.index"))
        form.current_password.errors.append("Your current password is not right")
        log_event("password_change_failed")
    return render_page("auth/change_password.html", form=form)
