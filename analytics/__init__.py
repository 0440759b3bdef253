"""Statistics dashboards for managers, mounted at /statistikk."""

from __future__ import annotations

from flask import Blueprint, Flask

from bkm.accounts.roles import require_role

bp = Blueprint("analytics", __name__, url_prefix="/statistikk")


@bp.before_request
def _managers_only():
    return require_role("manager")


def init_app(app: Flask) -> None:
    from analytics import views  # noqa: F401  (routes register on import)

    app.register_blueprint(bp)
