from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required

from crm.dashboard import services
from crm.rendering import render_page

bp = Blueprint("dashboard", __name__)


@bp.get("/")
def home():
    return redirect(url_for("dashboard.index"))


@bp.get("/dashboard")
@login_required
def index():
    return render_page("dashboard/index.html", **services.summary(current_user))
