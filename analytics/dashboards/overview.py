"""Oversikt: visitors, visits, page views, duration, bounces, orders and revenue."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics import figures, reading
from analytics.dashboards.common import CONSENTING_ONLY, freshness_notes
from analytics.metrics import (
    DATE,
    DECIMAL,
    INT,
    KR,
    PCT,
    SECONDS,
    Column,
    Dashboard,
    Figure,
    Kpi,
    Table,
    median_from_buckets,
    ratio,
    suppress,
    was_suppressed,
    week_or_day,
)
from analytics.models import DurationDay, OrderHour
from analytics.periods import Period

ORDER_MEASURES = ["orders", "revenue_ore", "net_ore"]


def figures_for(period: Period, today: date) -> dict:
    """The period's key figures (also used for the previous period)."""
    days = reading.daily_totals(period, today=today)
    totals = days.drop(columns="day").sum()
    durations = reading.sums(DurationDay, period, ["bucket_s"], ["visits"], today=today)
    orders = reading.sums(OrderHour, period, ["day"], ORDER_MEASURES, today=today)
    sold = orders[ORDER_MEASURES].sum()
    visits = int(totals["visits"])
    return {
        "days": days,
        "orders_by_day": orders,
        "visitors": reading.visitors(period, today=today),
        "visits": visits,
        "page_views": int(totals["page_views"] + totals["cookieless_views"]),
        "consenting_views": int(totals["page_views"]),
        "pages_per_visit": ratio(totals["page_views"], visits),
        "median_s": median_from_buckets(durations),
        "mean_s": ratio(totals["duration_s"], visits),
        "bounce_rate": ratio(totals["bounces"], visits),
        "orders": int(sold["orders"]),
        "revenue_ore": int(sold["revenue_ore"]),
        "net_ore": int(sold["net_ore"]),
        "conversion": ratio(sold["orders"], visits),
        "average_order_ore": ratio(sold["revenue_ore"], sold["orders"]),
    }


KPIS = [
    ("visitors", "Besøkende", INT, "Unike nettlesere med samtykke, anslått (±2 %)."),
    ("visits", "Besøk", INT, "Med samtykke til statistikk."),
    ("page_views", "Sidevisninger", INT, "Alle, også uten samtykke (roboter ikke med)."),
    ("pages_per_visit", "Sider per besøk", DECIMAL, ""),
    ("median_s", "Besøkstid, median", SECONDS, ""),
    ("mean_s", "Besøkstid, snitt", SECONDS, ""),
    ("bounce_rate", "Fluktfrekvens", PCT, "Besøk med bare én side."),
    ("orders", "Ordrer", INT, "Alle ordrer unntatt kansellerte."),
    ("revenue_ore", "Omsetning inkl. mva", KR, "Ordresummer med frakt."),
    ("net_ore", "Omsetning eks. mva", KR, ""),
    (
        "conversion",
        "Konvertering",
        PCT,
        "Ordrer ÷ besøk. Besøk telles bare for dem som har sagt ja til statistikk, ordrer for "
        "alle, så tallet blir for høyt.",
    ),
    ("average_order_ore", "Snittordre", KR, "Omsetning inkl. mva ÷ ordrer."),
]


def build(period: Period, today: date) -> Dashboard:
    previous = period.previous()
    now, before = figures_for(period, today), figures_for(previous, today)
    dashboard = Dashboard(
        "overview",
        "Oversikt",
        "Hvordan nettbutikken brukes og hva den selger, sammenlignet med perioden før.",
        notes=[*freshness_notes(period, today), CONSENTING_ONLY],
    )
    dashboard.kpis = [
        Kpi(key, label, now[key], before[key], kind, note) for key, label, kind, note in KPIS
    ]
    by_day = _by_day(now, before)
    dashboard.tables.append(_daily_table(by_day))
    series, grain = week_or_day(by_day, period.days)
    series = suppress(series, ["visits", "page_views", "visits_prev", "page_views_prev"])
    dashboard.figures = [
        Figure(
            "besok-over-tid",
            "Besøk per " + grain,
            figures.time_series(
                series["day"], series["visits"], series["visits_prev"], y_title="Besøk", grain=grain
            ),
        ),
        Figure(
            "sidevisninger-over-tid",
            "Sidevisninger per " + grain,
            figures.time_series(
                series["day"],
                series["page_views"],
                series["page_views_prev"],
                y_title="Sidevisninger",
                grain=grain,
            ),
        ),
        Figure(
            "omsetning-over-tid",
            "Omsetning inkl. mva per " + grain + " (kr)",
            figures.time_series(
                series["day"],
                series["revenue_ore"] / 100,
                series["revenue_ore_prev"] / 100,
                y_title="Kroner",
                grain=grain,
            ),
        ),
    ]
    return dashboard


def _by_day(now: dict, before: dict) -> pd.DataFrame:
    """Visits, page views, orders and revenue per day, with the previous period's days."""

    def by_day(figures_: dict) -> pd.DataFrame:
        days = figures_["days"]
        orders = (
            figures_["orders_by_day"].set_index("day") if len(figures_["orders_by_day"]) else None
        )
        frame = pd.DataFrame(
            {
                "day": days["day"],
                "visits": days["visits"],
                "page_views": days["page_views"] + days["cookieless_views"],
            }
        )
        for column in ("orders", "revenue_ore"):
            values = frame["day"].map(orders[column]) if orders is not None else 0
            frame[column] = pd.Series(values, index=frame.index).fillna(0).astype("int64")
        return frame.reset_index(drop=True)

    current, previous = by_day(now), by_day(before)
    for column in ("visits", "page_views", "orders", "revenue_ore"):
        current[f"{column}_prev"] = previous[column].to_numpy()[: len(current)]
    return current


def _daily_table(by_day: pd.DataFrame) -> Table:
    shown = suppress(by_day, ["visits", "page_views", "visits_prev", "page_views_prev"])
    return Table(
        "per-dag",
        "Per dag",
        [
            Column("day", "Dag", DATE),
            Column("visits", "Besøk", INT),
            Column("page_views", "Sidevisninger", INT),
            Column("orders", "Ordrer", INT),
            Column("revenue_ore", "Omsetning inkl. mva", KR),
            Column("visits_prev", "Besøk, forrige periode", INT),
            Column("revenue_ore_prev", "Omsetning, forrige periode", KR),
        ],
        shown,
        suppressed=was_suppressed(shown, ["visits", "page_views"]),
    )
