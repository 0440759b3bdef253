"""Dashboard pages and their CSV tables. Thin: read the period, build, render.

pandas and Plotly are imported on the first dashboard request, not when the shop starts, so
workers that never serve /statistikk never load them.
"""

from __future__ import annotations

from flask import Response, abort, jsonify, render_template, request

from analytics import DASHBOARDS, bp
from analytics.forms import PeriodForm
from bkm.clock import oslo_today

# URL slug of each dashboard (the endpoint without "analytics.").
SLUGS = {
    "overview": "",
    "pages": "sider",
    "products": "varer",
    "journeys": "veier",
    "traffic": "trafikk",
    "devices": "enheter",
    "consent": "samtykke",
    "purchases": "kjopstrender",
}
TITLES = {endpoint.removeprefix("analytics."): title for endpoint, title in DASHBOARDS}


@bp.context_processor
def _navigation() -> dict:
    """Every dashboard link keeps the period the manager is looking at."""
    return {"dashboards": DASHBOARDS, "period_args": PeriodForm(request.args).query_args()}


def _show(key: str):
    form = PeriodForm(request.args)
    period = form.period(oslo_today())
    if period is None:
        page = render_template(
            "analytics/dashboard.html", form=form, dashboard=None, title=TITLES[key], key=key
        )
        return page, 400
    from analytics.dashboards import build
    from analytics.exports import figure_blocks, format_change, format_value

    dashboard = build(key, period)
    return render_template(
        "analytics/dashboard.html",
        form=form,
        dashboard=dashboard,
        figures=figure_blocks(dashboard),
        fmt=format_value,
        fmt_change=format_change,
        period=period,
        previous=period.previous(),
        title=TITLES[key],
        key=key,
    )


def _csv(key: str, table: str):
    form = PeriodForm(request.args)
    period = form.period(oslo_today())
    if period is None:
        reasons = [error for field in form for error in field.errors]
        return jsonify(reason=" ".join(reasons) or "Ugyldig periode."), 400
    from analytics.dashboards import build
    from analytics.exports import table_csv

    found = build(key, period).table(table)
    if found is None:
        abort(404)
    filename = f"statistikk-{SLUGS[key] or 'oversikt'}-{table}-{period.start}-{period.end}.csv"
    return Response(
        table_csv(found),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _register() -> None:
    for key, slug in SLUGS.items():
        path = f"/{slug}" if slug else "/"
        bp.add_url_rule(path, key, lambda key=key: _show(key))
        csv_path = f"/{slug or 'oversikt'}/<table>.csv"
        bp.add_url_rule(csv_path, f"{key}_csv", lambda table, key=key: _csv(key, table))


_register()
