"""Reports: reach into the groups at increased risk of exclusion, and the panel report.

Reach is a staff page, with exact figures marked internal (DESIGN 6.13); the
panel report (page, PDF and a CSV of each table) holds only what a panel may
read, with small counts suppressed. The chart is
drawn here, on the server, as SVG with its figures in a table beside it:
no charting script reaches the browser.
"""

from __future__ import annotations

from flask import Blueprint, abort, request

from crm.actions.services import today
from crm.exports import csv_response
from crm.lists import date_filter
from crm.markings import Marking
from crm.pdf import pdf_response, render_pdf
from crm.rendering import render_page
from crm.reports import services
from crm.reports.panel import panel_report, panel_table
from crm.reports.periods import Period, custom_period, parse_quarter, quarter_of, recent_quarters
from crm.visibility import can, require

bp = Blueprint("reports", __name__, url_prefix="/reports")

_FROM, _TO = date_filter("from", "From"), date_filter("to", "To")
LONGEST_PERIOD_DAYS = 3 * 366  # a longer range is refused: the trend against it would say little


def chosen_period(args) -> tuple[Period, list[str]]:
    """The period the address asks for (a quarter, or from and to dates), and
    any problem with it; this quarter when nothing (or nothing usable) is asked."""
    errors = []
    raw_from, raw_to = (args.get("from") or "").strip(), (args.get("to") or "").strip()
    if raw_from or raw_to:
        start, end = _FROM.parse(raw_from), _TO.parse(raw_to)
        if start is None or end is None:
            errors.append("Enter both dates as day/month/year, for example 1/4/2026 and 30/6/2026")
        elif end < start:
            errors.append("The end date must be the same as or after the start date")
        elif (end - start).days >= LONGEST_PERIOD_DAYS:
            errors.append("Choose a period of three years or less")
        else:
            return custom_period(start, end), errors
    return parse_quarter(args.get("quarter")) or quarter_of(today()), errors


def _period_context(period: Period, errors: list[str]) -> dict:
    """What the period form shows: the choices, the period chosen, and the dates as typed."""
    return {
        "period": period,
        "quarters": recent_quarters(today()),
        "errors": errors,
        "raw_from": request.args.get("from", "")[:20],
        "raw_to": request.args.get("to", "")[:20],
        "period_args": period_args(period),
    }


def period_args(period: Period) -> dict:
    """The address arguments that ask for `period` again (for its PDF and CSV links)."""
    if period.key:
        return {"quarter": period.key}
    return {"from": f"{period.start:%-d/%-m/%Y}", "to": f"{period.end:%-d/%-m/%Y}"}


@bp.get("/reach")
def reach():
    require(can().see_reports)
    period, errors = chosen_period(request.args)
    return render_page(
        "reports/reach.html", reach=services.reach(period, sensitive=True), **_period_context(period, errors)
    )


# --- the panel report -------------------------------------------------------------

CSV_TABLES = {
    "engagements": "engagements",
    "partner-types": "partner types",
    "actions": "actions agreed",
    "categories": "issues by category",
    "groups": "issues by group",
    "reach": "reach",
    "you-said-we-did": "you said, we did",
}


@bp.get("/panel")
def panel():
    require(can().see_reports)
    period, errors = chosen_period(request.args)
    return render_page(
        "reports/panel.html",
        report=panel_report(period, today()),
        csv_tables=list(CSV_TABLES.items()),
        **_period_context(period, errors),
    )


@bp.get("/panel.pdf")
def panel_pdf():
    require(can().see_reports)
    period, _ = chosen_period(request.args)
    pdf = render_pdf(
        "reports/panel_pdf.html",
        report=panel_report(period, today()),
        today=today(),
        marking=Marking.OFFICIAL.label,
    )
    name = f"panel-report-{period.key or f'{period.start.isoformat()}-to-{period.end.isoformat()}'}"
    return pdf_response(pdf, name, download_token=request.args.get("download_token"))


@bp.get("/panel/<table>.csv")
def panel_csv(table: str):
    require(can().see_reports)
    if table not in CSV_TABLES:
        abort(404)
    period, _ = chosen_period(request.args)
    report = panel_report(period, today())
    header, rows = panel_table(report, table)
    name = f"panel-{table}-{period.key or f'{period.start.isoformat()}-to-{period.end.isoformat()}'}"
    return csv_response(name, header, rows)
