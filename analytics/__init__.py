"""Statistics dashboards for managers, mounted at /statistikk.

The shop never imports this package beyond `init_app`; it reads the shop's tables through
analytics/sources.py only and writes its own `analytics_*` tables only.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from bkm.accounts.roles import require_role

bp = Blueprint("analytics", __name__, url_prefix="/statistikk")

# Every dashboard page: (endpoint, title). The navigation and the benchmark read this.
DASHBOARDS = (
    ("analytics.overview", "Oversikt"),
    ("analytics.pages", "Sider"),
    ("analytics.products", "Varer"),
    ("analytics.journeys", "Veier mellom varer"),
    ("analytics.traffic", "Trafikk"),
    ("analytics.devices", "Enheter"),
    ("analytics.consent", "Samtykke"),
    ("analytics.purchases", "Kjøpstrender"),
)


@bp.before_request
def _managers_only():
    return require_role("manager")


def init_app(app: Flask) -> None:
    from analytics import (
        models,  # noqa: F401  (tables known to migrations)
        views,  # noqa: F401  (routes register on import)
    )
    from analytics.cli import analytics_cli

    # Today's figures are computed from raw events; a worker reuses them this many seconds.
    app.config.setdefault("ANALYTICS_LIVE_SECONDS", 60)
    # Processes that read the days of a long rollup; None: the machine's cores, at most 4.
    app.config.setdefault("ANALYTICS_ROLLUP_WORKERS", None)
    app.register_blueprint(bp)
    app.cli.add_command(analytics_cli)
