from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from crm.dashboard import services
from crm.rendering import render_page
from crm.visibility import public

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@public
def home():
    return redirect(url_for("dashboard.index"))


@bp.get("/dashboard")
def index():
    return render_page("dashboard/index.html", **services.summary(current_user))
