"""Dashboard pages."""

from __future__ import annotations

from flask import render_template

from analytics import bp


@bp.get("/")
def overview():
    return render_template("analytics/overview.html")
