"""One module per dashboard page; each has `build(period, today) -> Dashboard`."""

from __future__ import annotations

from datetime import date

from analytics.dashboards import (
    consent,
    devices,
    journeys,
    overview,
    pages,
    products,
    purchases,
    traffic,
)
from analytics.metrics import Dashboard
from analytics.periods import Period
from analytics.reading import one_generation
from bkm.clock import oslo_today

BUILDERS = {
    "overview": overview.build,
    "pages": pages.build,
    "products": products.build,
    "journeys": journeys.build,
    "traffic": traffic.build,
    "devices": devices.build,
    "consent": consent.build,
    "purchases": purchases.build,
}


def build(key: str, period: Period, today: date | None = None) -> Dashboard:
    """The dashboard `key` for the period, compared with the period before it."""
    with one_generation():
        return BUILDERS[key](period, today or oslo_today())
